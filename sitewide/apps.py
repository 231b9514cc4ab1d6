from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitewideConfig(AppConfig):
    """The pages and commands that span the apps: home, case study, open data,
    statistics, the staff dashboard, source and synthetic data. It sits on top:
    it may import every app (and staff); no app imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sitewide"
    verbose_name = _("Site-wide pages")

    def ready(self):
        # Long admin work runs as jobs kept here (renovation_portal/background.py).
        from . import jobs

        jobs.install()
