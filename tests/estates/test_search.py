"""Finding a compound by its name as a resident says it (estates.selectors)."""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.core.management import call_command

from estates.models import Estate, Stage
from estates.selectors import estate_search
from tests.estates.factories import EstateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_estates():
    return {
        "jiudayuan": EstateFactory(
            name_zh_hans="九大院", name_en="Jiudayuan", aliases="老九院"
        ),
        "jinxiu": EstateFactory(name_zh_hans="锦绣江南", name_en="Jinxiu Jiangnan"),
        "jiahe": EstateFactory(name_zh_hans="佳和豪苑", name_en="Jiahe Haoyuan"),
    }


def _names(queryset):
    return [estate.name_zh_hans for estate in queryset]


@pytest.mark.parametrize(
    "query",
    ["jdy", "jiudayuan", "jiu da yuan", "Jiǔdàyuàn", "ＪＤＹ", "JDY", "九大", "九大院"],
)
def test_search_finds_jiudayuan_as_residents_type_it(named_estates, query):
    assert _names(estate_search(query=query)) == ["九大院"]


def test_search_finds_chinese_characters_anywhere_in_the_name(named_estates):
    assert _names(estate_search(query="锦绣")) == ["锦绣江南"]
    assert _names(estate_search(query="江南")) == ["锦绣江南"]


def test_search_finds_the_english_name_whatever_its_case_and_spaces(named_estates):
    EstateFactory(name_zh_hans="测试小区", name_en="Garden Court")
    assert _names(estate_search(query="GARDEN court")) == ["测试小区"]


def test_search_finds_an_alias_by_characters_and_initials(named_estates):
    assert _names(estate_search(query="老九院")) == ["九大院"]
    assert _names(estate_search(query="ljy")) == ["九大院"]


def test_search_finds_characters_in_the_address():
    EstateFactory(name_zh_hans="测试小区", address_zh_hans="测试路18号")
    assert _names(estate_search(query="测试路")) == ["测试小区"]
    assert _names(estate_search(query="18 号")) == ["测试小区"]


def test_search_with_no_match_is_empty(named_estates):
    assert not estate_search(query="qwxz").exists()
    assert not estate_search(query="不存在").exists()


def test_search_ranks_whole_name_then_start_then_anywhere():
    # By name alone the order would be 九大院, 大院东区, 西区: the rank reverses it.
    EstateFactory(name_zh_hans="九大院")  # "dayuan" inside the name
    EstateFactory(name_zh_hans="大院东区")  # a name starting with "dayuan"
    EstateFactory(name_zh_hans="西区", aliases="大院")  # an alias that is "dayuan"
    assert _names(estate_search(query="dayuan")) == ["西区", "大院东区", "九大院"]
    assert _names(estate_search(query="大院")) == ["西区", "大院东区", "九大院"]


def test_search_ranks_a_name_match_before_an_address_match():
    EstateFactory(name_zh_hans="北区", address_zh_hans="测试大院路 1 号")
    EstateFactory(name_zh_hans="测试大院")
    assert _names(estate_search(query="测试大院")) == ["测试大院", "北区"]


def test_search_ranks_equal_matches_by_name():
    EstateFactory(name_zh_hans="测试乙院")
    EstateFactory(name_zh_hans="测试甲院")
    assert _names(estate_search(query="测试")) == ["测试乙院", "测试甲院"]


def test_search_rank_is_a_database_annotation_that_paginates(named_estates):
    found = estate_search(query="j")
    assert [estate.search_rank for estate in found] == [1, 1, 1]
    assert found.count() == 3
    assert len(found[1:3]) == 2


@pytest.mark.parametrize("query", ["", "   ", "\u3000", "!!! ，。 ---"])
def test_search_without_letters_or_characters_filters_nothing(named_estates, query):
    assert estate_search(query=query).count() == 3


def test_search_narrows_the_queryset_it_is_given(named_estates):
    given = Estate.objects.filter(stage=Stage.CONSTRUCTION)
    assert not estate_search(query="jdy", queryset=given).exists()


def test_search_survives_a_very_long_query(named_estates):
    assert not estate_search(query="jiudayuan" * 5000).exists()


def test_search_ignores_a_nul_byte_in_the_query(named_estates):
    assert _names(estate_search(query="jd\x00y")) == ["九大院"]


