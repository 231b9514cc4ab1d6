"""Admin helpers shared by every app: bilingual fields side by side, on top of
the scope, history and version checks of :mod:`renovation_portal.admin_base`.
Knows no app: the scope rules come from the access policy the staff app
provides (:mod:`renovation_portal.access`).

Each translated field (see :mod:`renovation_portal.translation`) is stored as one
column per language. A clerk types the Chinese and the English of a field next
to each other, so fieldsets put a field's columns on one row; the rows are
built from ``Model.<field>.fields`` so that adding a language never means
editing every admin by hand. ``TranslatedFieldAdmin`` labels each column with
its language code ("Name [en]").

A tabbed per-language admin (django-modeltranslation's) loads jQuery UI from a
CDN, which breaks offline and in mainland China (STYLE.md "Known traps"); side
by side needs no JavaScript at all.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from simple_history.admin import SimpleHistoryAdmin
from translated_fields import TranslatedField
from translated_fields.admin import TranslatedFieldAdmin

from renovation_portal.admin_base import ScopedInlineMixin, StaffAdminMixin


def is_translated(model: type[models.Model], name: str) -> bool:
    return isinstance(getattr(model, name, None), TranslatedField)


def columns(model: type[models.Model], *names: str, prefix: str = "") -> list[str]:
    """Every column of each name: ``columns(Estate, "name")`` →
    ``["name_zh_hans", "name_en"]``; plain fields pass through.

    ``prefix`` builds lookups across a relation for ``search_fields``:
    ``columns(Community, "name", prefix="community__")``.
    """
    result = []
    for name in names:
        found = getattr(model, name).fields if is_translated(model, name) else [name]
        result.extend(f"{prefix}{column}" for column in found)
    return result


def rows(model: type[models.Model], *names: str | tuple[str, ...]) -> list[Any]:
    """Fieldset rows: a translated field's columns side by side on one row.

    Plain names stay alone on their row; a tuple of plain names is kept as the
    row it already is (``("latitude", "longitude")``).
    """
    result: list[Any] = []
    for name in names:
        if isinstance(name, str) and is_translated(model, name):
            result.append(tuple(getattr(model, name).fields))
        else:
            result.append(name)
    return result


def fieldset(
    title: Any, model: type[models.Model], *names: str | tuple[str, ...], **options
) -> tuple[Any, dict[str, Any]]:
    """One ``fieldsets`` entry whose rows come from :func:`rows`."""
    return (title, {"fields": rows(model, *names), **options})


# Two text areas side by side must fit a laptop screen; Django's default text
# area is 40 columns *plus* a CSS width of 48em, which pushes the English one
# off to the right.
_TEXTAREA = {"widget": forms.Textarea(attrs={"rows": 4, "cols": 40})}
_INLINE_TEXTAREA = {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})}
# An address typed without its scheme is read as https (Django 6's default).
_URL = {"assume_scheme": "https"}


class BilingualModelAdmin(StaffAdminMixin, TranslatedFieldAdmin, SimpleHistoryAdmin):
    """A ModelAdmin whose translated columns are labelled with their language,
    scoped to the user's area, with history and version checks
    (:mod:`renovation_portal.admin_base`)."""

    formfield_overrides = {models.TextField: _TEXTAREA, models.URLField: _URL}


class BilingualTabularInline(ScopedInlineMixin, admin.TabularInline):
    formfield_overrides = {models.TextField: _INLINE_TEXTAREA, models.URLField: _URL}
    extra = 0


class BilingualStackedInline(ScopedInlineMixin, admin.StackedInline):
    formfield_overrides = {models.TextField: _TEXTAREA, models.URLField: _URL}
    extra = 0


def related_count(model: type[models.Model], name: str, **filters: Any) -> Coalesce:
    """The number of rows related to each row through ``name`` (a reverse
    foreign key or a many-to-many field), for ``annotate()``.

    A correlated subquery rather than ``Count(name)``: a JOIN with GROUP BY
    would follow the admin's queryset into every list filter, count and
    autocomplete query, while a subquery is only computed for the rows shown
    (and Django drops it from ``count()``).
    """
    field = model._meta.get_field(name)
    if field.many_to_many and field.concrete:
        lookup = field.m2m_field_name()
        rows = field.remote_field.through._default_manager.all()
    else:
        lookup = field.field.name
        rows = field.related_model._default_manager.all()
    counts = (
        rows.filter(**{lookup: OuterRef("pk")}, **filters)
        .order_by()
        .values(lookup)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


def annotated_column(attribute: str, description: Any) -> Any:
    """A sortable list column showing a value annotated in ``get_queryset``
    (a count, a latest date), so the change list needs no query per row."""

    @admin.display(description=description, ordering=attribute)
    def column(obj):
        return getattr(obj, attribute)

    column.__name__ = attribute
    return column
