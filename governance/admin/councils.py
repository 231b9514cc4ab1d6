"""Councils and meetings, organisations and sub-teams, mediation, awards and
practices."""

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from estates.models import Community, Estate
from governance import services
from governance.admin.filters import MeetingDueFilter
from governance.models import (
    Award,
    AwardGrant,
    Council,
    MediationCase,
    Meeting,
    Organisation,
    OrganisationKind,
    Practice,
)
from renovation_portal.access import scoped
from renovation_portal.admin import (
    BilingualModelAdmin,
    BilingualTabularInline,
    annotated_column,
    columns,
    fieldset,
    related_count,
)


class MeetingInline(BilingualTabularInline):
    model = Meeting
    fields = ["held_on", "kind", *columns(Meeting, "title"), "attendees_count"]
    ordering = ["-held_on"]
    # Agenda, decisions and minutes are long texts, edited on the meeting's page.
    show_change_link = True


@admin.register(Council)
class CouncilAdmin(BilingualModelAdmin):
    list_display = [
        *columns(Council, "name"),
        "level",
        "community",
        "courtyard",
        annotated_column("meetings_count", _("meetings")),
        annotated_column("last_meeting_on", _("last meeting")),
    ]
    list_filter = ["level", MeetingDueFilter, "subdistrict", "community"]
    list_select_related = ["community", "courtyard"]
    autocomplete_fields = ["subdistrict", "community", "courtyard", "estates"]
    search_fields = [
        *columns(Council, "name"),
        "slug",
        *columns(Community, "name", prefix="community__"),
    ]
    ordering = ["level", "name_zh_hans"]
    fieldsets = [
        fieldset(None, Council, "name", "slug", "level"),
        fieldset(
            _("Where"),
            Council,
            ("subdistrict", "community"),
            "courtyard",
            "estates",
            description=_(
                "A community-level council names its community; a "
                "subdistrict-level one does not."
            ),
        ),
        fieldset(_("Description"), Council, "description"),
    ]
    inlines = [MeetingInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                meetings_count=related_count(Council, "meetings"),
                last_meeting_on=Subquery(
                    Meeting.objects.filter(council=OuterRef("pk"))
                    .order_by("-held_on")
                    .values("held_on")[:1]
                ),
            )
        )


