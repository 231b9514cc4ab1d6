"""The bulk apply path: a file of thousands of rows, checked in chunks and
written in bulk, ends up as if every row had been saved one by one, or not at
all. Runs on SQLite and on PostgreSQL (DATABASE_URL)."""

import io
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from estates.importing import base
from estates.importing.checks import condition_holds
from estates.importing.importers import (
    CHANGE,
    CREATE,
    REJECT,
    EstateImporter,
    ImportRefused,
    WorksItemImporter,
)
from estates.importing.views import TOKEN_SALT
from estates.models import Community, Estate, EstateSearchGram, WorksItem
from estates.selectors.search import estate_search
from renovation_portal.models import unique_slug
from sitewide.synthetic.remove import synthetic_remove
from tests.estates.factories import CommunityFactory, EstateFactory

pytestmark = pytest.mark.django_db

ROWS = 3000
# 苑 and 园 read the same (yuan): names differ by their number only.
KINDS = ["苑", "园"]


def csv_bytes(rows):
    return ("\r\n".join(",".join(row) for row in rows) + "\r\n").encode()


def register(count=ROWS, *, households=100, bad_row=None):
    rows = [["小区名称", "所属社区", "英文名称", "地址", "户数"]]
    for n in range(count):
        rows.append(
            [
                f"测试安康{n}{KINDS[n % 2]}",
                "测试东社区",
                f"Test Ankang {n}",
                f"测试路{n}号",
                "abc" if n == bad_row else str(households),
            ]
        )
    return csv_bytes(rows)


@pytest.fixture
def community():
    return CommunityFactory(name_zh_hans="测试东社区", name_en="Test East Community")


@pytest.fixture
def clerk():
    return get_user_model().objects.create_user("clerk", password="x")


def importer(user=None, cls=EstateImporter):
    return cls(
        queryset=Estate.objects.all(),
        communities=Community.objects.all(),
        user=user,
    )


def test_thousands_of_rows_are_written_as_save_would(community, clerk):
    # One compound already holds the slug the first new one would take.
    EstateFactory(name_zh_hans="别的小区", slug="ceshiankang0yuan", community=community)
    preview = importer(clerk).apply(register(), "register.csv")

    assert preview.counts[CREATE] == ROWS
    estates = Estate.objects.filter(name_zh_hans__startswith="测试安康")
    assert estates.count() == ROWS
    slugs = list(estates.values_list("slug", flat=True))
    assert len(set(slugs)) == ROWS
    assert "ceshiankang0yuan" not in slugs
    assert "ceshiankang0yuan-2" in slugs
    assert set(estates.values_list("version", flat=True)) == {1}
    assert not estates.filter(is_synthetic=True).exists()

    # Search keys and grams as Estate.save() computes them.
    sample = estates.get(name_zh_hans="测试安康2719园")
    grams = set(sample.search_grams.values_list("gram", flat=True))
    stored = (
        sample.search_hanzi,
        sample.search_pinyin,
        sample.search_initials,
        sample.search_latin,
    )
    sample.refresh_search_keys()
    assert stored == (
        sample.search_hanzi,
        sample.search_pinyin,
        sample.search_initials,
        sample.search_latin,
    )
    assert grams == sample.search_gram_values()
    assert list(estate_search(query="安康2719园")) == [sample]
    assert list(estate_search(query="ceshiankang2719yuan")) == [sample]

    history = Estate.history.filter(name_zh_hans__startswith="测试安康")
    assert history.count() == ROWS
    assert set(history.values_list("history_user", "history_type")) == {(clerk.pk, "+")}


def test_a_name_in_two_communities_gets_the_next_free_slugs_as_save_would(community):
    CommunityFactory(name_zh_hans="测试西社区", name_en="Test West Community")
    EstateFactory(name_zh_hans="别的苑", slug="ceshiyuan", community=community)
    EstateFactory(name_zh_hans="另外的苑", slug="ceshiyuan-3", community=community)
    EstateFactory(name_zh_hans="再一个苑", slug="ceshiyuan-x", community=community)
    rows = [
        ["小区名称", "所属社区"],
        ["测试苑", "测试东社区"],
        ["测试苑", "测试西社区"],
    ]

    importer().apply(csv_bytes(rows), "register.csv")

    given = Estate.objects.filter(name_zh_hans="测试苑")
    assert sorted(given.values_list("community__name_zh_hans", "slug")) == [
        ("测试东社区", "ceshiyuan-2"),
        ("测试西社区", "ceshiyuan-4"),
    ]


