"""The programmes' pages: the list, each programme's landing page, case study
and compounds, and the comparison of programmes (issue 15).

They span apps (a programme's lanes, councils and events), so they live in
the site-level app; what they show is read by ``estates.selectors.programmes``
and by the other apps' selectors, as the API's answers are.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from estates.models import (
    FUNDING_MEASURES,
    MEASURE_UNITS,
    Facility,
    FigureSubject,
    Measure,
    MergedCourtyard,
    Precision,
    Programme,
    ProgrammeFigure,
    ProgrammeMembership,
    SectionKind,
    Stage,
    Tier,
)
from estates.selectors import overview as estate_overview
from estates.selectors import programmes as selectors
from governance.models import Award, Council, Organisation
from lanes import selectors as lane_selectors
from lanes.models import Event, Lane
from renovation_portal import maps
from renovation_portal.counting import count_each
from renovation_portal.figures import is_chinese, ratio
from renovation_portal.translation import column

MEMBERS_ON_LANDING = 10
MEMBERS_PER_PAGE = 20
PROGRAMMES_PER_PAGE = 20
LANES_ON_LANDING = 12
# The comparison's picker lists this many programmes; others are found by name.
PICKER_LIMIT = 30


# ------------------------------------------------------------------------------
# Shared pieces
# ------------------------------------------------------------------------------


def stage_rows(counts: dict[str | None, int]) -> list[dict]:
    """Rows for the stage bar chart, the unknown stage last."""
    stages = [*Stage.choices, (None, gettext_lazy("Stage not disclosed"))]
    return [
        {"key": stage or "unknown", "label": label, "count": counts.get(stage, 0)}
        for stage, label in stages
    ]


@dataclass
class MenuItem:
    key: str
    label: str
    url: str
    count: int | None = None


def area_counts(programme: Programme, extra: dict | None = None) -> dict[str, int]:
    """How many lanes, events, councils, merged courtyards, facilities,
    organisations and awards lie in the programme's area, and whatever else
    ``extra`` asks to count: one query."""
    area = selectors.programme_area_q
    return count_each(
        {
            "lanes": Lane.objects.filter(area(programme)),
            "events": Event.objects.filter(area(programme)),
            "councils": Council.objects.filter(area(programme)),
            "courtyards": MergedCourtyard.objects.filter(area(programme)),
            "facilities": Facility.objects.filter(area(programme)),
            "organisations": Organisation.objects.filter(area(programme)),
            "awards": Award.objects.filter(area(programme)),
            **(extra or {}),
        }
    )


def programme_menu(
    programme: Programme, *, members: int, counts: dict[str, int], current: str
) -> list[MenuItem]:
    """The programme's own pages; a page with nothing to show is left out."""
    slug = {"slug": programme.slug}
    items = [
        MenuItem(
            "overview",
            _("Overview"),
            reverse("programmes:programme-detail", kwargs=slug),
        ),
        MenuItem(
            "case-study",
            _("Case study"),
            reverse("programmes:programme-case-study", kwargs=slug),
        ),
    ]
    if members:
        items.append(
            MenuItem(
                "compounds",
                _("Compounds"),
                reverse("programmes:programme-compounds", kwargs=slug),
                members,
            )
        )
    query = f"?programme={programme.slug}"
    for key, label, url in (
        ("lanes", _("Themed lanes"), reverse("lanes:lane-list")),
        ("events", _("Events"), reverse("lanes:event-list")),
        ("councils", _("Councils"), reverse("governance:governance")),
    ):
        if counts.get(key):
            items.append(MenuItem(key, label, f"{url}{query}", counts[key]))
    for item in items:
        item.current = item.key == current
    return items


class ProgrammeMixin:
    """Looks a programme up by its slug, with its places, sources, batches."""

    context_object_name = "programme"

    # The landing lists the batches; the other pages show none.
    shows_batches = False

    def get_queryset(self):
        return selectors.programme_detail(batches=self.shows_batches)

    def programme_context(self, current: str, extra_counts=None) -> dict:
        programme = self.object
        figures = selectors.programme_figures(programme=programme)
        stage_counts = selectors.programme_stage_counts(programme=programme)
        members = selectors.member_count(stage_counts)
        counts = area_counts(programme, extra_counts)
        index = selectors.figures_by_key(figures)
        headline = selectors.headline_figures(figures)
        return {
            "figures": figures,
            "figure_index": index,
            "headline": headline,
            "compounds_reported": next(
                (f for f in headline if f.measure == Measure.COMPOUNDS), None
            ),
            "stage_counts": stage_counts,
            "stages": stage_rows(stage_counts),
            "members_total": members,
            "area_counts": counts,
            "menu": programme_menu(
                programme, members=members, counts=counts, current=current
            ),
            "sources": list(programme.sources.all()),
        }


