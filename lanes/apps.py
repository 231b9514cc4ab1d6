from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LanesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lanes"
    verbose_name = _("Themed lanes")