def test_a_slug_given_in_an_earlier_chunk_is_not_given_again(community, monkeypatch):
    monkeypatch.setattr(EstateImporter, "chunk_rows", 1)
    for name in ("测试西社区", "测试南社区"):
        CommunityFactory(name_zh_hans=name)
    EstateFactory(name_zh_hans="别的苑", slug="ceshiyuan", community=community)
    rows = [["小区名称", "所属社区"]] + [
        ["测试苑", name] for name in ("测试东社区", "测试西社区", "测试南社区")
    ]

    importer().apply(csv_bytes(rows), "register.csv")

    given = Estate.objects.filter(name_zh_hans="测试苑")
    assert sorted(given.values_list("slug", flat=True)) == [
        "ceshiyuan-2",
        "ceshiyuan-3",
        "ceshiyuan-4",
    ]


def test_each_created_compound_has_one_history_record_equal_to_it(community, clerk):
    importer(clerk).apply(register(count=3), "register.csv")

    history = Estate.history.model
    tracked = [field.attname for field in history.tracked_fields]
    for estate in Estate.objects.filter(name_zh_hans__startswith="测试安康"):
        record = estate.history.get()
        assert (record.history_type, record.history_user) == ("+", clerk)
        assert [getattr(record, name) for name in tracked] == [
            getattr(estate, name) for name in tracked
        ]


def test_a_second_import_changes_only_what_differs_and_counts_versions(
    community, clerk
):
    importer(clerk).apply(register(), "register.csv")
    preview = importer(clerk).apply(register(households=120), "register.csv")

    assert preview.counts[CHANGE] == ROWS
    estates = Estate.objects.filter(name_zh_hans__startswith="测试安康")
    assert set(estates.values_list("households", "version")) == {(120, 2)}
    changes = Estate.history.filter(history_type="~", version=2)
    assert changes.count() == ROWS
    assert set(changes.values_list("history_user", flat=True)) == {clerk.pk}
    # The grams are unchanged (no name or address changed) and still found.
    assert list(estate_search(query="安康17园")) == [
        estates.get(slug="ceshiankang17yuan")
    ]


def test_one_bad_row_among_thousands_writes_nothing(community, clerk):
    with pytest.raises(ImportRefused) as refused:
        importer(clerk).apply(register(bad_row=2500), "register.csv")

    assert refused.value.preview.counts[REJECT] == 1
    assert [row.number for row in refused.value.preview.rejected] == [2502]
    assert not Estate.objects.exists()
    assert not EstateSearchGram.objects.exists()
    assert not Estate.history.exists()


def test_a_duplicate_in_a_later_chunk_names_the_first_row(community, monkeypatch):
    monkeypatch.setattr(EstateImporter, "chunk_rows", 10)
    rows = [["小区名称", "所属社区"]] + [
        [f"测试{n}苑", "测试东社区"] for n in range(30)
    ]
    rows.append(["测试3苑", "测试东社区"])
    with translation.override("en"):
        preview = importer().preview(csv_bytes(rows), "register.csv")

    assert [row.number for row in preview.rejected] == [32]
    assert preview.rejected[0].reasons == ["The same compound is also in row 5."]


def test_a_big_preview_shows_counts_and_caps_the_rows(community, monkeypatch):
    monkeypatch.setattr(base, "SHOWN_ROWS", 100)
    monkeypatch.setattr(base, "REJECTED_SHOWN", 3)
    rows = [["小区名称", "所属社区"]]
    rows += [
        [f"测试{n}苑", "别的社区" if n % 50 == 0 else "测试东社区"] for n in range(500)
    ]
    preview = importer().preview(csv_bytes(rows), "register.csv")

    assert preview.total == 500
    assert preview.counts[REJECT] == 10
    assert preview.counts[CREATE] == 490
    # The first 100 rows (2 of them rejected), then only rejected rows up to 3.
    assert len(preview.rows) == 101
    assert preview.rejected_not_shown == 7
    assert not preview.all_shown


class MeanwhileImporter(EstateImporter):
    """Someone saves a compound after the import has checked its rows."""

    def check(self, parsed):
        super().check(parsed)
        estate = Estate.objects.get(name_zh_hans="测试安康1园")
        estate.households = 7
        estate.save()


