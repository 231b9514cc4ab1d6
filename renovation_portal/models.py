"""Abstract bases shared by every app's models. Knows no app."""

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from renovation_portal.search import slug_pinyin


class TimeStampedModel(models.Model):
    """Created/updated times and the synthetic-data mark every record carries."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        db_index=True,
        help_text=_("Generated for scale tests; not real data."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Counts the saves, so that a stale edit cannot overwrite one."),
    )

    class Meta:
        abstract = True

    # Optimistic locking (issue 6, item 3): a full save() of a stored row
    # writes version + 1 only where the stored version is still the one this
    # object was read with, in the same UPDATE, so no read-then-write window is
    # left between two clerks. Saves of named fields (``update_fields``, e.g. a
    # service moving a compound's stage) and bulk_create/bulk_update pass by:
    # they change no field a clerk types.
    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is not None or self._state.adding:
            return super().save(*args, **kwargs)
        expected = self.version
        self._expected_version = expected
        self.version = expected + 1
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = expected
            raise
        finally:
            del self._expected_version

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(
                base_qs, using, pk_val, values, update_fields, forced_update
            )
        updated = super()._do_update(
            base_qs.filter(version=expected),
            using,
            pk_val,
            values,
            update_fields,
            forced_update,
        )
        if not updated and base_qs.filter(pk=pk_val).exists():
            raise StaleRecordError(self, expected)
        return updated


class StaleRecordError(Exception):
    """Someone saved the record since this copy of it was read."""

    def __init__(self, obj: models.Model, expected: int):
        self.obj = obj
        self.expected = expected
        super().__init__(
            f"{type(obj)._meta.label} {obj.pk} changed since version {expected}"
        )


def slug_base(source: str) -> str:
    """The readable pinyin slug of ``source`` before any "-2" suffix."""
    base = slugify(slug_pinyin(source)) or slugify(source) or "item"
    return base[:70]


def unique_slug(
    instance: models.Model,
    source: str,
    *,
    scope: dict | None = None,
    also_taken: set[str] | frozenset[str] = frozenset(),
) -> str:
    """A readable pinyin slug for ``source`` that no sibling record uses yet.

    ``scope`` narrows uniqueness to a parent (slugs unique per parent);
    ``also_taken`` adds slugs given to records not saved yet (a bulk insert).
    The database's unique constraint stays the final word.
    """
    base = slug_base(source)
    model = type(instance)
    siblings = model._default_manager.filter(**(scope or {}))
    if instance.pk:
        siblings = siblings.exclude(pk=instance.pk)
    taken = set(siblings.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= {slug for slug in also_taken if slug.startswith(base)}
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


class SlugFromNameMixin:
    """Derive an empty slug from the Chinese name when the record is saved.

    Staff may still type a readable slug; when they leave it empty, every write
    path (admin, loader, import, shell) gets the same pinyin slug. ``slug_parent``
    names the field that scopes uniqueness (slugs unique per parent); ``None``
    means unique everywhere, as a public address needs.
    """

    slug_source = "name_zh_hans"
    slug_parent: str | None = None

    def save(self, *args, **kwargs):
        if not self.slug:
            scope = (
                {self.slug_parent: getattr(self, self.slug_parent)}
                if self.slug_parent
                else None
            )
            self.slug = unique_slug(self, getattr(self, self.slug_source), scope=scope)
        super().save(*args, **kwargs)


# Reusable check-constraint helpers keep the "never negative" rules in one place.
def non_negative(field: str, model_label: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True})
        | models.Q(**{f"{field}__gte": 0}),
        name=f"{model_label}_{field}_non_negative",
        violation_error_message=_("This figure cannot be negative."),
    )
