from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenovationPortalConfig(AppConfig):
    name = "renovation_portal"
    verbose_name = _("Renovation Portal")

    def ready(self):
        from django.contrib.auth.signals import user_login_failed
        from django.db.models.signals import (
            m2m_changed,
            post_delete,
            post_init,
            post_save,
        )

        # The export job's kind, registered in every process (workers too).
        from renovation_portal import exporting, page_cache, staff_otp  # noqa: F401

        # A write to a portal record makes the cached pages that show it stale;
        # a record made while a page renders tags the page (issue 17).
        for name, signal in {"save": post_save, "delete": post_delete}.items():
            signal.connect(page_cache.record_changed, dispatch_uid=f"page-cache-{name}")
        m2m_changed.connect(page_cache.relation_changed, dispatch_uid="page-cache-m2m")
        post_init.connect(page_cache.record_made, dispatch_uid="page-cache-made")
        # Failed logins counted per address, whatever the user name (issue 22).
        user_login_failed.connect(
            staff_otp.count_address_failure, dispatch_uid="login-failures-by-address"
        )
        # django-otp names its app and model in no language. Their names are
        # not in the migrations (those read the model's Meta as written), so
        # renaming them here changes only what the admin shows.
        from django.apps import apps

        if apps.is_installed("django_otp.plugins.otp_totp"):
            config = apps.get_app_config("otp_totp")
            config.verbose_name = staff_otp.APP_NAME
            device = config.get_model("TOTPDevice")
            device._meta.verbose_name = staff_otp.DEVICE_NAME
            device._meta.verbose_name_plural = staff_otp.DEVICES_NAME
