"""Importing the compound register and works items: untidy office files read
right, a preview row by row, all or nothing, and a second import changes nothing."""

import io
import zipfile
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from estates.importing.importers import (
    CHANGE,
    CREATE,
    REJECT,
    UNCHANGED,
    EstateImporter,
    ImportRefused,
    WorksItemImporter,
)
from estates.importing.reading import MAX_ROWS, ImportFileError
from estates.models import Community, Estate, Tier, Unit, WorksCategory, WorksItem
from estates.selectors import estate_search
from renovation_portal.search import split_aliases
from tests.estates.factories import CommunityFactory, EstateFactory, WorksItemFactory

pytestmark = pytest.mark.django_db

HEADERS = [
    "小区名称",
    "所属社区",
    "英文名称",
    "建成年份",
    "楼栋数",
    "户数",
    "改造面积（㎡）",
]


def xlsx(rows, *, merge=None, title=None):
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    for cells in merge or []:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8"):
    text = "\r\n".join(",".join(str(cell) for cell in row) for row in rows) + "\r\n"
    return text.encode(encoding)


def estate_importer():
    return EstateImporter(
        queryset=Estate.objects.all(), communities=Community.objects.all()
    )


def works_importer():
    return WorksItemImporter(
        queryset=WorksItem.objects.all(), estates=Estate.objects.all()
    )


@pytest.fixture
def community():
    return CommunityFactory(name_zh_hans="测试东社区", name_en="Test East Community")


def test_xlsx_with_a_merged_title_and_two_row_headers_is_read(community):
    # A title merged across the top, then "小区名称"/"所属社区" merged over two
    # header rows, and "规模" grouping 楼栋数 and 户数 in the second header row.
    data = xlsx(
        [
            ["小区名称", "所属社区", "规模", None],
            [None, None, "楼栋数", "户数"],
            ["测试甲小区", "测试东社区", 3, 120],
        ],
        title="测试街道老旧小区台账",
        merge=["A1:D1", "A2:A3", "B2:B3", "C2:D2"],
    )
    preview = estate_importer().preview(data, "register.xlsx")
    assert [(row.number, row.action) for row in preview.rows] == [(4, CREATE)]
    estate_importer().apply(data, "register.xlsx")
    estate = Estate.objects.get(name_zh_hans="测试甲小区")
    assert (estate.community, estate.buildings, estate.households) == (
        community,
        3,
        120,
    )


def test_full_width_digits_and_spaces_and_blank_rows(community):
    data = xlsx(
        [
            HEADERS,
            [None] * 7,
            [
                "\u3000测试乙小区\u3000",
                "测试东社区",
                "",
                "１９９８年",
                "５",
                "１，２００户",
                "３５００．５",
            ],
            ["", "  ", "", "", "", "", ""],
        ]
    )
    preview = estate_importer().preview(data, "register.xlsx")
    assert [row.action for row in preview.rows] == [CREATE]
    estate_importer().apply(data, "register.xlsx")
    estate = Estate.objects.get(name_zh_hans="测试乙小区")
    assert (estate.year_built, estate.buildings, estate.households) == (1998, 5, 1200)
    assert estate.floor_area_m2 == Decimal("3500.5")


def test_aliases_typed_one_per_line_in_a_cell_stay_separate(community):
    """Alt+Enter in a cell: each line is an alias a resident may search by;
    a line break in a one-line column (the name, the households) reads as a
    space, as before."""
    data = xlsx(
        [
            ["小区名称", "所属社区", "别名", "户数"],
            ["测试丙\n小区", "测试东社区", "安康花园\r\n\n  老安康  ", "1,200\n户"],
        ]
    )

    estate_importer().apply(data, "register.xlsx")

    estate = Estate.objects.get()
    assert estate.name_zh_hans == "测试丙 小区"
    assert estate.households == 1200
    assert split_aliases(estate.aliases) == ["安康花园", "老安康"]
    assert [e.pk for e in estate_search(query="老安康")] == [estate.pk]


def test_utf8_csv_with_byte_order_mark(community):
    data = b"\xef\xbb\xbf" + csv_bytes(
        [["小区名称", "所属社区", "户数"], ["测试丙小区", "测试东社区", "80"]]
    )
    estate_importer().apply(data, "register.csv")
    assert Estate.objects.get(name_zh_hans="测试丙小区").households == 80


def test_gbk_csv_with_english_headers(community):
    data = csv_bytes(
        [
            ["Compound name", "Community", "Households"],
            ["测试丁小区", "测试东社区", "66"],
        ],
        encoding="gbk",
    )
    estate_importer().apply(data, "register.csv")
    assert Estate.objects.get(name_zh_hans="测试丁小区").households == 66


