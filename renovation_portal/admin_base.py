"""The admin behaviour every portal ModelAdmin shares (issue 6, items 1–3).

- **Scope**: change lists, forms, dropdowns, autocomplete, search, list filters,
  actions and exports see only the rows of the user's subdistricts, communities
  or compounds; a record saved out of scope is refused and nothing is written.
- **History**: django-simple-history's per-record history view; only the users
  the access policy lets revert (subdistrict administrators) may revert.
- **No lost updates**: the change form carries the version the clerk opened;
  if someone saved in between, the form comes back with what changed and
  nothing is saved. Rows edited inline carry their own version the same way;
  a stale row, or a row someone else deleted meanwhile, refuses the whole
  page's save and names the row.

It knows no app's models: which rows a user may act on, and who may revert,
it asks the access policy (:mod:`renovation_portal.access`), which the staff
app provides.
"""

from __future__ import annotations

import dataclasses

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import (
    NotRelationField,
    flatten_fieldsets,
    get_fields_from_path,
)
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from renovation_portal import access, history_reasons
from renovation_portal.models import StaleRecordError

STALE_MESSAGE = _(
    "Someone else saved this record after you opened it. Nothing you typed has "
    "been saved. Changed since you opened it: %(changes)s. Check your entries "
    "against them and save again to keep yours."
)
STALE_NO_DETAIL = _("the record's related entries")
STALE_ROW_MESSAGE = _(
    "Someone else saved the %(kind)s “%(row)s” after you opened this page. "
    "Nothing on this page has been saved. Changed since you opened it: "
    "%(changes)s. Check this row against them and save again to keep yours."
)
STALE_DELETED_ROW_MESSAGE = _(
    "Someone else saved the %(kind)s “%(row)s” after you opened this page, so "
    "it was not deleted. Nothing on this page has been saved. Open the page "
    "again to see their changes before you delete it."
)
GONE_ROW_MESSAGE = _(
    "A row of “%(kind)s” was deleted by someone else after you opened this "
    "page. Nothing on this page has been saved. Open the page again to see "
    "the rows as they are now."
)


def _has_version(model: type[models.Model]) -> bool:
    try:
        model._meta.get_field("version")
    except FieldDoesNotExist:
        return False
    return True


def _stored(instance: models.Model, name: str) -> str:
    """A field's stored value as a clerk reads it (a choice's label, a
    related record's name)."""
    display = getattr(instance, f"get_{name}_display", None)
    value = display() if callable(display) else getattr(instance, name, "")
    if value in (None, ""):
        return gettext("(empty)")
    return str(value)


def changed_since(instance: models.Model, version: int, names: list[str]):
    """The fields among ``names`` whose stored value differs from the one they
    had at ``version``, read from the record's history; ``None`` when that
    version is not in the history."""
    history = getattr(type(instance), "history", None)
    if history is None:
        return None
    then = (
        history.filter(pk=instance.pk, version=version).order_by("-history_id").first()
    )
    if then is None:
        return None
    changed = []
    for name in names:
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not field.concrete or field.many_to_many:
            continue
        if getattr(then, field.attname) != getattr(instance, field.attname):
            changed.append(name)
    return changed


