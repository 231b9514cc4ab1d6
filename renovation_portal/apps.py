from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenovationPortalConfig(AppConfig):
    name = "renovation_portal"
    verbose_name = _("Renovation Portal")
