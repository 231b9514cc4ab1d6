from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "estates"
    verbose_name = _("Compounds")

    def ready(self):
        from renovation_portal import file_cleanup

        from .models import Inspection, Photo, StepDocument

        file_cleanup.connect(StepDocument, "file")
        file_cleanup.connect(Inspection, "document")
        file_cleanup.connect(Photo, "image", "thumbnail")
        # The stage's reasons in a compound's edit history, worded when read.
        from . import services  # noqa: F401  (registers its wording)

        # Applying an import is a job on the queue (renovation_portal/background.py).
        from .importing import jobs  # noqa: F401  (registers its kind)