class ProgrammeListView(ListView):
    template_name = "programmes/programme_list.html"
    context_object_name = "programmes"
    paginate_by = PROGRAMMES_PER_PAGE

    def get_queryset(self):
        return selectors.programme_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["programmes"])
        figures = selectors.comparison_figures(page)
        members = dict(
            ProgrammeMembership.objects.filter(programme__in=page)
            .order_by()
            .values_list("programme")
            .annotate(n=Count("pk"))
            .values_list("programme", "n")
        )
        context["rows"] = [
            {
                "programme": programme,
                "headline": selectors.headline_figures(figures[programme.pk])[:4],
                "members": members.get(programme.pk, 0),
            }
            for programme in page
        ]
        return context


class ProgrammeDetailView(ProgrammeMixin, DetailView):
    template_name = "programmes/programme_detail.html"
    shows_batches = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.programme_context("overview"))
        programme = self.object
        figures = context["figures"]
        headline_ids = {f.pk for f in context["headline"]}
        context["other_figures"] = [
            f
            for f in figures
            if f.batch_id is None
            and f.pk not in headline_ids
            and f.subject == FigureSubject.PROGRAMME
        ]
        context["context_figures"] = [
            f
            for f in figures
            if f.batch_id is None and f.subject == FigureSubject.CONTEXT
        ]
        batches = selectors.batches_with_figures(programme=programme, figures=figures)
        context["batches"] = batches
        context["batch_notes"] = batch_notes(batches, context["headline"])
        # Its compounds on the map, found by the map itself through the API.
        context["tile_map"] = maps.tile_map("programme-map", programme=programme.slug)
        context["members"] = list(
            selectors.programme_members(programme=programme)[:MEMBERS_ON_LANDING]
        )
        context["lanes"] = list(
            lane_selectors.lanes_overview()
            .filter(selectors.programme_area_q(programme))
            .prefetch_related(None)[:LANES_ON_LANDING]
        )
        return context


def batch_notes(batches, headline) -> list[str]:
    """What the batches' reported figures add up to beside the programme's
    own, said only where every figure involved is exact."""
    notes = []
    if not batches:
        return notes
    by_measure = {f.measure: f for f in headline}
    for measure in (Measure.COMPOUNDS, Measure.BUILDINGS, Measure.HOUSEHOLDS):
        total, given = selectors.batch_totals(batches, measure)
        whole = by_measure.get(measure)
        if total is None or whole is None or whole.value is None:
            continue
        if whole.precision != Precision.EXACT:
            continue
        unit = MEASURE_UNITS[measure]
        whole_value = int(whole.value)
        if total == whole_value:
            notes.append(
                _("The batches’ figures add up to the programme’s %(total)s %(unit)s.")
                % {"total": whole_value, "unit": _unit_word(unit)}
            )
        elif total < whole_value:
            notes.append(
                _(
                    "The batches hold %(part)s of the programme’s %(total)s "
                    "%(unit)s; the source does not say where the other %(rest)s "
                    "are."
                )
                % {
                    "part": int(total),
                    "total": whole_value,
                    "unit": _unit_word(unit),
                    "rest": whole_value - int(total),
                }
            )
    return notes


def _unit_word(unit: tuple[str, str]) -> str:
    return unit[0] if is_chinese() else unit[1]


@dataclass
class PillarPanel:
    pillar: object
    figures: list
    registers: list[tuple[str, int]] = field(default_factory=list)
    practices: list = field(default_factory=list)


class ProgrammeCaseStudyView(ProgrammeMixin, DetailView):
    """The programme told for another city's officials, printable on A4."""

    template_name = "programmes/case_study.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.object
        sections = list(programme.sections.order_by("position", "pk"))
        kinds = {section.kind for section in sections}
        # The default procedure's steps are counted with the area's counts.
        steps_by_stage = (
            estate_overview.default_procedure_steps_by_stage()
            if SectionKind.STAGES in kinds
            else {}
        )
        context.update(
            self.programme_context(
                "case-study",
                {f"steps:{stage}": rows for stage, rows in steps_by_stage.items()},
            )
        )
        index = context["figure_index"]
        context["sections"] = [
            {"section": s, "figures": selectors.pick(index, s.figure_key_list)}
            for s in sections
        ]
        if SectionKind.PILLARS in kinds:
            context["pillars"] = pillar_panels(programme, index, context)
        if SectionKind.STAGES in kinds:
            counts = context["area_counts"]
            steps = {stage: counts[f"steps:{stage}"] for stage in steps_by_stage}
            context["procedure"] = [
                {"label": label, "count": steps[stage]}
                for stage, label in Stage.choices
            ]
            context["procedure_total"] = sum(steps.values())
        if SectionKind.LANES in kinds:
            # A programme over a large area may hold many lanes: the case
            # study describes the first and links the list (issue 17).
            lanes = list(
                lane_selectors.lanes_overview().filter(
                    selectors.programme_area_q(programme)
                )[: LANES_ON_LANDING + 1]
            )
            context["lanes"] = lanes[:LANES_ON_LANDING]
            context["lanes_more"] = len(lanes) > LANES_ON_LANDING
        context["undisclosed"] = [f for f in context["figures"] if f.value is None]
        return context


