"""Renovation programmes: their places, sources, batches, reported figures,
pillars, case-study sections and the compounds in them (issue 15).

A programme's page holds everything but its compounds: those can run to
thousands, so they have their own list, reached from the programme's page and
filtered to it, and each compound's page lists the programmes it is in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from renovation_portal.admin import (
    BilingualModelAdmin,
    BilingualStackedInline,
    BilingualTabularInline,
    annotated_column,
    columns,
    fieldset,
    related_count,
)
from renovation_portal.images import ImageRejected, clean_image

from ..models import (
    CaseStudySection,
    Estate,
    Programme,
    ProgrammeBatch,
    ProgrammeFigure,
    ProgrammeMembership,
    ProgrammePillar,
    ProgrammeSource,
)
from ..services import estates_refresh_stages

# The programme being edited, so that its inlines offer only its own sources
# and batches (set by ProgrammeAdmin.get_form for the request).
PROGRAMME_ATTR = "_admin_programme"


class ProgrammeChildInline:
    """An inline of a programme's page whose source and batch dropdowns list
    only that programme's sources and batches (none before it is saved)."""

    # A record of its own page, not yet tied to a programme, may offer every
    # source (its form's clean() refuses one of another programme).
    unfiltered_without_programme = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in {"source", "batch"} and field is not None:
            programme = getattr(request, PROGRAMME_ATTR, None)
            if programme is None and self.unfiltered_without_programme:
                return field
            field.queryset = field.queryset.filter(
                programme=programme.pk if programme else None
            )
        return field


class SourceInline(BilingualStackedInline):
    model = ProgrammeSource
    fieldsets = [
        fieldset(
            None,
            ProgrammeSource,
            ("key", "position"),
            "title",
            "publisher",
            ("published_on", "url"),
            "note",
        )
    ]
    ordering = ["position", "key"]


class BatchInline(BilingualTabularInline):
    model = ProgrammeBatch
    fields = ["kind", "year", "number", *columns(ProgrammeBatch, "note")]


class FigureInline(ProgrammeChildInline, BilingualStackedInline):
    """Each figure in a few lines; its note, unit, date and subject are on
    the figure's own page (the change link)."""

    model = ProgrammeFigure
    fieldsets = [
        fieldset(
            None,
            ProgrammeFigure,
            ("key", "position", "measure", "batch"),
            "label",
            ("value", "precision", "source"),
            description=_(
                "Each figure names one of the sources above (add and save them "
                "first); leave the value empty when the source does not give it."
            ),
        )
    ]
    ordering = ["batch", "position", "key"]
    show_change_link = True


class PillarInline(BilingualStackedInline):
    model = ProgrammePillar
    fieldsets = [
        fieldset(
            None,
            ProgrammePillar,
            ("key", "position"),
            "name",
            "summary",
            "body",
            "figure_keys",
            "registers",
        )
    ]
    ordering = ["position", "key"]
    classes = ["collapse"]


class SectionForm(forms.ModelForm):
    """A section's picture is checked by content and re-encoded without its
    metadata, as every image the portal stores is."""

    class Meta:
        model = CaseStudySection
        fields = [
            "position",
            "kind",
            "anchor",
            *CaseStudySection.heading.fields,
            *CaseStudySection.body.fields,
            "figure_keys",
            "image",
            *CaseStudySection.image_caption.fields,
        ]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload or upload == self.initial.get("image"):
            return upload
        try:
            return clean_image(upload).image
        except ImageRejected as error:
            raise ValidationError(str(error), code=error.code) from None


class SectionInline(BilingualStackedInline):
    model = CaseStudySection
    form = SectionForm
    fieldsets = [
        fieldset(
            None,
            CaseStudySection,
            ("position", "kind", "anchor"),
            "heading",
            "body",
            "figure_keys",
            "image",
            "image_caption",
        )
    ]
    ordering = ["position", "pk"]