def test_community_may_be_named_in_english(community):
    data = csv_bytes([["小区名称", "所属社区"], ["测试戊小区", "test east community"]])
    estate_importer().apply(data, "register.csv")
    assert Estate.objects.get(name_zh_hans="测试戊小区").community == community


BROKEN = [
    HEADERS,
    ["测试好小区", "测试东社区", "", "2001", "4", "100", ""],
    ["测试一小区", "没有这个社区", "", "", "", "", ""],
    ["", "测试东社区", "Nameless", "", "", "", ""],
    ["测试二小区", "测试东社区", "", "2001-13-01", "四栋", "", ""],
    ["测试三小区", "测试东社区", "", "", "", "", ""],
    ["测试三小区", "测试东社区", "", "", "", "", ""],
]


def _reasons(preview):
    return {row.number: row.reasons for row in preview.rows if row.reasons}


def test_broken_file_is_rejected_row_by_row_in_chinese(community):
    with translation.override("zh-hans"):
        preview = estate_importer().preview(csv_bytes(BROKEN), "broken.csv")
    assert not preview.can_apply
    reasons = _reasons(preview)
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert "没有这个社区" in reasons[3][0]
    assert any(reason.startswith("建成年份") for reason in reasons[5])
    assert any(reason.startswith("楼栋") for reason in reasons[5])
    assert "7" in reasons[6][0] and "6" in reasons[7][0]
    assert preview.rows[0].action == CREATE


def test_broken_file_is_rejected_row_by_row_in_english(community):
    with translation.override("en"):
        preview = estate_importer().preview(csv_bytes(BROKEN), "broken.csv")
    reasons = _reasons(preview)
    assert reasons[3] == ["Unknown community “没有这个社区”."]
    assert reasons[4] == ["The Chinese name is missing."]
    assert "year built: “2001-13-01” is not a valid year or date." in reasons[5]
    assert "buildings: “四栋” is not a whole number." in reasons[5]
    assert reasons[6] == ["The same compound is also in row 7."]


def test_broken_file_imports_nothing(community):
    with pytest.raises(ImportRefused):
        estate_importer().apply(csv_bytes(BROKEN), "broken.csv")
    assert not Estate.objects.exists()


def test_importing_the_same_file_again_changes_nothing(community):
    data = xlsx(
        [
            HEADERS,
            ["测试甲小区", "测试东社区", "Test A", "1990", "3", "120", "3500"],
            ["测试乙小区", "测试东社区", "", "", "", "", ""],
        ]
    )
    estate_importer().apply(data, "register.xlsx")
    before = list(Estate.objects.order_by("pk").values())
    preview = estate_importer().apply(data, "register.xlsx")
    assert [row.action for row in preview.rows] == [UNCHANGED, UNCHANGED]
    assert list(Estate.objects.order_by("pk").values()) == before


def test_a_name_recorded_in_another_community_of_the_chunk_is_a_new_compound(
    community,
):
    west = CommunityFactory(name_zh_hans="测试西社区", name_en="Test West Community")
    EstateFactory(name_zh_hans="九大院", community=west, households=10)
    EstateFactory(name_zh_hans="锦绣江南", community=community, households=10)
    data = (
        "小区名称,所属社区,户数\r\n"
        "九大院,测试东社区,20\r\n"
        "锦绣江南,测试西社区,30\r\n"
        "九大院,测试西社区,40\r\n"
    ).encode()

    preview = estate_importer().apply(data, "register.csv")

    assert [(row.label, row.action) for row in preview.rows] == [
        ("九大院", CREATE),
        ("锦绣江南", CREATE),
        ("九大院", CHANGE),
    ]
    assert sorted(
        Estate.objects.values_list(
            "community__name_zh_hans", "name_zh_hans", "households"
        )
    ) == [
        ("测试东社区", "九大院", 20),
        ("测试东社区", "锦绣江南", 10),
        ("测试西社区", "九大院", 40),
        ("测试西社区", "锦绣江南", 30),
    ]


def test_changed_figures_are_shown_and_empty_cells_erase_nothing(community):
    EstateFactory(
        name_zh_hans="测试甲小区", community=community, households=100, buildings=3
    )
    data = csv_bytes(
        [
            ["小区名称", "所属社区", "楼栋数", "户数"],
            ["测试甲小区", "测试东社区", "", "110"],
        ]
    )
    with translation.override("en"):
        preview = estate_importer().preview(data, "register.csv")
    assert preview.rows[0].action == CHANGE
    assert preview.rows[0].changes == [("households", "100", "110")]
    estate_importer().apply(data, "register.csv")
    estate = Estate.objects.get(name_zh_hans="测试甲小区")
    assert (estate.households, estate.buildings) == (110, 3)