@admin.register(Meeting)
class MeetingAdmin(BilingualModelAdmin):
    list_display = [
        "held_on",
        "council",
        "kind",
        *columns(Meeting, "title"),
        "attendees_count",
    ]
    list_display_links = ["held_on", "council"]
    list_filter = ["kind", "council__level", "council__subdistrict", "council"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or {"held_on", "council"} & set(form.changed_data):
            services.meetings_saved(meetings=[obj])

    list_select_related = ["council"]
    autocomplete_fields = ["council"]
    search_fields = [
        *columns(Meeting, "title", "agenda", "decisions", "follow_ups"),
        *columns(Council, "name", prefix="council__"),
    ]
    ordering = ["-held_on"]
    date_hierarchy = "held_on"
    # In the order a clerk fills it in from the sign-in sheet and notes
    # (issue 6, item 7): the date starts at today, the council is picked by
    # typing (only the clerk's own councils are offered) and is filled in when
    # the clerk has just one.
    fieldsets = [
        fieldset(None, Meeting, ("kind", "held_on"), "council", "attendees_count"),
        fieldset(
            _("Content"),
            Meeting,
            "agenda",
            "minutes",
            "decisions",
            "follow_ups",
            description=_(
                "The agenda and decisions are shown on public pages; the minutes "
                "and follow-up items are for staff only. Never list who attended."
            ),
        ),
        fieldset(_("Title"), Meeting, "title", classes=["collapse"]),
    ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "council" not in initial:
            councils = list(
                scoped(Council.objects.all(), request.user).values_list(
                    "pk", flat=True
                )[:2]
            )
            if len(councils) == 1:
                initial["council"] = councils[0]
        return initial


class SubTeamInline(BilingualTabularInline):
    model = Organisation
    fk_name = "parent"
    fields = [
        *columns(Organisation, "name"),
        "kind",
        "community",
        "members_count",
        "activities_count",
    ]
    autocomplete_fields = ["community"]
    verbose_name = _("sub-team")
    verbose_name_plural = _("sub-teams")
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["kind"].initial = OrganisationKind.VOLUNTEER_SUB_TEAM
        return formset


@admin.register(Organisation)
class OrganisationAdmin(BilingualModelAdmin):
    list_display = [
        *columns(Organisation, "name"),
        "kind",
        "parent",
        "community",
        "members_count",
        annotated_column("sub_teams_recorded", _("sub-teams recorded")),
        "activities_count",
    ]
    list_filter = ["kind", "subdistrict", "community"]
    list_select_related = ["parent", "community"]
    autocomplete_fields = ["parent", "subdistrict", "community", "courtyard"]
    search_fields = [*columns(Organisation, "name", "description"), "slug"]
    ordering = ["kind", "name_zh_hans"]
    fieldsets = [
        fieldset(None, Organisation, "name", "slug", ("kind", "parent")),
        fieldset(_("Where"), Organisation, ("subdistrict", "community"), "courtyard"),
        fieldset(
            _("Figures"),
            Organisation,
            ("members_count", "sub_teams_count", "activities_count"),
            description=_("Leave a figure empty when the source does not give it."),
        ),
        fieldset(_("Description"), Organisation, "description"),
    ]
    inlines = [SubTeamInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(sub_teams_recorded=related_count(Organisation, "sub_teams"))
        )

    def save_formset(self, request, form, formset, change):
        # The sub-team rows leave out the subdistrict: a new sub-team works
        # where its team does, and picking it again on every row invites
        # mistakes.
        if formset.model is Organisation:
            for sub_team in formset.save(commit=False):
                if sub_team.subdistrict_id is None:
                    sub_team.subdistrict = form.instance.subdistrict
                sub_team.save()
            for deleted in formset.deleted_objects:
                deleted.delete()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)


@admin.register(MediationCase)
class MediationCaseAdmin(BilingualModelAdmin):
    list_display = [
        "opened_on",
        *columns(MediationCase, "category"),
        "community",
        "status",
        "resolved_on",
    ]
    list_display_links = ["opened_on", "category_zh_hans"]
    list_filter = ["status", "subdistrict", "community"]
    list_select_related = ["community"]
    autocomplete_fields = ["subdistrict", "community"]
    search_fields = columns(MediationCase, "category", "summary")
    ordering = ["-opened_on"]
    date_hierarchy = "opened_on"
    fieldsets = [
        fieldset(
            None,
            MediationCase,
            ("subdistrict", "community"),
            "category",
            "summary",
        ),
        fieldset(_("Progress"), MediationCase, "status", ("opened_on", "resolved_on")),
    ]


class AwardGrantInline(BilingualTabularInline):
    model = AwardGrant
    fields = ["year", "estate", "recipients_count"]
    autocomplete_fields = ["estate"]
    ordering = ["-year"]


@admin.register(Award)
class AwardAdmin(BilingualModelAdmin):
    list_display = [
        *columns(Award, "name"),
        "frequency_zh_hans",
        "subdistrict",
        annotated_column("grants_count", _("times given")),
    ]
    list_filter = ["subdistrict"]
    list_select_related = ["subdistrict"]
    autocomplete_fields = ["subdistrict"]
    search_fields = columns(Award, "name", "description")
    ordering = ["name_zh_hans"]
    fieldsets = [
        fieldset(None, Award, "name", "subdistrict", "frequency", "description"),
    ]
    inlines = [AwardGrantInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(grants_count=related_count(Award, "grants"))
        )


@admin.register(AwardGrant)
class AwardGrantAdmin(BilingualModelAdmin):
    list_display = ["award", "year", "estate", "recipients_count"]
    list_display_links = ["award", "year"]
    list_filter = ["year", "award"]
    list_select_related = ["award", "estate"]
    autocomplete_fields = ["award", "estate"]
    search_fields = [
        *columns(Award, "name", prefix="award__"),
        *columns(Estate, "name", prefix="estate__"),
    ]
    ordering = ["-year", "award__name_zh_hans"]
    fieldsets = [
        fieldset(None, AwardGrant, "award", ("year", "estate"), "recipients_count"),
    ]


@admin.register(Practice)
class PracticeAdmin(BilingualModelAdmin):
    list_display = [
        "position",
        *columns(Practice, "name"),
        "pillar",
        "subdistrict",
    ]
    list_display_links = ["position", "name_zh_hans"]
    list_filter = ["subdistrict"]
    list_select_related = ["subdistrict", "pillar"]
    autocomplete_fields = ["subdistrict", "pillar"]
    search_fields = columns(Practice, "name", "summary")
    ordering = ["pillar__programme__position", "pillar__position", "position"]
    fieldsets = [
        fieldset(None, Practice, ("subdistrict", "pillar", "position"), "name"),
        fieldset(_("Summary"), Practice, "summary"),
    ]
