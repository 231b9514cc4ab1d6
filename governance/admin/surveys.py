"""Satisfaction surveys in the admin: staff open one for a compound that has
reached completion acceptance; residents' answers are read-only, comments
included (they are for staff, never public)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from estates.models import Estate
from governance import selectors, services
from governance.models import SURVEY_STAGES, Survey, SurveyResponse
from renovation_portal.admin_base import StaffAdminMixin, StaffModelAdmin


@admin.register(Survey)
class SurveyAdmin(StaffModelAdmin):
    list_display = ["estate", "opens_on", "closes_on", "is_open", "response_count"]
    list_filter = ["opens_on", "estate__community"]
    search_fields = ["estate__name_zh_hans", "estate__name_en", "estate__slug"]
    list_select_related = ["estate"]
    date_hierarchy = "opens_on"
    fields = ["estate", "opens_on", "closes_on", "results"]
    readonly_fields = ["results"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_responses=Count("responses"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Open today: its compound's followers are told (once per opening date).
        services.surveys_opened(surveys=[obj])

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "estate":
            # Only compounds that have reached completion acceptance; the model
            # says why when another is chosen anyway.
            kwargs["queryset"] = Estate.objects.filter(
                stage__in=sorted(SURVEY_STAGES)
            ).order_by("name_zh_hans")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A survey with answers keeps its compound: the answers are about it.
        if obj is not None and obj.responses.exists():
            return ["estate", *self.readonly_fields]
        return self.readonly_fields

    @admin.display(description=_("open"), boolean=True)
    def is_open(self, obj):
        return obj.is_open_on(timezone.localdate())

    @admin.display(description=_("answers"), ordering="n_responses")
    def response_count(self, obj):
        return obj.n_responses

    @admin.display(description=_("results"))
    def results(self, obj):
        if obj.pk is None:
            return "—"
        totals = selectors.survey_results(survey=obj)
        if not totals.results:
            return gettext("%(count)s answers so far.") % {"count": totals.responses}
        return format_html_join(
            "",
            "<p>{}: {}</p>",
            (
                (str(result.label).capitalize(), result.mean)
                for result in totals.results
            ),
        )


@admin.register(SurveyResponse)
class SurveyResponseAdmin(StaffAdminMixin, admin.ModelAdmin):
    """Not history-tracked (residents' answers, never edited), so no history page."""

    list_display = [
        "created_at",
        "survey",
        "works_quality",
        "property_service",
        "facilities",
        "overall",
        "short_comment",
    ]
    list_filter = ["survey__estate", "overall"]
    list_select_related = ["survey__estate"]
    search_fields = ["survey__estate__name_zh_hans", "comment"]
    date_hierarchy = "created_at"
    fields = [
        "survey",
        "created_at",
        ("works_quality", "property_service", "facilities", "overall"),
        "comment",
    ]
    readonly_fields = [
        "survey",
        "created_at",
        "works_quality",
        "property_service",
        "facilities",
        "overall",
        "comment",
    ]

    def has_add_permission(self, request):
        # Answers come from residents, through the survey form.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("comment"))
    def short_comment(self, obj):
        return Truncator(obj.comment).chars(60)