@admin.register(Programme)
class ProgrammeAdmin(BilingualModelAdmin):
    list_display = [
        *columns(Programme, "name"),
        "place_shown",
        "start_year",
        "end_year",
        annotated_column("members_count", _("compounds named")),
        "position",
    ]
    list_select_related = ["province", "city", "district", "subdistrict"]
    search_fields = [*columns(Programme, "name", "short_name"), "slug"]
    autocomplete_fields = ["province", "city", "district", "subdistrict", "covers"]
    ordering = ["position", "name_zh_hans"]
    readonly_fields = ["compounds_link"]
    fieldsets = [
        fieldset(None, Programme, "name", "short_name", ("slug", "position")),
        fieldset(
            _("Authority and place"),
            Programme,
            "authority",
            ("province", "city"),
            ("district", "subdistrict"),
            "covers",
            ("start_year", "end_year"),
            description=_(
                "Give the place of the body that runs the programme: its "
                "subdistrict or town, or its district or county (with the city "
                "and province above it when you like)."
            ),
        ),
        fieldset(_("Summary and model"), Programme, "summary", "model_name"),
        fieldset(_("Compounds"), Programme, "compounds_link"),
    ]
    inlines = [SourceInline, BatchInline, FigureInline, PillarInline, SectionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(members_count=related_count(Programme, "memberships"))
        )

    def delete_model(self, request, obj):
        estate_ids = set(obj.memberships.values_list("estate", flat=True))
        super().delete_model(request, obj)
        estates_refresh_stages(estate_ids=estate_ids)

    def delete_queryset(self, request, queryset):
        estate_ids = set(
            ProgrammeMembership.objects.filter(programme__in=queryset).values_list(
                "estate", flat=True
            )
        )
        super().delete_queryset(request, queryset)
        estates_refresh_stages(estate_ids=estate_ids)

    def get_form(self, request, obj=None, change=False, **kwargs):
        setattr(request, PROGRAMME_ATTR, obj)
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("place"))
    def place_shown(self, obj):
        return obj.place

    @admin.display(description=_("compounds in this programme"))
    def compounds_link(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the programme first; then add its compounds.")
        count = obj.memberships.count()
        url = reverse("admin:estates_programmemembership_changelist")
        query = urlencode({"programme__id__exact": obj.pk})
        add = reverse("admin:estates_programmemembership_add")
        return format_html(
            '<a href="{}?{}">{}</a> · <a href="{}?programme={}">{}</a>',
            url,
            query,
            ngettext("%(count)d compound named", "%(count)d compounds named", count)
            % {"count": count},
            add,
            obj.pk,
            _("Add a compound to this programme"),
        )


@admin.register(ProgrammeMembership)
class ProgrammeMembershipAdmin(BilingualModelAdmin):
    list_display = [
        "estate",
        "programme",
        "batch",
        "reported_stage",
        "reported_on",
    ]
    list_select_related = ["estate", "programme", "batch"]
    list_filter = ["reported_stage"]
    search_fields = [
        *columns(Estate, "name", prefix="estate__"),
        "estate__slug",
        *columns(Programme, "short_name", prefix="programme__"),
        "programme__slug",
    ]
    autocomplete_fields = ["programme", "estate", "batch", "source"]
    ordering = ["programme__position", "estate__name_zh_hans"]
    fieldsets = [
        fieldset(None, ProgrammeMembership, "programme", "estate", "batch"),
        fieldset(
            _("Stage reported by the source"),
            ProgrammeMembership,
            ("reported_stage", "reported_on"),
            "source",
            "note",
            description=_(
                "Only what the source says: the stage and its date are shown on "
                "the compound's page while the portal has no steps for it."
            ),
        ),
    ]

    # The compound's stage follows its memberships while it has no steps.
    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            before = (
                ProgrammeMembership.objects.filter(pk=obj.pk)
                .values_list("estate", flat=True)
                .first()
            )
        super().save_model(request, obj, form, change)
        estates_refresh_stages(estate_ids={obj.estate_id, before} - {None})

    def delete_model(self, request, obj):
        estate_id = obj.estate_id
        super().delete_model(request, obj)
        estates_refresh_stages(estate_ids=[estate_id])

    def delete_queryset(self, request, queryset):
        estate_ids = set(queryset.values_list("estate", flat=True))
        super().delete_queryset(request, queryset)
        estates_refresh_stages(estate_ids=estate_ids)

    def lookup_allowed(self, lookup, value, request=None):
        # The programme's page links to its compounds: programme__id__exact.
        if lookup in {"programme__id__exact", "programme__slug"}:
            return True
        return super().lookup_allowed(lookup, value, request)


@admin.register(ProgrammeBatch)
class ProgrammeBatchAdmin(BilingualModelAdmin):
    """Batches are kept on their programme's page; this list lets other pages
    find one by typing (a compound's batch)."""

    list_display = ["__str__", "programme", "kind", "year", "number"]
    list_select_related = ["programme"]
    search_fields = [
        *columns(Programme, "short_name", prefix="programme__"),
        "programme__slug",
        "=year",
        "=number",
    ]
    ordering = ["programme__position", "kind", "year", "number"]
    fieldsets = [
        fieldset(None, ProgrammeBatch, "programme", ("kind", "year", "number"), "note")
    ]
    autocomplete_fields = ["programme"]


@admin.register(ProgrammeSource)
class ProgrammeSourceAdmin(BilingualModelAdmin):
    """Sources are kept on their programme's page; this list lets a
    membership's page find one by typing."""

    list_display = [*columns(ProgrammeSource, "title"), "programme", "published_on"]
    list_select_related = ["programme"]
    search_fields = [
        *columns(ProgrammeSource, "title", "publisher"),
        "key",
        *columns(Programme, "short_name", prefix="programme__"),
    ]
    ordering = ["programme__position", "position"]
    autocomplete_fields = ["programme"]
    fieldsets = [
        fieldset(
            None,
            ProgrammeSource,
            "programme",
            ("key", "position"),
            "title",
            "publisher",
            ("published_on", "url"),
            "note",
        )
    ]


@admin.register(ProgrammeFigure)
class ProgrammeFigureAdmin(ProgrammeChildInline, BilingualModelAdmin):
    """A figure's whole record; the programme's page lists them in a table."""

    unfiltered_without_programme = True

    list_display = [
        *columns(ProgrammeFigure, "label"),
        "programme",
        "batch",
        "value",
        "precision",
        "measure",
    ]
    list_select_related = ["programme", "batch"]
    list_filter = ["measure", "precision"]
    search_fields = [
        *columns(ProgrammeFigure, "label"),
        "key",
        *columns(Programme, "short_name", prefix="programme__"),
    ]
    ordering = ["programme__position", "batch", "position"]
    autocomplete_fields = ["programme"]
    fieldsets = [
        fieldset(
            None,
            ProgrammeFigure,
            "programme",
            ("key", "position"),
            "label",
            ("measure", "subject", "batch"),
            ("value", "precision", "as_of"),
            "unit",
            "source",
            "note",
            description=_(
                "Leave the value empty when the source names the figure but "
                "does not give it, and set the precision as the source words it."
            ),
        )
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        setattr(request, PROGRAMME_ATTR, obj.programme if obj else None)
        return super().get_form(request, obj, change=change, **kwargs)


@admin.register(ProgrammePillar)
class ProgrammePillarAdmin(BilingualModelAdmin):
    """Pillars are kept on their programme's page; this list lets a practice's
    page find one by typing."""

    list_display = [*columns(ProgrammePillar, "name"), "programme", "position"]
    list_select_related = ["programme"]
    search_fields = [
        *columns(ProgrammePillar, "name"),
        "key",
        *columns(Programme, "short_name", prefix="programme__"),
    ]
    ordering = ["programme__position", "position"]
    autocomplete_fields = ["programme"]
    fieldsets = [
        fieldset(
            None,
            ProgrammePillar,
            "programme",
            ("key", "position"),
            "name",
            "summary",
            "body",
            "figure_keys",
            "registers",
        )
    ]