REGISTER_LABELS = {
    "courtyards": gettext_lazy("Merged courtyards in the register"),
    "facilities": gettext_lazy("Facilities in the register"),
    "organisations": gettext_lazy("Organisations in the register"),
    "councils": gettext_lazy("Councils in the register"),
    "awards": gettext_lazy("Awards in the register"),
}


def pillar_panels(programme, index, context, *, limit=None) -> list[PillarPanel]:
    counts = context["area_counts"]
    pillars = programme.pillars.prefetch_related("practices").order_by(
        "position", "key"
    )
    return [
        PillarPanel(
            pillar=pillar,
            figures=selectors.pick(index, pillar.figure_key_list[:limit]),
            registers=[
                (REGISTER_LABELS[key], counts.get(key, 0))
                for key in pillar.register_list
                if key in REGISTER_LABELS
            ],
            practices=list(pillar.practices.all()),
        )
        for pillar in pillars
    ]


class ProgrammeCompoundsView(ProgrammeMixin, DetailView):
    template_name = "programmes/programme_compounds.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.object
        stage_counts = selectors.programme_stage_counts(programme=programme)
        members = selectors.member_count(stage_counts)
        context["menu"] = programme_menu(
            programme,
            members=members,
            counts=area_counts(programme),
            current="compounds",
        )
        context["stages"] = stage_rows(stage_counts)
        context["members_total"] = members
        paginator = Paginator(
            selectors.programme_members(programme=programme), MEMBERS_PER_PAGE
        )
        context["page_obj"] = paginator.get_page(self.request.GET.get("page"))
        return context


@require_GET
def case_study_redirect(request):
    """``/case-study/`` (the portal's first address for its case study) leads
    to the primary programme's: ``PRIMARY_PROGRAMME``, else the first one."""
    programmes = Programme.objects.order_by("position", "name_zh_hans", "pk")
    primary = None
    if settings.PRIMARY_PROGRAMME:
        primary = programmes.filter(slug=settings.PRIMARY_PROGRAMME).first()
    primary = primary or programmes.first()
    if primary is None:
        return redirect("programmes:programme-list")
    return redirect(
        "programmes:programme-case-study", slug=primary.slug, permanent=False
    )


# ------------------------------------------------------------------------------
# The comparison
# ------------------------------------------------------------------------------


@dataclass
class Cell:
    figure: ProgrammeFigure | None = None
    value: object = None
    precision: str = Precision.EXACT
    # What a computed value was computed from (the kind of funding).
    note: str = ""


@dataclass
class Row:
    key: str
    label: str
    unit: tuple[str, str]
    cells: list[Cell]
    kind: str = "reported"  # or "computed", "register"

    @property
    def all_disclosed(self) -> bool:
        return all(
            (c.figure is not None and c.figure.value is not None)
            or (c.figure is None and c.value is not None)
            for c in self.cells
        )

    @property
    def chart(self) -> list[dict]:
        values = [c.value if c.figure is None else c.figure.value for c in self.cells]
        top = max((v for v in values if v is not None), default=0)
        return [
            {"cell": cell, "width": round(float(v) / float(top) * 100, 1) if top else 0}
            for cell, v in zip(self.cells, values, strict=True)
        ]


MEASURE_LABELS = dict(Measure.choices)
PER_M2 = ("元/平方米", "yuan per m²")
PER_HOUSEHOLD = ("元/户", "yuan per household")