def test_search_finds_the_loaded_source_estates():
    call_command("load_source_data", verbosity=0)
    assert _names(estate_search(query="jdy")) == ["九大院"]
    assert _names(estate_search(query="jxjn")) == ["锦绣江南"]
    assert _names(estate_search(query="Jiahe Haoyuan")) == ["佳和豪苑"]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_search_page_lists_the_best_match(client, named_estates, prefix):
    response = client.get(f"{prefix}/estates/", {"q": "jdy"})
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["estates"]) == [named_estates["jiudayuan"]]


@pytest.mark.parametrize(
    "query", ["!!!", " " * 50, "jiudayuan" * 2000, "jd\x00y", "<script>"]
)
def test_search_page_answers_any_query(client, named_estates, query):
    response = client.get("/estates/", {"q": query})
    assert response.status_code == HTTPStatus.OK
    assert b"<script>" not in response.content


def test_a_long_query_is_looked_up_by_its_rarest_grams():
    from estates.selectors.search import rarest_grams

    for name in ("乐园小区", "乐园新村", "乐园花苑"):
        EstateFactory(name_zh_hans=name)
    EstateFactory(name_zh_hans="乐悦雅居")

    # "ley" starts every name; a gram further on is held by one estate only.
    grams = rarest_grams("leyueyaju")
    assert len(grams) == 2
    assert "ley" not in grams
    assert _names(estate_search(query="leyueyaju")) == ["乐悦雅居"]
    assert sorted(_names(estate_search(query="leyuan"))) == sorted(
        ["乐园小区", "乐园新村", "乐园花苑"]
    )


def test_a_query_of_one_gram_is_looked_up_without_counting(
    django_assert_num_queries,
):
    from estates.selectors.search import rarest_grams

    EstateFactory(name_zh_hans="九大院")
    with django_assert_num_queries(0):
        assert rarest_grams("jdy") == ["jdy"]
        assert rarest_grams("九大") == ["九大"]


@pytest.mark.parametrize("rows", [1, 30])
def test_a_long_query_costs_the_same_queries_however_many_estates(
    rows, django_assert_max_num_queries
):
    EstateFactory.create_batch(rows, name_zh_hans="乐园小区")
    with django_assert_max_num_queries(2):
        assert list(estate_search(query="leyuanxiaoqu" * 9)) == []


def test_a_long_query_counts_its_grams_once_then_reads_them_from_the_cache(
    django_assert_num_queries,
):
    from estates.selectors.search import rarest_grams

    for name in ("乐园小区", "乐园新村", "乐悦雅居"):
        EstateFactory(name_zh_hans=name)
    first = rarest_grams("leyueyaju")
    with django_assert_num_queries(0):
        assert rarest_grams("leyueyaju") == first


def test_a_stale_gram_count_changes_no_search_result():
    from estates.selectors.search import GRAM_COUNT_CACHE_KEY, rarest_grams

    EstateFactory(name_zh_hans="乐悦雅居")
    rarest_grams("leyueyaju")
    # Compounds added since the counts were kept, and a count made wrong on
    # purpose: the search looks up other grams and still finds every match.
    for name in ("乐园小区", "乐悦花园", "悦雅新村"):
        EstateFactory(name_zh_hans=name)
    cache.set(GRAM_COUNT_CACHE_KEY % "ley", 0)
    assert _names(estate_search(query="leyueyaju")) == ["乐悦雅居"]
    assert sorted(_names(estate_search(query="yueya"))) == sorted(
        ["乐悦雅居", "悦雅新村"]
    )


def test_when_every_gram_is_common_the_rarest_are_counted_beyond_the_cap(
    monkeypatch,
):
    from estates.selectors import search

    # Every gram of "leyueyaju" is held by at least as many estates as the
    # first count reads (one), so they all tie there; "ley" is held by six,
    # "yaj" and "aju" by one.
    monkeypatch.setattr(search, "GRAM_COUNT_CAP", 1)
    for name in ("乐园小区", "乐园新村", "乐园花苑", "乐悦花园", "乐悦新村"):
        EstateFactory(name_zh_hans=name)
    for name in ("悦雅小区", "悦雅花苑", "乐悦雅居"):
        EstateFactory(name_zh_hans=name)

    grams = search.rarest_grams("leyueyaju")

    assert sorted(grams) == ["aju", "yaj"]
    assert _names(estate_search(query="leyueyaju")) == ["乐悦雅居"]
