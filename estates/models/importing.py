"""What the spreadsheet import (``estates/importing/``) keeps between requests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportClaim(models.Model):
    """One row per stored upload applied (estates/importing/views.py).

    Applying inserts the claim in the import's own transaction: a second
    "apply" of the same preview, even at the same moment, waits on the unique
    file name and then fails to insert it, and is told the import was already
    applied. A refused import rolls its claim back with everything else.
    """

    file = models.CharField(_("stored file"), max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    claimed_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        verbose_name = _("import claim")
        verbose_name_plural = _("import claims")

    def __str__(self):
        return self.file