def comparison(programmes: list[Programme]) -> dict:
    """Everything the comparison shows for ``programmes`` (a constant number
    of queries whatever their size)."""
    figures = selectors.comparison_figures(programmes)
    headline = {p.pk: selectors.headline_figures(figures[p.pk]) for p in programmes}
    by_measure = {p.pk: {f.measure: f for f in headline[p.pk]} for p in programmes}
    rows: list[Row] = []
    for measure in selectors.COMPARED_MEASURES:
        cells = [Cell(figure=by_measure[p.pk].get(measure)) for p in programmes]
        if all(c.figure is None for c in cells):
            continue
        rows.append(
            Row(measure, MEASURE_LABELS[measure], MEASURE_UNITS[measure], cells)
        )
    # Funding per m² and per household, where a programme discloses both.
    for key, label, denominator, unit in (
        (
            "funding-per-m2",
            _("funding per m² of floor area"),
            Measure.FLOOR_AREA,
            PER_M2,
        ),
        (
            "funding-per-household",
            _("funding per household"),
            Measure.HOUSEHOLDS,
            PER_HOUSEHOLD,
        ),
    ):
        cells = []
        for p in programmes:
            funding = next(
                (
                    by_measure[p.pk][m]
                    for m in FUNDING_MEASURES
                    if m in by_measure[p.pk]
                ),
                None,
            )
            base = by_measure[p.pk].get(denominator)
            value = precision = None
            if funding and base:
                value, precision = ratio(
                    funding.value, funding.precision, base.value, base.precision
                )
            cells.append(
                Cell(
                    value=value,
                    precision=precision or Precision.EXACT,
                    note=MEASURE_LABELS[funding.measure] if value is not None else "",
                )
            )
        if any(c.value is not None for c in cells):
            rows.append(Row(key, label, unit, cells, kind="computed"))
    shared = [row for row in rows if row.all_disclosed]
    partly = [row for row in rows if not row.all_disclosed]
    missing = {
        p.pk: [row.label for row in rows if not _disclosed(row.cells[i])]
        for i, p in enumerate(programmes)
    }
    stage_counts = selectors.comparison_stage_counts(programmes)
    works = selectors.comparison_works(programmes)
    batches = selectors.comparison_batches(programmes, figures)
    return {
        "shared_rows": shared,
        "partly_rows": partly,
        "missing": [(p, missing[p.pk]) for p in programmes],
        "stage_rows": [
            {
                "label": label,
                "counts": [stage_counts[p.pk][stage] for p in programmes],
            }
            for stage, label in [*Stage.choices, (None, _("Stage not disclosed"))]
        ],
        "members": [sum(stage_counts[p.pk].values()) for p in programmes],
        "tier_rows": [
            {"label": label, "counts": [works[p.pk][tier] for p in programmes]}
            for tier, label in Tier.choices
        ],
        "batches": [(p, batches[p.pk]) for p in programmes if batches[p.pk]],
        "headline": headline,
    }


def _disclosed(cell: Cell) -> bool:
    if cell.figure is not None:
        return cell.figure.value is not None
    return cell.value is not None


def _chosen(request) -> list[str]:
    return [slug for slug in request.GET.getlist("p") if slug][: selectors.COMPARE_MAX]


@require_GET
def compare(request):
    """Two to six programmes side by side: every figure they all disclose,
    with its precision, and what each does not disclose."""
    slugs = _chosen(request)
    programmes = selectors.programmes_by_slugs(slugs)
    query = (request.GET.get("q") or "").strip()[:60]
    picker = selectors.programme_picker(query=query, limit=PICKER_LIMIT)
    found = {p.slug for p in programmes}
    context = {
        "programmes": programmes,
        "chosen": found,
        # The chosen ones stay ticked even when the picker's page misses them.
        "picker": sorted(
            [*programmes, *(p for p in picker[:PICKER_LIMIT] if p.slug not in found)],
            key=lambda p: (p.position, p.name_zh_hans, p.pk),
        ),
        "picker_more": len(picker) > PICKER_LIMIT,
        "query": query,
        "compare_min": selectors.COMPARE_MIN,
        "compare_max": selectors.COMPARE_MAX,
        "unknown": [slug for slug in slugs if slug not in found],
    }
    if len(programmes) >= selectors.COMPARE_MIN:
        context.update(comparison(programmes))
        context["csv_query"] = "&".join(f"p={p.slug}" for p in programmes)
    return render(request, "programmes/compare.html", context)


@require_GET
def compare_csv(request):
    """The comparison's figures as CSV (UTF-8 with BOM, so that spreadsheet
    programmes open the Chinese right): one row per programme and figure."""
    programmes = selectors.programmes_by_slugs(_chosen(request))
    if len(programmes) < selectors.COMPARE_MIN:
        raise Http404(_("Choose at least two programmes to compare."))
    figures = selectors.comparison_figures(programmes)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="programmes.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            "programme",
            column("name", "zh-hans"),
            column("name", "en"),
            "batch",
            "key",
            "measure",
            "value",
            "precision",
            "unit_zh_hans",
            "unit_en",
            "as_of",
            "source",
            "source_date",
            "source_url",
        ]
    )
    for programme in programmes:
        for figure in figures[programme.pk]:
            unit_zh, unit_en = figure.unit_pair
            writer.writerow(
                [
                    programme.slug,
                    figure.label_zh_hans,
                    figure.label_en,
                    figure.batch.ref if figure.batch else "",
                    figure.key,
                    figure.measure,
                    "" if figure.value is None else _plain(figure.value),
                    figure.precision,
                    unit_zh,
                    unit_en,
                    figure.as_of.isoformat() if figure.as_of else "",
                    figure.source.title_zh_hans,
                    figure.source.published_on.isoformat()
                    if figure.source.published_on
                    else "",
                    figure.source.url,
                ]
            )
    return response


def _plain(value) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
