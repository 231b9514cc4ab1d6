from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from renovation_portal import file_cleanup

        from .models import FeedbackPhoto

        # Residents' photos go with their feedback (and its retention).
        file_cleanup.connect(FeedbackPhoto, "image", "thumbnail")
