"""Compounds (estates), their property companies, merged courtyards and honours."""

from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from renovation_portal import maps
from renovation_portal.admin import (
    BilingualModelAdmin,
    BilingualTabularInline,
    annotated_column,
    columns,
    fieldset,
    related_count,
)
from renovation_portal.geo import distance_m
from renovation_portal.geojson import GEOMETRY_OVERRIDES
from renovation_portal.search import normalize

from ..models import (
    Community,
    Estate,
    Honour,
    MergedCourtyard,
    Notice,
    Procedure,
    ProgrammeMembership,
    PropertyCompany,
)
from ..selectors import map as map_selectors
from ..services import (
    FINISHED,
    estate_refresh_stage,
    estate_steps_create,
    notices_posted,
)
from .checklist import checklist_view
from .facilities import PhotoInline
from .progress import FundingInline, NoticeInline, WorksItemInline


class MembershipInline(BilingualTabularInline):
    """The programmes the compound is in; programmes and batches are found by
    typing, since a country's worth would not fit a menu."""

    model = ProgrammeMembership
    fields = ["programme", "batch", "reported_stage", "reported_on", "source"]
    autocomplete_fields = ["programme", "batch", "source"]
    verbose_name = _("programme this compound is in")
    verbose_name_plural = _("programmes this compound is in")


# The keys Estate.save() computes from the names and aliases; a resident's or
# clerk's query is normalised the same way (renovation_portal.search).
SEARCH_KEYS = ["search_hanzi", "search_pinyin", "search_initials", "search_latin"]


def _search_key(field, description):
    # The key columns have no verbose name of their own (they are never
    # edited), so the admin labels them here, in both languages.
    @admin.display(description=description)
    def show(self, obj):
        return getattr(obj, field)

    return show


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(BilingualModelAdmin):
    list_display = [
        *columns(PropertyCompany, "name"),
        "phone",
        "is_strategic_partner",
        annotated_column("estates_count", _("compounds")),
    ]
    list_filter = ["is_strategic_partner"]
    search_fields = [*columns(PropertyCompany, "name"), "phone", "slug"]
    ordering = ["name_zh_hans"]
    fieldsets = [
        fieldset(None, PropertyCompany, "name", "slug", "is_strategic_partner"),
        fieldset(_("Contact"), PropertyCompany, "phone", "address"),
        fieldset(_("Description"), PropertyCompany, "description"),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(estates_count=related_count(PropertyCompany, "estates"))
        )


@admin.register(MergedCourtyard)
class MergedCourtyardAdmin(BilingualModelAdmin):
    formfield_overrides = {models.JSONField: GEOMETRY_OVERRIDES}
    list_display = [
        *columns(MergedCourtyard, "name"),
        "community",
        "subdistrict",
        "compounds_merged",
        "buildings",
        "households",
        annotated_column("estates_count", _("compounds recorded")),
    ]
    list_filter = ["subdistrict", "community"]
    list_select_related = ["community", "subdistrict"]
    autocomplete_fields = ["community", "subdistrict"]
    search_fields = [*columns(MergedCourtyard, "name"), "slug"]
    ordering = ["name_zh_hans"]
    fieldsets = [
        fieldset(None, MergedCourtyard, "name", "slug", ("subdistrict", "community")),
        fieldset(
            _("Figures"),
            MergedCourtyard,
            ("compounds_merged", "buildings", "households"),
            ("walls_removed_m", "roads_opened", "space_gained_m2"),
            description=_("Leave a figure empty when the source does not give it."),
        ),
        fieldset(_("Description"), MergedCourtyard, "space_use", "description"),
        fieldset(_("Place"), MergedCourtyard, "outline"),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(estates_count=related_count(MergedCourtyard, "estates"))
        )


