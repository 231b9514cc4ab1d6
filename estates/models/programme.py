"""The programme's headline figures as the source states them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renovation_portal.models import TimeStampedModel
from renovation_portal.translation import BilingualField

from .places import Subdistrict


class Qualifier(models.TextChoices):
    EXACT = "exact", _("exactly")
    ABOUT = "about", _("about")
    OVER = "over", _("over")
    NEARLY = "nearly", _("nearly")


class ProgrammeFact(TimeStampedModel):
    """A headline figure from a named source, stored rather than computed.

    ``value`` is NULL when the source names the figure but does not give it;
    pages show that as "not disclosed".
    """

    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="facts",
        verbose_name=_("subdistrict"),
    )
    key = models.SlugField(_("key"), max_length=60)
    label = BilingualField(models.CharField(_("label"), max_length=200))
    value = models.DecimalField(
        _("value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    qualifier = models.CharField(
        _("qualifier"),
        max_length=10,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
    )
    unit = BilingualField(models.CharField(_("unit"), max_length=40, blank=True))
    note = BilingualField(models.TextField(_("note"), blank=True))
    source = models.CharField(_("source"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("programme figure")
        verbose_name_plural = _("programme figures")
        ordering = ["subdistrict", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "key"],
                name="programme_fact_key_unique",
                violation_error_message=_(
                    "This subdistrict already has a figure with this key."
                ),
            )
        ]

    def __str__(self):
        return self.label

    @property
    def is_disclosed(self) -> bool:
        return self.value is not None
