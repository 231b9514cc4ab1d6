from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "estates"
    verbose_name = _("Compounds")