@admin.register(Estate)
class EstateAdmin(BilingualModelAdmin):
    list_display = [
        *columns(Estate, "name"),
        "community",
        "stage",
        "steps_progress",
        "renovation_year",
        "year_built",
        "buildings",
        "households",
        "property_company",
    ]
    list_filter = [
        "stage",
        "renovation_year",
        "community__subdistrict",
        "community",
        "property_company",
    ]
    list_select_related = ["community", "property_company"]
    autocomplete_fields = ["community", "property_company", "courtyard"]
    search_fields = [
        *columns(Estate, "name"),
        "aliases",
        "slug",
        *columns(Community, "name", prefix="community__"),
    ]
    ordering = ["name_zh_hans"]
    readonly_fields = [
        "stage",
        "pick_on_map",
        "step_list",
        "key_hanzi",
        "key_pinyin",
        "key_initials",
        "key_latin",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        fieldset(None, Estate, "name", "slug", "aliases", "community", "stage"),
        fieldset(
            _("Place"),
            Estate,
            "address",
            ("latitude", "longitude"),
            "pick_on_map",
            "courtyard",
        ),
        fieldset(
            _("Figures"),
            Estate,
            ("year_built", "buildings", "households"),
            "floor_area_m2",
            ("renovation_batch", "renovation_year"),
            description=_("Leave a figure empty when the source does not give it."),
        ),
        fieldset(_("Management"), Estate, "property_company", "description"),
        (_("Steps"), {"fields": ["step_list"]}),
        fieldset(
            _("Search keys"),
            Estate,
            "key_hanzi",
            "key_pinyin",
            "key_initials",
            "key_latin",
            classes=["collapse"],
            description=_(
                "Computed from the names and aliases when the compound is saved."
            ),
        ),
        fieldset(
            _("Record"), Estate, ("created_at", "updated_at"), classes=["collapse"]
        ),
    ]
    inlines = [
        MembershipInline,
        WorksItemInline,
        FundingInline,
        NoticeInline,
        PhotoInline,
    ]
    actions = ["create_default_steps"]
    history_derived_fields = ("stage", "stage_reported_on")
    change_form_template = "admin/estates/estate/change_form.html"

    class Media:
        js = ["js/admin-map.js"]
        css = {"all": ["css/admin-map.css"]}

    key_hanzi = _search_key("search_hanzi", _("Chinese characters"))
    key_pinyin = _search_key("search_pinyin", _("full pinyin"))
    key_initials = _search_key("search_initials", _("pinyin initials"))
    key_latin = _search_key("search_latin", _("English names"))

    def get_urls(self):
        checklist = path(
            "<path:object_id>/checklist/",
            self.admin_site.admin_view(partial(checklist_view, self)),
            name="estates_estate_checklist",
        )
        centre = path(
            "community-centre/<int:community_id>/",
            self.admin_site.admin_view(self.community_centre_view),
            name="estates_estate_community_centre",
        )
        return [checklist, centre, *super().get_urls()]

    def community_centre_view(self, request, community_id: int):
        """Where a community's located compounds are (their mean), for the
        map's warning before saving when the clerk picks or changes the
        community (static/js/admin-map.js). Only a community the clerk may see."""
        if not self.has_view_or_change_permission(request) and not (
            self.has_add_permission(request)
        ):
            raise PermissionDenied
        communities = self.admin_site.get_model_admin(Community).get_queryset(request)
        if not communities.filter(pk=community_id).exists():
            raise Http404
        excluding = request.GET.get("excluding", "")
        centre = map_selectors.community_centre(
            community_id=community_id,
            excluding=int(excluding) if excluding.isdigit() else None,
        )
        return JsonResponse(
            {"centre": None if centre is None else f"{centre[0]:.6f},{centre[1]:.6f}"},
            headers={"Cache-Control": "private, no-store"},
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                steps_total=related_count(Estate, "steps"),
                steps_finished=related_count(Estate, "steps", status__in=FINISHED),
            )
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._flag_far_from_community(request, obj)

    def _flag_far_from_community(self, request, obj) -> None:
        """Say so when the compound lies far from its community's other
        compounds (issue 19): the coordinates may be mistyped."""
        if obj.latitude is None or obj.longitude is None:
            return
        centre = map_selectors.community_centre(
            community_id=obj.community_id, excluding=obj.pk
        )
        if centre is None:
            return
        km = distance_m(float(obj.latitude), float(obj.longitude), *centre) / 1000
        if km > map_selectors.FAR_FROM_COMMUNITY_KM:
            self.message_user(
                request,
                gettext(
                    "%(name)s lies %(km)s km from the other compounds of its "
                    "community: check its latitude and longitude (WGS-84)."
                )
                % {"name": obj.name, "km": round(km)},
                messages.WARNING,
            )

    @admin.display(description=_("map"))
    def pick_on_map(self, obj):
        """Coordinates picked by clicking or dragging a pin (issue 19)."""
        located = (
            obj is not None and obj.latitude is not None and obj.longitude is not None
        )
        view = maps.pick_map(
            float(obj.latitude) if located else None,
            float(obj.longitude) if located else None,
            lat_input="id_latitude",
            lng_input="id_longitude",
        )
        if view is not None:
            # Where the community's other compounds are, so that the map warns
            # before saving when the pin lands far from them (issue 19); asked
            # again when the clerk picks or changes the community.
            view.update(
                far_km=map_selectors.FAR_FROM_COMMUNITY_KM,
                centre_url=reverse(
                    "admin:estates_estate_community_centre", args=[0]
                ).removesuffix("0/"),
                excluding=obj.pk if obj is not None and obj.pk else "",
            )
            if obj is not None and obj.community_id is not None:
                centre = map_selectors.community_centre(
                    community_id=obj.community_id, excluding=obj.pk
                )
                view["community_id"] = obj.community_id
                if centre is not None:
                    view["community_centre"] = f"{centre[0]:.6f},{centre[1]:.6f}"
        html = render_to_string("admin/includes/pick_map.html", {"map": view})
        return mark_safe(" ".join(html.split("\n")))  # noqa: S308 (a template's output)

    @admin.display(description=_("steps"))
    def step_list(self, obj):
        """The compound's steps at a glance; they are updated together on the
        step checklist (a table of 30-45 editable rows here made the page
        take 0.3-1.2 s to render, issue 16 item 13)."""
        if obj is None or obj.pk is None:
            return gettext("Save the compound first; then give it its steps.")
        steps = obj.steps.select_related("template").order_by("number")
        html = render_to_string(
            "admin/estates/estate/step_list.html",
            {"estate": obj, "steps": steps, "opts": self.opts},
        )
        # One line: the admin turns a read-only value's line breaks into <br>.
        return mark_safe(" ".join(html.split("\n")))  # noqa: S308 (a template's output)

    @admin.display(description=_("steps finished"), ordering="steps_finished")
    def steps_progress(self, obj):
        if not obj.steps_total:
            return None
        return f"{obj.steps_finished} / {obj.steps_total}"

    def get_search_results(self, request, queryset, search_term):
        # Django's search ANDs each word against the columns, so "jiu da yuan"
        # or "jdy" would find nothing; the search keys hold every pinyin
        # reading and initials, and the normalised query is matched against
        # them too. The change list and the autocomplete widgets both use this.
        unfiltered = queryset
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        term = normalize(search_term)
        if term:
            by_keys = Q()
            for key in SEARCH_KEYS:
                by_keys |= Q(**{f"{key}__icontains": term})
            queryset |= unfiltered.filter(by_keys)
        return queryset, may_have_duplicates

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The stage is derived from the steps and the programmes' reported
        # stages; the membership rows are saved only here.
        estate_refresh_stage(estate=form.instance)
        for formset in formsets:
            if formset.model is Notice:
                notices_posted(
                    notices=[
                        *formset.new_objects,
                        *(obj for obj, _fields in formset.changed_objects),
                    ]
                )

    @admin.action(
        description=_("Create steps from the default template"),
        permissions=["change"],
    )
    def create_default_steps(self, request, queryset):
        # Nothing stops two procedures being marked default; take the first
        # by name so the choice is at least predictable.
        procedure = (
            Procedure.objects.filter(is_default_template=True)
            .order_by("name_zh_hans", "pk")
            .first()
        )
        if procedure is None:
            self.message_user(
                request,
                gettext(
                    "There is no default procedure template. Mark one procedure "
                    "as the default template, then try again."
                ),
                messages.ERROR,
            )
            return
        created = 0
        try:
            # All the selected compounds or none, so a clerk can simply retry.
            with transaction.atomic():
                for estate in queryset:
                    steps = estate_steps_create(estate=estate, procedure=procedure)
                    created += len(steps)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        if created:
            self.message_user(
                request,
                ngettext(
                    "Created %(count)d step from “%(procedure)s”.",
                    "Created %(count)d steps from “%(procedure)s”.",
                    created,
                )
                % {"count": created, "procedure": procedure},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext(
                    "The selected compounds already have every step of “%(procedure)s”."
                )
                % {"procedure": procedure},
                messages.WARNING,
            )


@admin.register(Honour)
class HonourAdmin(BilingualModelAdmin):
    list_display = [
        *columns(Honour, "title"),
        "awarded_by_zh_hans",
        "year",
        "subdistrict",
        annotated_column("estates_count", _("compounds")),
    ]
    list_filter = ["year", "subdistrict"]
    list_select_related = ["subdistrict"]
    autocomplete_fields = ["subdistrict", "estates"]
    search_fields = [*columns(Honour, "title", "awarded_by"), "source"]
    ordering = ["-year", "title_zh_hans"]
    fieldsets = [
        fieldset(None, Honour, "title", "awarded_by", ("year", "subdistrict")),
        fieldset(_("Given to"), Honour, "estates"),
        fieldset(_("Source"), Honour, "source"),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(estates_count=related_count(Honour, "estates"))
        )