class VersionedFormMixin:
    """Carries the version the clerk opened in a hidden field and refuses the
    save when the stored version has moved on."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=self.instance.version, required=False
        )

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("version")
        stored = self.instance.version
        if opened is None or opened == stored or self.instance._state.adding:
            return cleaned
        if cleaned.get("DELETE"):
            # An inline row marked for deletion: its formset says so.
            return cleaned
        changes = self._changes_since(opened)
        # The form comes back carrying the stored version: saving it again is
        # the clerk's informed choice, not a repeat of the conflict.
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(stored)
        raise self._stale_error(changes)

    def _changes_since(self, opened: int) -> str:
        """The fields someone else changed, each with its stored value."""
        names = [name for name in self.fields if name != "version"]
        changed = changed_since(self.instance, opened, names)
        if changed is None:
            # No history of that version: name the fields whose stored value
            # differs from what the clerk sent.
            changed = [name for name in self.changed_data if name in names]
        return "; ".join(
            f"{self.fields[name].label}: “{_stored(self.instance, name)}”"
            for name in changed
        ) or str(STALE_NO_DETAIL)

    def _stale_error(self, changes: str) -> ValidationError:
        return ValidationError(STALE_MESSAGE, code="stale", params={"changes": changes})


class VersionedRowFormMixin(VersionedFormMixin):
    """The version check for one row of an inline table: the message names
    the row, since a page holds many."""

    def _stale_error(self, changes: str) -> ValidationError:
        return ValidationError(
            STALE_ROW_MESSAGE,
            code="stale",
            params={
                "kind": self.instance._meta.verbose_name,
                "row": str(self.instance),
                "changes": changes,
            },
        )


class ScopedFormfieldMixin:
    """Dropdowns and multi-selects offer only the rows in the user's scope, so
    neither the choices nor a forged POST reach a record out of it."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _scope_field(field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _scope_field(field, request)


def _scope_field(field, request):
    queryset = getattr(field, "queryset", None)
    if queryset is not None and access.scope_for(queryset.model) is not None:
        field.queryset = access.scoped(queryset, request.user)
    return field


