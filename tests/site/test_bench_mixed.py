"""The mixed run of `make bench` (bench/mixed.py, issue 17 item 3): what its
visitors ask for, and that the site answers its residents' feedback."""

import random
import sys
from collections import Counter
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from governance.models import Feedback
from tests.estates.factories import EstateFactory, ProgrammeFactory
from tests.lanes.factories import LaneFactory

sys.path.insert(0, str(Path(settings.BASE_DIR) / "bench"))
mixed = pytest.importorskip("mixed")


def _population(compounds=1000, terms=30, programmes=20, lanes=4):
    return mixed.Population(
        compounds=[f"c{n}" for n in range(compounds)],
        terms=[f"t{n}" for n in range(terms)],
        programmes=[f"p{n}" for n in range(programmes)],
        lanes=[f"l{n}" for n in range(lanes)],
    )


def test_a_few_compounds_get_most_visits_and_most_get_few():
    draw = mixed.Zipf([f"c{n}" for n in range(10_000)])
    rng = random.Random(1)
    counts = Counter(draw.draw(rng) for _ in range(20_000))
    top_hundred = sum(counts[f"c{n}"] for n in range(100))
    # Zipf with s = 1: the first 1 % of 10,000 ranks get H(100)/H(10,000),
    # about 53 % of the visits; the last half about 7 %.
    assert 0.45 < top_hundred / 20_000 < 0.6
    assert sum(counts[f"c{n}"] for n in range(5000, 10_000)) / 20_000 < 0.1


def test_the_visits_follow_the_documented_mix():
    lines = mixed.visits(random.Random(2), 20_000, _population())
    kinds = Counter(mixed.kind_of(line) for line in lines)
    for kind, share in mixed.MIX.items():
        assert kinds[kind] / len(lines) == pytest.approx(share, abs=0.015)
    english = sum(" /en/" in line for line in lines) / len(lines)
    elder = sum(line.startswith("1 ") for line in lines) / len(lines)
    assert english == pytest.approx(mixed.ENGLISH_SHARE, abs=0.015)
    assert elder == pytest.approx(mixed.ELDER_SHARE, abs=0.015)


def test_the_same_seed_draws_the_same_visits():
    first = mixed.visits(random.Random(3), 500, _population())
    assert first == mixed.visits(random.Random(3), 500, _population())
    assert first != mixed.visits(random.Random(4), 500, _population())


def test_a_kind_with_nothing_to_visit_is_left_out():
    lines = mixed.visits(random.Random(5), 2000, _population(lanes=0))
    assert "lane" not in {mixed.kind_of(line) for line in lines}


def test_searches_use_the_hanzi_pinyin_and_initials_of_a_name():
    assert mixed.search_terms(
        "示例小区", "|shilixiaoqu|shilixiaoou|", "|slxq|slxo|"
    ) == [
        "示例",
        "shilixiaoqu",
        "slx",
    ]


@pytest.mark.django_db
def test_every_page_the_visitors_ask_for_exists_in_both_languages_and_elder_mode():
    estates = EstateFactory.create_batch(5)
    people = mixed.Population(
        compounds=[estate.slug for estate in estates],
        terms=mixed.search_terms(
            estates[0].name_zh_hans,
            estates[0].search_pinyin,
            estates[0].search_initials,
        ),
        programmes=[ProgrammeFactory().slug],
        lanes=[LaneFactory().slug],
    )
    lines = set(mixed.visits(random.Random(6), 400, people))
    kinds = {(line[0], line.startswith("/en", 2)) for line in lines}
    assert kinds == {("0", False), ("0", True), ("1", False), ("1", True)}
    cookie, on = mixed.ELDER_COOKIE.split("=")
    for line in lines:
        elder, path = line.split(" ", 1)
        client = Client()
        if elder == "1":
            client.cookies[cookie] = on
        assert client.get(path).status_code == HTTPStatus.OK, line


@pytest.mark.django_db
def test_the_residents_feedback_is_accepted_by_the_form_with_its_csrf_token():
    estate = EstateFactory()
    client = Client(enforce_csrf_checks=True)
    form = client.get(f"/en/feedback/new/?estate={estate.slug}")
    token = mixed.CSRF_INPUT.search(form.content).group(1).decode()
    content_type, body = mixed.multipart(
        {
            "csrfmiddlewaretoken": token,
            "estate": estate.slug,
            "category": "other",
            "text": f"{mixed.FEEDBACK_MARK}-test 1: the bench's test",
            "website": "",
        }
    )
    response = client.post("/en/feedback/new/", data=body, content_type=content_type)
    assert response.status_code == HTTPStatus.FOUND
    assert Feedback.objects.get().estate == estate
