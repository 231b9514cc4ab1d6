"""Data packs (sitewide/packs.py): the programmes the portal ships, as data.

The shipped packs are checked against their sources (PROGRAMMES.md, FACTS.md)
here and in test_source_data.py; the loader's own rules — idempotent, every
error named and nothing half-written — with small packs written for the test.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from estates.models import (
    Estate,
    Precision,
    Programme,
    ProgrammeBatch,
    ProgrammeFigure,
    ProgrammeMembership,
    Stage,
    Step,
    StepTemplate,
)
from estates.services import estate_refresh_stage
from sitewide import packs

pytestmark = pytest.mark.django_db

REAL_PROGRAMMES = {
    "liyanglu",
    "shuangtaizi",
    "caidian-2022",
    "longsha-2022",
    "xingqing-2019",
    "qingyuan-2023",
    "licheng-2023",
}


def load(*paths) -> str:
    out = io.StringIO()
    call_command("load_source_data", *[str(p) for p in paths], stdout=out)
    return out.getvalue()


@pytest.fixture
def shipped():
    load()


def figure(programme: str, key: str) -> ProgrammeFigure:
    return ProgrammeFigure.objects.get(programme__slug=programme, key=key)


# -- the shipped packs ---------------------------------------------------------


def test_the_seven_real_programmes_are_loaded(shipped):
    assert set(Programme.objects.values_list("slug", flat=True)) == REAL_PROGRAMMES


def test_a_second_load_creates_and_changes_nothing(shipped):
    before = {
        (f.programme_id, f.key): (f.value, f.updated_at)
        for f in ProgrammeFigure.objects.all()
    }
    out = load()
    lines = [line for line in out.splitlines() if "：" in line or ":" in line]
    assert lines
    for line in lines[:-1]:
        # "…: 0 created, 0 updated, N unchanged." in either language.
        assert "新建0条，更新0条" in line or "0 created, 0 updated" in line, line
    after = {
        (f.programme_id, f.key): (f.value, f.updated_at)
        for f in ProgrammeFigure.objects.all()
    }
    assert after == before


def test_a_figure_the_source_does_not_give_is_null(shipped):
    assert figure("liyanglu", "households-benefiting").value is None


def test_at_least_figures_keep_their_precision(shipped):
    batch = ProgrammeBatch.objects.get(programme__slug="shuangtaizi", year=2019)
    buildings = ProgrammeFigure.objects.get(batch=batch, measure="buildings")
    assert (buildings.value, buildings.precision) == (Decimal(190), Precision.AT_LEAST)


def test_about_figures_keep_their_precision(shipped):
    households = ProgrammeFigure.objects.get(
        programme__slug="longsha-2022", measure="households", batch=None
    )
    assert (households.value, households.precision) == (
        Decimal(14800),
        Precision.ABOUT,
    )


def test_projects_are_never_counted_as_compounds(shipped):
    shuangtaizi = ProgrammeFigure.objects.filter(programme__slug="shuangtaizi")
    assert shuangtaizi.filter(measure="projects").exists()
    assert not shuangtaizi.filter(measure="compounds", subject="programme").exists()


def test_xingqing_names_no_compound_and_its_phases_leave_eight_unplaced(shipped):
    assert not ProgrammeMembership.objects.filter(
        programme__slug="xingqing-2019"
    ).exists()
    phases = ProgrammeFigure.objects.filter(
        programme__slug="xingqing-2019", measure="compounds", batch__isnull=False
    )
    assert sorted(f.value for f in phases) == [35, 59]
    assert figure_total("xingqing-2019", "compounds") == 102


def figure_total(programme: str, measure: str) -> Decimal:
    return ProgrammeFigure.objects.get(
        programme__slug=programme, measure=measure, batch=None, subject="programme"
    ).value


def test_named_compounds_take_the_stage_their_source_reported(shipped):
    estates = Estate.objects.filter(memberships__programme__slug="caidian-2022")
    assert estates.count() == 16
    assert set(estates.values_list("stage", "stage_reported_on")) == {
        (Stage.CONSTRUCTION, datetime.date(2022, 5, 24))
    }
    tendering = Estate.objects.filter(memberships__programme__slug="longsha-2022")
    assert tendering.count() == 22
    assert set(tendering.values_list("stage", flat=True)) == {Stage.TENDERING}


def test_a_compound_no_source_gives_a_stage_for_has_none(shipped):
    qingyuan = Estate.objects.filter(memberships__programme__slug="qingyuan-2023")
    assert qingyuan.count() == 7
    assert set(qingyuan.values_list("stage", "stage_reported_on")) == {(None, None)}


def test_steps_decide_the_stage_once_a_compound_has_them(shipped):
    estate = Estate.objects.filter(memberships__programme__slug="caidian-2022")[0]
    template = StepTemplate.objects.filter(stage=Stage.ACCEPTANCE).first()
    Step.objects.create(estate=estate, template=template)
    estate_refresh_stage(estate=estate)
    estate.refresh_from_db()
    assert (estate.stage, estate.stage_reported_on) == (Stage.ACCEPTANCE, None)


# -- the loader's rules ----------------------------------------------------------

PLACES = """
[[province]]
slug = "ceshi"
name = { zh = "测试省", en = "Test Province" }