def test_a_compound_out_of_scope_cannot_be_matched_or_created(community):
    other = CommunityFactory(name_zh_hans="测试西社区")
    EstateFactory(name_zh_hans="测试外小区", community=other, households=5)
    importer = EstateImporter(
        queryset=Estate.objects.filter(community=community),
        communities=Community.objects.filter(pk=community.pk),
    )
    data = csv_bytes(
        [["小区名称", "所属社区", "户数"], ["测试外小区", "测试西社区", "9"]]
    )
    preview = importer.preview(data, "register.csv")
    assert preview.rows[0].action == REJECT
    assert Estate.objects.get(name_zh_hans="测试外小区").households == 5


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"PK\x03\x04not really a zip", "register.xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "register.xls"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "register.csv"),
        (b"", "register.csv"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused_whole(data, name):
    with pytest.raises(ImportFileError):
        estate_importer().preview(data, name)


def test_a_zip_without_the_workbook_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    with translation.override("en"), pytest.raises(ImportFileError) as error:
        estate_importer().preview(buffer.getvalue(), "register.xlsx")
    assert "not an Excel workbook" in str(error.value)


def test_too_many_rows_are_refused(community):
    rows = [["小区名称", "所属社区"]] + [
        [f"测试{n}小区", "测试东社区"] for n in range(MAX_ROWS + 1)
    ]
    with pytest.raises(ImportFileError):
        estate_importer().preview(csv_bytes(rows), "big.csv")


def test_a_file_without_the_name_column_is_refused(community):
    with translation.override("en"), pytest.raises(ImportFileError) as error:
        estate_importer().preview(
            csv_bytes([["所属社区", "户数"], ["x", "1"]]), "a.csv"
        )
    assert "小区名称" in str(error.value)


def test_works_items_import_create_then_change(community):
    estate = EstateFactory(name_zh_hans="测试甲小区", community=community)
    data = csv_bytes(
        [
            ["小区名称", "改造内容", "单位", "计划量", "完成量"],
            ["测试甲小区", "lighting", "盏", "４０", "10"],
            ["测试甲小区", "EV charging points", "个", "12", ""],
        ]
    )
    works_importer().apply(data, "works.csv")
    lighting = WorksItem.objects.get(estate=estate, category=WorksCategory.LIGHTING)
    assert (lighting.unit, lighting.planned_quantity, lighting.tier) == (
        Unit.LAMP,
        40,
        Tier.BASIC,
    )
    charging = WorksItem.objects.get(estate=estate, category=WorksCategory.EV_CHARGING)
    assert charging.tier == Tier.IMPROVEMENT
    again = works_importer().apply(data, "works.csv")
    assert [row.action for row in again.rows] == [UNCHANGED, UNCHANGED]
    assert WorksItem.objects.count() == 2


def test_works_items_bad_rows_are_refused_whole(community, english):
    EstateFactory(name_zh_hans="测试甲小区", community=community)
    WorksItemFactory(estate__name_zh_hans="测试乙小区", done_quantity=None)
    data = csv_bytes(
        [
            ["小区名称", "改造内容", "单位", "计划量", "完成量"],
            ["测试甲小区", "lighting", "盏", "40", "10"],
            ["没有的小区", "lighting", "盏", "40", ""],
            ["测试甲小区", "greening", "furlong", "1", ""],
            ["测试甲小区", "roads", "m", "5", "9"],
        ]
    )
    preview = works_importer().preview(data, "works.csv")
    reasons = _reasons(preview)
    assert reasons[3] == ["Unknown compound “没有的小区”."]
    assert reasons[4] == ["unit: “furlong” is not one of the accepted values."]
    assert reasons[5] == [
        "The done quantity cannot be larger than the planned quantity."
    ]
    with pytest.raises(ImportRefused):
        works_importer().apply(data, "works.csv")
    assert WorksItem.objects.count() == 1


# --- the admin pages -------------------------------------------------------


def _upload(client, kind, data, name):
    return client.post(
        reverse("estates-import", kwargs={"kind": kind}),
        {"file": _named(data, name)},
    )


def _named(data, name):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_admin_preview_then_apply(admin_client, community):
    data = csv_bytes(
        [["小区名称", "所属社区", "户数"], ["测试页小区", "测试东社区", "50"]]
    )
    response = _upload(admin_client, "estates", data, "register.csv")
    assert response.status_code == HTTPStatus.OK
    assert "测试页小区" in response.content.decode()
    assert not Estate.objects.exists()
    token = response.context["token"]
    response = admin_client.post(
        reverse("estates-import-apply", kwargs={"kind": "estates"}), {"token": token}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Estate.objects.get(name_zh_hans="测试页小区").households == 50
    # The stored file is gone: the same token cannot apply twice.
    response = admin_client.post(
        reverse("estates-import-apply", kwargs={"kind": "estates"}), {"token": token}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Estate.objects.count() == 1


def test_admin_apply_checks_again_and_writes_nothing(admin_client, community):
    data = csv_bytes([["小区名称", "所属社区"], ["测试页小区", "测试东社区"]])
    token = _upload(admin_client, "estates", data, "register.csv").context["token"]
    community.name_zh_hans = "测试改名社区"
    community.save()
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post(
        reverse("estates-import-apply", kwargs={"kind": "estates"}),
        {"token": token},
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "The import was refused when applying: nothing was written." in page
    assert "测试东社区" in page  # the rejected row's reason names the community
    assert not Estate.objects.exists()


def test_admin_rejected_preview_offers_no_apply(admin_client, community):
    response = _upload(admin_client, "estates", csv_bytes(BROKEN), "broken.csv")
    assert response.status_code == HTTPStatus.OK
    assert "token" not in response.context
    assert "没有这个社区" in response.content.decode()


def test_admin_refuses_a_tampered_token(admin_client):
    response = admin_client.post(
        reverse("estates-import-apply", kwargs={"kind": "estates"}),
        {"token": "imports/../../settings.py"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not Estate.objects.exists()


def test_admin_unreadable_file_shows_the_reason_on_the_form(admin_client):
    admin_client.cookies["django_language"] = "en"
    response = _upload(admin_client, "works", b"PK\x03\x04junk", "works.xlsx")
    assert response.status_code == HTTPStatus.OK
    assert "damaged" in response.content.decode()


def test_import_needs_add_and_change_permission(client, django_user_model):
    viewer = django_user_model.objects.create_user(
        username="viewer", password="not-a-real-password-1", is_staff=True
    )
    client.force_login(viewer)
    response = client.get(reverse("estates-import", kwargs={"kind": "estates"}))
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_template_has_the_chinese_headers(admin_client):
    response = admin_client.get(
        reverse("estates-import-template", kwargs={"kind": "estates"})
    )
    assert response.status_code == HTTPStatus.OK
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["小区名称", "所属社区"]


def test_the_template_filled_in_imports(admin_client, community):
    response = admin_client.get(
        reverse("estates-import-template", kwargs={"kind": "works"})
    )
    workbook = load_workbook(io.BytesIO(response.content))
    EstateFactory(name_zh_hans="测试模板小区", community=community)
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = dict.fromkeys(header, None)
    row.update(
        {"小区名称": "测试模板小区", "改造内容": "照明", "单位": "盏", "计划量": 8}
    )
    sheet.append([row[h] for h in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    works_importer().apply(buffer.getvalue(), "filled.xlsx")
    assert WorksItem.objects.get().planned_quantity == 8


def test_changelist_links_to_the_import_page(admin_client):
    response = admin_client.get(reverse("admin:estates_estate_changelist"))
    assert (
        reverse("estates-import", kwargs={"kind": "estates"})
        in response.content.decode()
    )


def test_files_of_previews_never_applied_are_purged(admin_client, community):
    import os
    import time

    from django.core import signing
    from django.core.files.storage import default_storage

    data = csv_bytes([["小区名称", "所属社区"], ["测试页小区", "测试东社区"]])
    first = _upload(admin_client, "estates", data, "a.csv").context["token"]
    stored = signing.loads(first, salt="estates.importing")["file"]
    old = time.time() - 2 * 3600
    os.utime(default_storage.path(stored), (old, old))
    _upload(admin_client, "estates", data, "b.csv")
    assert not default_storage.exists(stored)
    assert len(default_storage.listdir("imports")[1]) == 1


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "首页"), ("en", "Home")]
)
def test_import_page_in_both_languages(admin_client, language, expected):
    admin_client.cookies["django_language"] = language
    response = admin_client.get(reverse("estates-import", kwargs={"kind": "works"}))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert expected in page
    assert reverse("estates-import-template", kwargs={"kind": "works"}) in page


def test_a_name_shared_by_two_compounds_of_the_community_is_rejected(community):
    EstateFactory.create_batch(2, name_zh_hans="测试重名小区", community=community)
    data = csv_bytes(
        [["小区名称", "所属社区", "户数"], ["测试重名小区", "测试东社区", "9"]]
    )
    with translation.override("en"):
        preview = estate_importer().preview(data, "register.csv")
    assert _reasons(preview) == {
        2: ["The community already has several compounds called this."]
    }
