"""New compounds' keys, slugs and grams computed in a worker process
(estates.importing.derived) are the ones Estate.save() computes; the worker
is gone when the import ends, and its failure writes nothing."""

import multiprocessing
import os

import pytest
from django.core.management import call_command

from estates.importing import derived
from estates.importing.importers import CREATE, EstateImporter
from estates.models import Community, Estate, EstateSearchGram
from renovation_portal.models import slug_base
from tests.estates.factories import CommunityFactory, EstateFactory

pytestmark = pytest.mark.django_db

# Polyphonic characters (行, 长, 乐), aliases with two separators, an English
# name, an address with digits, and a name with no Chinese at all.
ROWS = [
    ("九大院", "老九院，九院", "Jiudayuan", "人民路1号"),
    ("长乐银行宿舍", "", "", "长安街12弄"),
    ("测试安康园", "安康、测试", "Test Ankang", ""),
    ("Riverside 1号", "", "Riverside", "No. 3 Bund"),
    ("锦绣江南", "", "Jinxiu Jiangnan", "锦绣路88号"),
]


def _file(rows=ROWS) -> bytes:
    lines = ["小区名称,所属社区,别名,英文名称,地址"]
    lines += [
        f'{name},测试东社区,"{aliases}",{name_en},{address}'
        for name, aliases, name_en, address in rows
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def community():
    return CommunityFactory(name_zh_hans="测试东社区", name_en="Test East Community")


@pytest.fixture
def chunks_of_two(monkeypatch):
    # Full chunks go to the worker; the file's last, short one does not.
    monkeypatch.setattr(EstateImporter, "chunk_rows", 2)


def _importer(*, worker: bool) -> EstateImporter:
    return EstateImporter(
        queryset=Estate.objects.all(),
        communities=Community.objects.all(),
        worker=worker,
    )


def _derived(estate: Estate) -> tuple:
    return (
        estate.slug,
        estate.search_hanzi,
        estate.search_pinyin,
        estate.search_initials,
        estate.search_latin,
        list(estate.search_grams.order_by("id").values_list("gram", flat=True)),
    )


@pytest.mark.parametrize("row", ROWS)
def test_derive_computes_what_the_model_computes(community, row):
    name, aliases, name_en, address = row
    estate = Estate(
        name_zh_hans=name, aliases=aliases, name_en=name_en, address_zh_hans=address
    )
    estate.refresh_search_keys()

    found = derived.derive(row)

    assert found.keys == (
        estate.search_hanzi,
        estate.search_pinyin,
        estate.search_initials,
        estate.search_latin,
    )
    assert found.grams == tuple(sorted(estate.search_gram_values()))
    assert found.slug_base == slug_base(name)


def test_an_import_with_the_worker_writes_what_save_writes(community, chunks_of_two):
    submitted = []
    submit = derived.Deriver.submit

    def spy(deriver, rows):
        submit(deriver, rows)
        submitted.append(deriver.executor is not None)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(derived.Deriver, "submit", spy)
        preview = _importer(worker=True).apply(_file(), "register.csv")

    assert preview.counts[CREATE] == len(ROWS)
    assert submitted == [True, True]
    assert multiprocessing.active_children() == []
    imported = {
        estate.name_zh_hans: _derived(estate)
        for estate in Estate.objects.filter(community=community)
    }
    Estate.objects.all().delete()
    for name, aliases, name_en, address in ROWS:
        EstateFactory(
            name_zh_hans=name,
            aliases=aliases,
            name_en=name_en,
            address_zh_hans=address,
            community=community,
        )
    saved = {
        estate.name_zh_hans: _derived(estate)
        for estate in Estate.objects.filter(community=community)
    }
    assert imported == saved


def test_the_worker_and_this_process_write_the_same(community, chunks_of_two):
    _importer(worker=True).apply(_file(), "register.csv")
    with_worker = [_derived(e) for e in Estate.objects.order_by("name_zh_hans")]
    EstateSearchGram.objects.all().delete()
    Estate.objects.all().delete()

    _importer(worker=False).apply(_file(), "register.csv")

    assert [_derived(e) for e in Estate.objects.order_by("name_zh_hans")] == (
        with_worker
    )


def _fail(source):
    raise RuntimeError("worker failed")


def _die(source):
    os._exit(1)


@pytest.mark.parametrize("failure", [_fail, _die])
def test_a_failing_worker_fails_the_import_and_writes_nothing(
    community, chunks_of_two, monkeypatch, failure
):
    # Patched before the fork, so the worker runs it.
    monkeypatch.setattr(derived, "derive", failure)

    with pytest.raises(Exception):  # noqa: B017, PT011 (RuntimeError or broken pool)
        _importer(worker=True).apply(_file(), "register.csv")

    assert not Estate.objects.exists()
    assert not EstateSearchGram.objects.exists()
    assert multiprocessing.active_children() == []


def test_the_command_line_import_uses_the_worker(
    community, chunks_of_two, monkeypatch, tmp_path
):
    workers = []
    start = derived.Deriver.__init__

    def spy(deriver, *, worker):
        start(deriver, worker=worker)
        workers.append(worker)

    monkeypatch.setattr(derived.Deriver, "__init__", spy)
    path = tmp_path / "register.csv"
    path.write_bytes(_file())

    call_command("import_spreadsheet", "estates", str(path), "--apply", verbosity=0)

    assert True in workers
    assert Estate.objects.filter(community=community).count() == len(ROWS)