class HistoryInWords(HistoricalRecordContextHelper):
    """The history's "what changed" as the change form words it: a choice's
    label instead of its stored code, "—" for nothing."""

    def prepare_delta_change_value(self, change, value):
        if value is None or value == "":
            return "—"
        field = self.model._meta.get_field(change.field)
        if getattr(field, "flatchoices", None) and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class StaffAdminMixin(ScopedFormfieldMixin):
    """Scope, history and version checks for a ModelAdmin (see module doc).

    Mixed in before a ModelAdmin that derives from ``SimpleHistoryAdmin``.
    """

    # Fields no form edits but the history must show when they change (a
    # compound's stage, derived from its steps): the history's "what changed"
    # otherwise lists only editable fields.
    history_derived_fields: tuple[str, ...] = ()

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryInWords(self.model, historical_record)

    def set_history_delta_changes(
        self, request, historical_records, foreign_keys_are_objs=True
    ):
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, foreign_keys_are_objs=foreign_keys_are_objs
                )
                derived = [
                    ModelChange(name, getattr(current, name), getattr(previous, name))
                    for name in self.history_derived_fields
                    if getattr(current, name) != getattr(previous, name)
                ]
                if derived:
                    delta = dataclasses.replace(
                        delta,
                        changes=[*delta.changes, *derived],
                        changed_fields=[
                            *delta.changed_fields,
                            *(change.field for change in derived),
                        ],
                    )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current
        # The portal's own reasons (a derived stage) in the reader's language.
        records = list(historical_records)
        worded = history_reasons.in_words(
            [record.history_change_reason for record in records]
        )
        for record, text in zip(records, worded, strict=True):
            record.reason_in_words = text

    change_form_template = "admin/versioned_change_form.html"

    # Scope --------------------------------------------------------------
    def get_queryset(self, request):
        return access.scoped(super().get_queryset(request), request.user)

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete view searches through here too.
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        return access.scoped(queryset, request.user), may_have_duplicates

    def get_list_filter(self, request):
        """A related-field filter lists only values found in the user's rows;
        the stock one lists every row of the related table."""
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        result = []
        for entry in filters:
            if isinstance(entry, str):
                try:
                    last = get_fields_from_path(self.model, entry)[-1]
                except (FieldDoesNotExist, NotRelationField):
                    last = None
                if last is not None and last.is_relation:
                    entry = (entry, admin.RelatedOnlyFieldListFilter)
            result.append(entry)
        return result

    def _in_scope(self, request, obj) -> bool:
        return obj is None or access.is_in_scope(obj, request.user)

    def get_object(self, request, object_id, from_field=None):
        """A record out of the user's area answers as one that does not exist:
        404, on its change, delete and history pages alike (issue 22), where
        Django would redirect for one and refuse (403) the other."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("No such record in your area."))
        return obj

    def has_view_history_or_change_history_permission(self, request, obj=None):
        # django-simple-history's history pages find the record themselves,
        # through its history when it is not in the user's queryset.
        if not self._in_scope(request, obj):
            raise Http404(gettext("No such record in your area."))
        return super().has_view_history_or_change_history_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(
            request, obj
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the many-to-many fields, which can move a record (a council's
        # compounds); the admin's transaction undoes the whole save.
        if not access.is_in_scope(form.instance, request.user):
            raise PermissionDenied(
                gettext("You may not save a record outside your area.")
            )

    # No lost updates ---------------------------------------------------------
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or not _has_version(self.model):
            return form
        return type(form.__name__, (VersionedFormMixin, form), {})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleRecordError:
            # Saved by someone else between the form's check and the write; the
            # admin's transaction has already undone this save.
            self.message_user(
                request,
                gettext(
                    "Someone else saved this record at the same moment. Nothing "
                    "you typed has been saved; open it again to see their changes."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    # History -----------------------------------------------------------------
    def revert_disabled(self, request, obj=None):
        return not access.may_revert(request.user) or super().revert_disabled(
            request, obj
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or self.revert_disabled(request, obj):
                raise PermissionDenied
            request._staff_reverting_from = obj.version
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        stored = getattr(request, "_staff_reverting_from", None)
        if stored is not None:
            # A revert writes an old copy over the stored record on purpose.
            obj.version = stored
        super().save_model(request, obj, form, change)


class StaffModelAdmin(StaffAdminMixin, SimpleHistoryAdmin):
    """A plain portal ModelAdmin with scope, history and version checks."""


class VersionedFormSetMixin:
    """The checks on an inline table as a whole: a row someone else deleted
    or saved meanwhile refuses the page's save with a message that says so,
    and the admin's transaction keeps everything as it was."""

    def clean(self):
        super().clean()
        pk_name = self.model._meta.pk.name
        for form in self.initial_forms:
            # Django finds no stored row for the submitted id; a row the
            # clerk meant to delete anyway is no conflict.
            if pk_name in form.errors and not self._should_delete_form(form):
                raise ValidationError(
                    GONE_ROW_MESSAGE,
                    code="gone",
                    params={"kind": self.model._meta.verbose_name_plural},
                )
        if not _has_version(self.model):
            return
        for form in self.initial_forms:
            if form.instance.pk is None or not self._should_delete_form(form):
                continue
            # Rows marked for deletion skip their form's checks.
            opened = self.data.get(form.add_prefix("version"))
            if opened and opened != str(form.instance.version):
                raise ValidationError(
                    STALE_DELETED_ROW_MESSAGE,
                    code="stale",
                    params={
                        "kind": self.model._meta.verbose_name,
                        "row": str(form.instance),
                    },
                )


class VersionedInlineMixin:
    """No lost updates in inline tables: each stored row carries the version
    it was opened at in a hidden field, and the save is refused when any
    row's stored version has moved on (issue 6, item 3)."""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        # Listed so that the inline templates render the hidden input; a
        # read-only table would show it as a column instead.
        if (
            _has_version(self.model)
            and "version" not in fields
            and self.has_change_permission(request, obj)
        ):
            fields.append("version")
        return fields

    def get_formset(self, request, obj=None, **kwargs):
        if "fields" not in kwargs:
            # Not a model form field (``editable=False``): the form classes
            # below declare it.
            kwargs["fields"] = [
                name
                for name in flatten_fieldsets(self.get_fieldsets(request, obj))
                if name != "version"
            ]
        formset = super().get_formset(request, obj, **kwargs)
        attrs = {}
        if _has_version(self.model):
            attrs["form"] = type(
                formset.form.__name__, (VersionedRowFormMixin, formset.form), {}
            )
        return type(formset.__name__, (VersionedFormSetMixin, formset), attrs)


class ScopedInlineMixin(VersionedInlineMixin, ScopedFormfieldMixin):
    """An inline's dropdowns limited to the user's scope, its rows version
    checked."""
