"""The compound register's import puts compounds into a programme and its
batch or phase (issue 15, item 8): shown in the preview, all or nothing, and
never outside the places the programme covers."""

import pytest

from estates.importing.importers import (
    CHANGE,
    CREATE,
    REJECT,
    UNCHANGED,
    EstateImporter,
    ImportRefused,
)
from estates.models import (
    BatchKind,
    Community,
    Estate,
    ProgrammeBatch,
    ProgrammeMembership,
)
from tests.estates.factories import (
    CommunityFactory,
    EstateFactory,
    ProgrammeFactory,
    SubdistrictFactory,
)

pytestmark = pytest.mark.django_db

HEADERS = ["小区名称", "所属社区", "改造计划", "计划批次（年份或期）"]


def csv_bytes(rows) -> bytes:
    return ("\r\n".join(",".join(row) for row in rows) + "\r\n").encode()


def importer() -> EstateImporter:
    return EstateImporter(
        queryset=Estate.objects.all(), communities=Community.objects.all()
    )


@pytest.fixture
def programme():
    subdistrict = SubdistrictFactory()
    programme = ProgrammeFactory(
        subdistrict=subdistrict,
        name_zh_hans="测试街道改造",
        short_name_zh_hans="测试街道",
    )
    ProgrammeBatch.objects.create(programme=programme, kind=BatchKind.YEAR, year=2023)
    ProgrammeBatch.objects.create(programme=programme, kind=BatchKind.PHASE, number=2)
    CommunityFactory(subdistrict=subdistrict, name_zh_hans="测试社区")
    return programme


def actions(preview) -> list[str]:
    return [row.action for row in preview.rows]


def test_a_new_compound_goes_into_the_programme_and_its_batch(programme):
    data = csv_bytes([HEADERS, ["新小区", "测试社区", programme.slug, "2023年"]])
    preview = importer().apply(data, "register.csv")
    assert actions(preview) == [CREATE]
    membership = ProgrammeMembership.objects.get(estate__name_zh_hans="新小区")
    assert (membership.programme, membership.batch.year) == (programme, 2023)


def test_an_existing_compound_joining_a_programme_is_a_change_shown_first(
    programme,
):
    estate = EstateFactory(
        community=Community.objects.get(name_zh_hans="测试社区"), name_zh_hans="老小区"
    )
    data = csv_bytes([HEADERS, ["老小区", "测试社区", "测试街道", "第2期"]])
    preview = importer().preview(data, "register.csv")
    assert actions(preview) == [CHANGE]
    assert not ProgrammeMembership.objects.exists()
    importer().apply(data, "register.csv")
    membership = ProgrammeMembership.objects.get(estate=estate)
    assert membership.batch.number == 2
    # A second import of the same file changes nothing.
    assert actions(importer().preview(data, "register.csv")) == [UNCHANGED]


@pytest.mark.parametrize(
    ("programme_cell", "batch_cell", "reason"),
    [
        ("nowhere", "", "未知的改造计划“nowhere”"),
        ("{slug}", "2019", "没有“2019”这一批次或分期"),
        ("", "2023", "没有填写改造计划"),
    ],
)
def test_a_bad_programme_or_batch_rejects_the_row_and_nothing_is_written(
    programme, programme_cell, batch_cell, reason
):
    cell = programme_cell.format(slug=programme.slug)
    data = csv_bytes([HEADERS, ["新小区", "测试社区", cell, batch_cell]])
    with pytest.raises(ImportRefused) as refused:
        importer().apply(data, "register.csv")
    row = refused.value.preview.rows[0]
    assert row.action == REJECT
    assert any(reason in text for text in row.reasons), row.reasons
    assert not Estate.objects.filter(name_zh_hans="新小区").exists()


def test_a_compound_outside_the_programmes_places_is_rejected(programme):
    elsewhere = CommunityFactory(name_zh_hans="别处社区")
    data = csv_bytes(
        [HEADERS, ["别处小区", elsewhere.name_zh_hans, programme.slug, ""]]
    )
    preview = importer().preview(data, "register.csv")
    assert actions(preview) == [REJECT]
    assert preview.rows[0].reasons == ["该小区不在“测试街道”覆盖的地区内。"]