[[city]]
province = "ceshi"
slug = "ceshishi"
name = "测试市"

[[district]]
city = "ceshishi"
slug = "ceshiqu"
name = "测试区"

[[programme]]
slug = "ceshi-programme"
name = { zh = "测试区改造", en = "Test renovation" }
short_name = "测试区"
district = "ceshiqu"

[[source]]
programme = "ceshi-programme"
key = "s1"
title = "测试来源"
published_on = 2024-01-05
"""


def write_pack(tmp_path, text: str, name: str = "test"):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "pack.toml").write_text(text, encoding="utf-8")
    return folder


def test_a_figure_must_give_its_value_or_say_it_is_not_disclosed(tmp_path):
    folder = write_pack(
        tmp_path,
        PLACES
        + """
[[figure]]
programme = "ceshi-programme"
key = "households"
measure = "households"
label = "户数"
source = "s1"
""",
    )
    with pytest.raises(
        CommandError, match=r"pack\.toml: \[\[figure\]\] #1.*undisclosed"
    ):
        load(folder)
    # One transaction: the places before the bad figure were not kept either.
    assert not Programme.objects.filter(slug="ceshi-programme").exists()


def test_an_undisclosed_figure_is_stored_as_null_and_a_reload_resets_it(tmp_path):
    folder = write_pack(
        tmp_path,
        PLACES
        + """
[[figure]]
programme = "ceshi-programme"
key = "households"
measure = "households"
label = "户数"
precision = "at_least"
undisclosed = ["value"]
source = "s1"
""",
    )
    load(folder)
    stored = figure("ceshi-programme", "households")
    assert (stored.value, stored.precision) == (None, Precision.AT_LEAST)
    ProgrammeFigure.objects.filter(pk=stored.pk).update(value=9000)
    load(folder)
    assert figure("ceshi-programme", "households").value is None


def test_a_field_the_pack_is_silent_on_is_left_as_staff_wrote_it(tmp_path):
    folder = write_pack(tmp_path, PLACES)
    load(folder)
    Programme.objects.filter(slug="ceshi-programme").update(
        summary_zh_hans="办公室写的"
    )
    load(folder)
    assert Programme.objects.get(slug="ceshi-programme").summary_zh_hans == "办公室写的"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[[planet]]\nslug = 'x'\n", "unknown kind of record"),
        (
            "[[figure]]\nprogramme = 'ceshi-programme'\nkey = 'k'\nlabel = 'x'\n"
            "value = 1\nsource = 's9'\n",
            "source names “s9”",
        ),
        (
            "[[figure]]\nprogramme = 'ceshi-programme'\nkey = 'k'\nlabel = 'x'\n"
            "value = 1\nsource = 's1'\ncolour = 'red'\n",
            "no field “colour”",
        ),
        (
            "[[figure]]\nprogramme = 'ceshi-programme'\nkey = 'k'\nlabel = 'x'\n"
            "value = -5\nsource = 's1'\n",
            "figure",
        ),
        (
            "[[source]]\nprogramme = 'ceshi-programme'\nkey = 's2'\ntitle = 'x'\n"
            "published_on = '2024-01-05'\n",
            "must be a date",
        ),
        ("[[programme\n", "not valid TOML"),
    ],
    ids=[
        "unknown-kind",
        "unknown-label",
        "unknown-field",
        "refused-value",
        "quoted-date",
        "bad-toml",
    ],
)
def test_a_bad_pack_is_refused_with_its_place_named_and_nothing_written(
    tmp_path, extra, message
):
    folder = write_pack(tmp_path, PLACES + extra)
    with pytest.raises(CommandError) as refused:
        load(folder)
    assert message in str(refused.value)
    assert "pack.toml" in str(refused.value)
    assert not Programme.objects.filter(slug="ceshi-programme").exists()


def test_a_compound_outside_the_programmes_places_is_refused(tmp_path):
    folder = write_pack(
        tmp_path,
        PLACES
        + """
[[province]]
slug = "other"
name = "别的省"

[[city]]
province = "other"
slug = "othercity"
name = "别的市"

[[district]]
city = "othercity"
slug = "otherdistrict"
name = "别的区"

[[subdistrict]]
district = "otherdistrict"
slug = "othersub"
name = "别的街道"

[[community]]
subdistrict = "othersub"
slug = "ceshi-community"
name = "别的社区"

[[compound]]
slug = "ceshi-compound"
name = "测试小区"
community = "ceshi-community"

[[membership]]
programme = "ceshi-programme"
estate = "ceshi-compound"
""",
    )
    with pytest.raises(CommandError, match=r"\[\[membership\]\] #1: estate: "):
        load(folder)


def test_a_label_names_one_record_only(tmp_path):
    folder = write_pack(
        tmp_path,
        PLACES
        + """
[[source]]
id = "s1"
programme = "ceshi-programme"
key = "s2"
title = "另一个来源"
""",
    )
    with pytest.raises(CommandError, match="used twice"):
        load(folder)


def test_the_loader_reads_every_kind_it_declares_from_a_real_model():
    for kind in packs.KINDS:
        model = kind.model_class
        for name in kind.key:
            assert model._meta.get_field(name)