def test_a_record_changed_by_someone_else_meanwhile_refuses_the_import(
    community, clerk
):
    importer(clerk).apply(register(count=3), "register.csv")
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        importer(clerk, MeanwhileImporter).apply(
            register(count=3, households=120), "register.csv"
        )

    [row] = refused.value.preview.rejected
    assert row.reasons == ["This record was changed by someone else meanwhile."]
    assert set(Estate.objects.values_list("households", flat=True)) == {100}


def test_unique_slug_avoids_slugs_given_in_the_same_batch(community):
    estate = Estate(name_zh_hans="测试苑", community=community)
    assert unique_slug(estate, "测试苑", also_taken={"ceshiyuan"}) == "ceshiyuan-2"


# -- applying once ----------------------------------------------------------


def _preview_token(client, data):
    upload = io.BytesIO(data)
    upload.name = "register.csv"
    response = client.post(
        reverse("estates-import", kwargs={"kind": "estates"}), {"file": upload}
    )
    return response.context["token"]


def _apply(client, token):
    return client.post(
        reverse("estates-import-apply", kwargs={"kind": "estates"}),
        {"token": token},
        follow=True,
    )


def test_a_second_apply_of_the_same_preview_writes_nothing(admin_client, community):
    token = _preview_token(admin_client, register(count=5))
    stored = signing.loads(token, salt=TOKEN_SALT)["file"]
    with default_storage.open(stored) as handle:
        data = handle.read()
    _apply(admin_client, token)
    assert Estate.objects.count() == 5
    # As if the second click had read the file before the first deleted it.
    default_storage.save(stored, ContentFile(data))
    admin_client.cookies["django_language"] = "en"
    response = _apply(admin_client, token)

    assert "This import has already been applied." in response.content.decode()
    assert Estate.objects.count() == 5
    assert Estate.history.count() == 5
    default_storage.delete(stored)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_applies_at_the_same_moment_import_once(admin_user, community):
    first, second = Client(), Client()
    first.force_login(admin_user)
    second.force_login(admin_user)
    for client in (first, second):
        client.cookies["django_language"] = "en"
    token = _preview_token(first, register(count=500))
    start = threading.Barrier(2)
    answers = []

    def click(client):
        start.wait()
        answers.append(_apply(client, token).content.decode())
        connection.close()

    threads = [threading.Thread(target=click, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Estate.objects.count() == 500
    assert Estate.history.count() == 500
    refused = [a for a in answers if "already" in a]
    assert len(refused) == 1


# -- the command ------------------------------------------------------------


def test_the_command_previews_then_applies_with_the_author(community, clerk, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(register(count=5))
    out = io.StringIO()
    call_command(
        "import_spreadsheet", "estates", str(path), "--language=en", stdout=out
    )
    assert "5 rows: 5 to create, 0 to change" in out.getvalue()
    assert not Estate.objects.exists()

    call_command(
        "import_spreadsheet",
        "estates",
        str(path),
        "--apply",
        "--user=clerk",
        "--synthetic",
        stdout=io.StringIO(),
    )
    assert Estate.objects.filter(is_synthetic=True).count() == 5
    assert set(Estate.history.values_list("history_user", flat=True)) == {clerk.pk}


def test_the_command_refuses_a_bad_file_with_reasons_and_writes_nothing(
    community, tmp_path
):
    path = tmp_path / "register.csv"
    path.write_bytes(register(count=5, bad_row=3))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_spreadsheet", "estates", str(path), "--apply", stdout=out)
    # The rejected row (spreadsheet row 5) and its reason, in Chinese by default.
    assert "第5行（测试安康3园）：户数: “abc”不是整数。" in out.getvalue()
    assert not Estate.objects.exists()


# -- check constraints tested without a query --------------------------------


def test_simple_check_constraints_are_tested_in_python(community):
    estate = Estate(community=community, name_zh_hans="测试苑", floor_area_m2=-1)
    constraints = {c.name: c.condition for c in Estate._meta.constraints}
    assert (
        condition_holds(constraints["estate_floor_area_m2_non_negative"], estate)
        is False
    )
    estate.floor_area_m2 = None
    assert condition_holds(constraints["estate_floor_area_m2_non_negative"], estate)
    estate.latitude = 91
    assert condition_holds(constraints["estate_latitude_range"], estate) is False


def test_a_comparison_of_two_fields_is_left_to_the_database():
    done_not_above = next(
        c.condition
        for c in WorksItem._meta.constraints
        if c.name == "works_done_not_above_planned"
    )
    item = WorksItem(planned_quantity=1, done_quantity=2)
    assert condition_holds(done_not_above, item) is None


def test_a_negative_area_is_rejected_without_a_query_per_row(
    community, django_assert_max_num_queries
):
    rows = [["小区名称", "所属社区", "改造面积（㎡）"]]
    rows += [
        [f"测试{n}苑", "测试东社区", "-5" if n == 7 else "100"] for n in range(200)
    ]
    with translation.override("en"), django_assert_max_num_queries(5):
        preview = importer().preview(csv_bytes(rows), "register.csv")
    [row] = preview.rejected
    assert row.reasons == ["This figure cannot be negative."]


def test_a_new_compound_is_checked_by_the_model_on_every_value_it_is_given(
    community,
):
    # The name is set from its cell apart from the other values; the year goes
    # through the field's validators, not only the cell's parser.
    rows = [
        ["小区名称", "所属社区", "建成年份"],
        ["测" * 121, "测试东社区", "1990"],
        ["测试苑", "测试东社区", "1850"],
    ]
    with translation.override("en"):
        preview = importer().preview(csv_bytes(rows), "register.csv")

    assert [(row.number, row.reasons) for row in preview.rejected] == [
        (2, ["name: Ensure this value has at most 120 characters (it has 121)."]),
        (3, ["year built: Ensure this value is greater than or equal to 1900."]),
    ]


def test_the_admin_preview_of_a_big_file_says_what_it_leaves_out(
    admin_client, community, monkeypatch
):
    monkeypatch.setattr(base, "SHOWN_ROWS", 10)
    monkeypatch.setattr(base, "REJECTED_SHOWN", 2)
    rows = [["小区名称", "所属社区"]]
    rows += [
        [f"测试{n}苑", "别的社区" if n % 5 == 0 else "测试东社区"] for n in range(50)
    ]
    upload = io.BytesIO(csv_bytes(rows))
    upload.name = "register.csv"
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post(
        reverse("estates-import", kwargs={"kind": "estates"}), {"file": upload}
    )
    page = response.content.decode()
    assert "The file has 50 rows; 10 are listed below" in page
    assert "And 8 more rejected rows are not listed." in page
    assert "token" not in response.context


def test_compounds_imported_as_synthetic_are_removed_with_synthetic_data(community):
    EstateFactory(name_zh_hans="真实小区", community=community)
    importer = EstateImporter(
        queryset=Estate.objects.all(),
        communities=Community.objects.all(),
        synthetic=True,
    )
    importer.apply(register(count=20), "register.csv")
    assert Estate.objects.filter(is_synthetic=True).count() == 20

    synthetic_remove()

    assert list(Estate.objects.values_list("name_zh_hans", flat=True)) == ["真实小区"]
    assert not EstateSearchGram.objects.exclude(
        estate__name_zh_hans="真实小区"
    ).exists()


def test_removing_synthetic_data_removes_the_history_of_imported_compounds(
    community,
):
    real = EstateFactory(name_zh_hans="真实小区", community=community)
    EstateImporter(
        queryset=Estate.objects.all(),
        communities=Community.objects.all(),
        synthetic=True,
    ).apply(register(count=20), "register.csv")
    assert Estate.history.filter(is_synthetic=True).count() == 20

    synthetic_remove()

    assert list(Estate.history.values_list("id", flat=True).distinct()) == [real.pk]


def test_works_items_are_created_then_changed_in_bulk_with_history(community, clerk):
    estates = [
        EstateFactory(name_zh_hans=f"测试{n}苑", community=community) for n in range(3)
    ]
    header = ["小区名称", "改造内容", "单位", "计划量", "完成量"]

    def works(done):
        rows = [header]
        rows += [[e.name_zh_hans, "lighting", "盏", "40", done] for e in estates]
        return csv_bytes(rows)

    works_importer = WorksItemImporter(
        queryset=WorksItem.objects.all(), estates=Estate.objects.all(), user=clerk
    )
    assert works_importer.apply(works("10"), "works.csv").counts[CREATE] == 3
    assert works_importer.apply(works("20"), "works.csv").counts[CHANGE] == 3

    assert set(WorksItem.objects.values_list("done_quantity", "version")) == {(20, 2)}
    assert WorksItem.history.filter(history_user=clerk).count() == 6
