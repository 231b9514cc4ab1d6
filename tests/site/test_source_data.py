"""The data the portal ships with (``manage.py load_source_data``, the data
packs under ``packs/``): what it loads, what it leaves NULL, and reruns.

Liyang Road's figures and records are checked against its source (the
report of FACTS.md); the other programmes' packs add their own compounds."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import translation

from estates.models import (
    Community,
    Estate,
    Facility,
    MergedCourtyard,
    Precision,
    Procedure,
    ProgrammeFigure,
    PropertyCompany,
    Stage,
)
from governance.models import Council, MediationCase, Organisation
from lanes.models import Event, Lane, Recurrence, Weekday

pytestmark = pytest.mark.django_db

APPS = ("estates", "lanes", "governance")
TIMESTAMPS = {"created_at", "updated_at"}


def _load() -> str:
    out = StringIO()
    call_command("load_source_data", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded():
    _load()


def _models(*, include_auto_created: bool = False):
    for label in APPS:
        yield from apps.get_app_config(label).get_models(
            include_auto_created=include_auto_created
        )


def _row_counts() -> dict[str, int]:
    # Auto-created M2M tables included: a duplicated link shows up here.
    return {
        model._meta.label: model._default_manager.count()
        for model in _models(include_auto_created=True)
    }


def _rows(*, skip: set[str]) -> dict[str, list[dict]]:
    return {
        model._meta.label: [
            {k: v for k, v in row.items() if k not in skip}
            for row in model._default_manager.order_by("pk").values()
        ]
        for model in _models(include_auto_created=True)
    }


def _fact(key: str) -> ProgrammeFigure:
    return ProgrammeFigure.objects.get(key=key, programme__slug="liyanglu")


def _liyang_estates():
    return Estate.objects.filter(memberships__programme__slug="liyanglu")


# Reruns ---------------------------------------------------------------------


def test_rerun_leaves_the_same_row_counts(loaded):
    before = _row_counts()

    _load()

    assert _row_counts() == before


def test_rerun_keeps_every_value(loaded):
    before = _rows(skip=TIMESTAMPS)

    _load()

    assert _rows(skip=TIMESTAMPS) == before


def test_rerun_saves_no_row(loaded):
    before = _rows(skip=set())

    _load()

    assert _rows(skip=set()) == before


def test_rerun_resets_a_changed_source_figure(loaded):
    ProgrammeFigure.objects.filter(
        programme__slug="liyanglu", key="compounds-renovated"
    ).update(value=60)

    _load()

    assert _fact("compounds-renovated").value == 59


def test_rerun_keeps_a_figure_the_source_is_silent_on(loaded):
    Estate.objects.filter(slug="jiudayuan").update(households=999)

    _load()

    assert Estate.objects.get(slug="jiudayuan").households == 999


def test_rerun_reports_nothing_created(loaded):
    with translation.override("en"):
        output = _load()
    counts = [line for line in output.splitlines() if " created, " in line]

    assert counts
    assert [line for line in counts if " 0 created, 0 updated, " not in line] == []


# Exact figures ----------------------------------------------------------------


def test_compounds_renovated_is_59(loaded):
    fact = _fact("compounds-renovated")

    assert (fact.value, fact.precision) == (Decimal(59), Precision.EXACT)


def test_floor_area_is_about_785800_square_metres(loaded):
    fact = _fact("floor-area-renovated")

    assert (fact.value, fact.precision, fact.unit_pair) == (
        Decimal(785800),
        Precision.ABOUT,
        ("平方米", "m²"),
    )


def test_overhead_cables_cleared_is_over_200000_metres(loaded):
    fact = _fact("overhead-cables-cleared")

    assert (fact.value, fact.precision) == (Decimal(200000), Precision.AT_LEAST)


def test_disputes_mediated_is_46(loaded):
    assert _fact("disputes-mediated").value == 46


def test_smart_security_compounds_is_51(loaded):
    assert _fact("smart-security-compounds").value == 51


def test_council_communities_is_12(loaded):
    assert _fact("council-communities").value == 12


def test_warm_sun_team_has_70_sub_teams(loaded):
    team = Organisation.objects.get(name_zh_hans="暖阳服务队")

    assert (team.sub_teams_count, _fact("volunteer-sub-teams").value) == (70, 70)


def test_food_street_occupancy_is_95_percent(loaded):
    assert Lane.objects.get(name_zh_hans="食字街").occupancy_percent == 95


def test_neighbourhood_centres_are_counted_once(loaded):
    assert _fact("neighbourhood-centres").value == Facility.objects.count() == 2


def test_every_figure_names_the_source_of_its_programme(loaded):
    sources = set(
        ProgrammeFigure.objects.filter(programme__slug="liyanglu").values_list(
            "source__programme__slug", "source__key"
        )
    )

    assert sources == {("liyanglu", "s1")}


# Not disclosed -----------------------------------------------------------------

# Every figure the report names whose digits the repost lost.
UNDISCLOSED = [
    "households-benefiting",
    "problems-collected",
    "suggestions-collected",
    "households-in-merging",
    "walls-removed",
    "space-gained",
    "parking-spaces-added",
    "ev-charging-points",
    "smart-security-rate",
    "lights-replaced",
    "rain-sewage-pipes",
    "green-area-added",
    "wall-paintings-area",
    "people-served-by-centres",
    "volunteers",
    "volunteer-activities",
    "party-community-centre-area",
    "remarkable-lane-stories",
]


@pytest.mark.parametrize("key", UNDISCLOSED)
def test_undisclosed_fact_is_null(loaded, key):
    assert _fact(key).value is None


def test_only_the_figures_the_source_lost_are_null(loaded):
    undisclosed = ProgrammeFigure.objects.filter(
        programme__slug="liyanglu", value__isnull=True
    ).values_list("key", flat=True)

    assert sorted(undisclosed) == sorted(UNDISCLOSED)


@pytest.mark.parametrize(
    ("key", "precision"),
    [
        ("walls-removed", Precision.AT_LEAST),
        ("space-gained", Precision.AT_LEAST),
        ("parking-spaces-added", Precision.AT_LEAST),
        ("ev-charging-points", Precision.AT_LEAST),
        ("wall-paintings-area", Precision.AT_LEAST),
        ("volunteers", Precision.AT_LEAST),
        ("volunteer-activities", Precision.AT_LEAST),
        ("problems-collected", Precision.AT_LEAST),
        ("suggestions-collected", Precision.AT_LEAST),
        ("people-served-by-centres", Precision.NEARLY),
        ("households-benefiting", Precision.EXACT),
    ],
)
def test_undisclosed_fact_keeps_the_precision_of_its_wording(loaded, key, precision):
    # 余 is "at least", 近 "nearly": a value filled in later reads right.
    assert (_fact(key).value, _fact(key).precision) == (None, precision)


def test_estates_have_no_household_figures(loaded):
    # No pack's source gives a compound's households.
    households = Estate.objects.values_list("households", flat=True)

    assert set(households) == {None}


def test_estates_have_no_invented_figures(loaded):
    figures = Estate.objects.values_list(
        "buildings",
        "floor_area_m2",
        "year_built",
        "renovation_year",
        "latitude",
        "longitude",
        "property_company",
        "courtyard",
    )

    assert set(figures) == {(None,) * 8}


def test_estates_have_no_steps_and_no_stage(loaded):
    stages = _liyang_estates().values_list("stage", "stage_reported_on", "steps")

    assert set(stages) == {(None, None, None)}


@pytest.mark.parametrize(
    ("programme", "count", "stage", "reported_on"),
    [
        ("caidian-2022", 16, Stage.CONSTRUCTION, datetime.date(2022, 5, 24)),
        ("longsha-2022", 22, Stage.TENDERING, datetime.date(2022, 6, 8)),
    ],
)
def test_estates_without_steps_take_the_stage_their_source_reported(
    loaded, programme, count, stage, reported_on
):
    estates = Estate.objects.filter(memberships__programme__slug=programme)

    assert (
        list(estates.values_list("stage", "stage_reported_on", "steps"))
        == [(stage, reported_on, None)] * count
    )


def test_neighbourhood_centres_people_served_is_null(loaded):
    assert set(Facility.objects.values_list("people_served", flat=True)) == {None}


def test_lane_merchants_are_null(loaded):
    assert set(Lane.objects.values_list("merchants", flat=True)) == {None}


def test_courtyard_keeps_the_subdistrict_merging_totals_out(loaded):
    courtyard = MergedCourtyard.objects.get(slug="siheyuan")

    assert (
        courtyard.compounds_merged,
        courtyard.buildings,
        courtyard.roads_opened,
    ) == (None, None, None)


def test_book_swap_fair_has_no_invented_date(loaded):
    fair = Event.objects.get(title_zh_hans="换书大集")

    assert (fair.recurrence, fair.weekday, fair.starts_on, fair.start_time) == (
        Recurrence.WEEKLY,
        Weekday.SATURDAY,
        None,
        None,
    )


# Named records ----------------------------------------------------------------


def test_named_estates_have_pinyin_slugs(loaded):
    assert dict(_liyang_estates().values_list("name_zh_hans", "slug")) == {
        "九大院": "jiudayuan",
        "锦绣江南": "jinxiujiangnan",
        "佳和豪苑": "jiahehaoyuan",
    }


def test_named_estates_are_in_the_placeholder_community(loaded):
    assert set(_liyang_estates().values_list("community__slug", flat=True)) == {
        "liyanglu-community-not-disclosed"
    }


def test_no_community_is_invented(loaded):
    communities = Community.objects.filter(subdistrict__slug="liyanglu")

    assert list(communities.values_list("slug", flat=True)) == [
        "liyanglu-community-not-disclosed"
    ]


def test_jiudayuan_has_both_national_honours(loaded):
    titles = Estate.objects.get(slug="jiudayuan").honours.values_list(
        "title_en", flat=True
    )

    assert sorted(titles) == [
        "Excellent case of old residential compound renovation",
        "National typical case of “strengthening property management, "
        "building beautiful homes”",
    ]


def test_jinxiu_jiangnan_has_only_the_property_management_honour(loaded):
    titles = Estate.objects.get(slug="jinxiujiangnan").honours.values_list(
        "title_zh_hans", flat=True
    )

    assert list(titles) == ["全国“加强物业管理、共建美好家园”典型案例"]


def test_property_companies_are_partners_linked_to_no_estate(loaded):
    companies = PropertyCompany.objects.values_list(
        "name_zh_hans", "is_strategic_partner", "estates"
    )

    assert sorted(companies) == [("亚新", True, None), ("管家帮", True, None)]


def test_no_council_or_mediation_case_is_invented(loaded):
    assert (Council.objects.count(), MediationCase.objects.count()) == (0, 0)


def test_every_chinese_text_has_its_english_twin(loaded):
    missing = []
    for model in _models():
        twins = [
            (field.name, field.name.removesuffix("_zh_hans") + "_en")
            for field in model._meta.fields
            if field.name.endswith("_zh_hans")
        ]
        for obj in model._default_manager.all():
            missing += [
                (model._meta.label, obj.pk, en)
                for zh, en in twins
                if getattr(obj, zh) and not getattr(obj, en)
            ]

    assert missing == []


def test_no_loaded_row_is_synthetic(loaded):
    synthetic = {
        model._meta.label: model._default_manager.filter(is_synthetic=True).count()
        for model in _models()
        if any(f.name == "is_synthetic" for f in model._meta.fields)
    }

    assert set(synthetic.values()) == {0}


# Default procedure ---------------------------------------------------------------


def test_default_procedure_is_flagged_as_a_template(loaded):
    procedure = Procedure.objects.get()

    assert procedure.is_default_template
    assert "示例" in procedure.name_zh_hans


def test_default_procedure_has_steps_in_all_five_stages(loaded):
    stages = Procedure.objects.get().steps.values_list("stage", flat=True)

    assert set(stages) == set(Stage.values)


def test_default_procedure_numbers_run_from_1_without_gaps(loaded):
    numbers = list(
        Procedure.objects.get()
        .steps.order_by("number")
        .values_list("number", flat=True)
    )

    assert numbers == list(range(1, len(numbers) + 1))


def test_default_procedure_stages_follow_the_stage_order(loaded):
    stages = (
        Procedure.objects.get().steps.order_by("number").values_list("stage", flat=True)
    )
    orders = [Stage.order(stage) for stage in stages]

    assert orders == sorted(orders)


def test_each_default_step_depends_on_the_one_before(loaded):
    steps = Procedure.objects.get().steps.order_by("number")
    dependencies = {
        step.number: [d.number for d in step.depends_on.all()] for step in steps
    }

    assert dependencies == {
        n: ([n - 1] if n > 1 else []) for n in range(1, len(dependencies) + 1)
    }


def test_loader_is_silent_at_verbosity_zero(capsys):
    call_command("load_source_data", verbosity=0)

    assert capsys.readouterr().out == ""
