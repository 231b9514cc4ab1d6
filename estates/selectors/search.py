"""Finding a compound by the name a resident says."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connections, models, router
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from renovation_portal.search import candidate_grams, normalize

from ..models import (
    Estate,
    EstateSearchGram,
)
from .estates import estate_list

# ---------------------------------------------------------------------------
# Finding a compound
# ---------------------------------------------------------------------------

# A resident types a name, not a paragraph: a longer query is cut before it
# reaches the database.
MAX_QUERY_LENGTH = 100
SEARCH_KEYS = ("search_hanzi", "search_pinyin", "search_initials", "search_latin")
# A gram's estates are counted up to this many when choosing the rarest ones.
# Counting reads the gram index alone (the generator vacuums the table): at
# 250,000 estates, six grams counted to 5,000 took 3 ms (issue 7).
GRAM_COUNT_CAP = 5_000
# When fewer grams than are looked up stay under that cap (names made of few
# syllables: at 250,000 synthetic compounds every gram of ningyueyuan is held
# by 6,000 to 140,000), those at the cap are counted again up to this many, so
# that the two rarest are really the rarest: 10 ms instead of 55 for that
# search. The counts are cached, so the recount (about 60 ms) is paid once an hour.
GRAM_RECOUNT_CAP = 200_000
# How many of a long query's rarest grams the candidates must all hold: two
# cut zhuyuyuan's candidates from 4,266 (yuy) to 265 (yuy and zhu).
GRAMS_LOOKED_UP = 2
# Grams' counts change only as estates are saved, and a stale count costs
# time, never a wrong result (see rarest_grams).
GRAM_COUNT_CACHE_KEY = "estate-gram-count:%s"
GRAM_COUNT_CACHE_SECONDS = 3600


class Rank(models.IntegerChoices):
    """How well an estate matches a query; lower is better."""

    EXACT = 0
    PREFIX = 1
    CONTAINS = 2
    ADDRESS = 3


def _any_key_contains(text: str) -> Q:
    return Q(*(Q(**{f"{key}__contains": text}) for key in SEARCH_KEYS), _connector=Q.OR)


def estate_search(
    *, query: str, queryset: QuerySet[Estate] | None = None
) -> QuerySet[Estate]:
    """Estates whose name, alias, English name or address matches ``query``.

    The query is folded like the stored keys (renovation_portal.search), so
    ``幸福``, ``xingfuli``, ``xing fu li``, ``Xìngfúlǐ``, ``ＸＦＬ`` and ``xfl`` all
    find 幸福里. Best matches come first: a whole key, then the start of a key,
    then anywhere in a key, then the address; then by name. The ranking is a
    database annotation (``search_rank``), so the result paginates. An empty
    query filters nothing. Plain ``LIKE`` only, so it runs on SQLite and
    PostgreSQL alike.

    The query's rarest grams (two Chinese characters, or three letters; see
    :func:`rarest_grams`) are looked up in the estates' index grams
    (EstateSearchGram) first, so the ``LIKE`` tests run on a few candidates
    rather than on every row; a query too short to have a gram (one
    character, two letters) is tested on every row. The address is matched
    through its grams, folded like the keys. Every matching estate holds
    every gram of the query, so which gram is looked up changes the cost,
    never the result.
    """
    queryset = estate_list() if queryset is None else queryset
    text = normalize(query)[:MAX_QUERY_LENGTH]
    if not text:
        return queryset
    # Keys are stored as "|key1|key2|": "|q|" is a whole key, "|q" a key's start.
    rank = Case(
        When(_any_key_contains(f"|{text}|"), then=Value(Rank.EXACT)),
        When(_any_key_contains(f"|{text}"), then=Value(Rank.PREFIX)),
        When(_any_key_contains(text), then=Value(Rank.CONTAINS)),
        default=Value(Rank.ADDRESS),
        output_field=IntegerField(),
    )
    grams = rarest_grams(text)
    for gram in grams:
        queryset = queryset.filter(
            pk__in=EstateSearchGram.objects.filter(gram=gram).values("estate_id")
        )
    if grams != [text]:
        # A query that is one whole gram (九大, jdy) matches every estate that
        # holds the gram: no LIKE filter, whose tiny row estimate would mislead
        # PostgreSQL's planner into nested loops over thousands of rows.
        queryset = queryset.filter(
            _any_key_contains(text) | Q(address_zh_hans__icontains=text)
        )
    return queryset.annotate(search_rank=rank).order_by(
        "search_rank", "name_zh_hans", "pk"
    )


def rarest_grams(text: str) -> list[str]:
    """The ``GRAMS_LOOKED_UP`` grams of a normalised query that the fewest
    estates hold, rarest first (one when the query has one gram, none when it
    has none).

    A long query's first gram is often common (``ley`` of ``leyueyaju`` starts
    thousands of names) while a gram across two syllables (``eyu``) is rare.
    Each candidate's estates are counted up to ``GRAM_COUNT_CAP`` in one
    query that reads at most that many index entries per gram, so the choice
    costs little even when every gram is common. Ties go to the earlier gram.
    Looking up two grams rather than one keeps PostgreSQL's planner on the
    gram index: with one common gram it guessed that the ``LIKE`` tests match
    few rows and scanned the whole estate table instead (70 ms at 250,000).

    The counts are kept in the cache for ``GRAM_COUNT_CACHE_SECONDS``: a
    count that has gone stale only changes which gram is looked up, never
    the result, and reading it saves the query (issue 7: zhuyuyuan's six
    grams took 1.5–3 ms to count at 250,000 compounds).
    """
    grams = candidate_grams(text)
    if len(grams) <= 1:
        return grams
    keys = {gram: GRAM_COUNT_CACHE_KEY % gram for gram in grams}
    found = cache.get_many(list(keys.values()))
    counts = {gram: found[key] for gram, key in keys.items() if key in found}
    missing = [gram for gram in grams if gram not in counts]
    if missing:
        counts.update(_count_grams(missing))
        cache.set_many(
            {keys[gram]: counts[gram] for gram in missing}, GRAM_COUNT_CACHE_SECONDS
        )
    capped = [gram for gram in grams if counts[gram] == GRAM_COUNT_CAP]
    if capped and len(grams) - len(capped) < GRAMS_LOOKED_UP:
        recounted = _count_grams(capped, cap=GRAM_RECOUNT_CAP)
        counts.update(recounted)
        cache.set_many(
            {keys[gram]: count for gram, count in recounted.items()},
            GRAM_COUNT_CACHE_SECONDS,
        )
    rarest = sorted(range(len(grams)), key=lambda i: (counts[grams[i]], i))
    return [grams[i] for i in rarest[:GRAMS_LOOKED_UP]]


def _count_grams(grams: list[str], *, cap: int | None = None) -> dict[str, int]:
    """How many estates hold each gram, up to ``cap`` (``GRAM_COUNT_CAP``),
    in one query."""
    cap = GRAM_COUNT_CAP if cap is None else cap
    alias = router.db_for_read(EstateSearchGram)
    table = connections[alias].ops.quote_name(EstateSearchGram._meta.db_table)
    counted = ", ".join(
        f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE gram = %s LIMIT %s) t{i})"
        for i in range(len(grams))
    )
    params = [value for gram in grams for value in (gram, cap)]
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {counted}", params)
        counts = cursor.fetchone()
    return dict(zip(grams, counts, strict=True))
