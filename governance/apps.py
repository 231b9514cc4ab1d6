from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from renovation_portal import file_cleanup, page_cache

        from .models import FeedbackPhoto
        from .selectors import survey_answer_changes

        # Residents' photos go with their feedback (and its retention).
        file_cleanup.connect(FeedbackPhoto, "image", "thumbnail")
        # A survey answer changes a public page only once results are shown.
        page_cache.quiet_writes("governance.surveyresponse", survey_answer_changes)
