"""A compound's page read with prepared queries (issue 17, item 2: a fast miss)
is the page the ORM's prefetches give, byte for byte."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.views.generic import DetailView

from estates.models import Estate, FundingSource, PhotoKind, StepStatus
from estates.views import EstateDetailView
from renovation_portal import prepared
from tests.estates.factories import (
    EstateFactory,
    FundingFactory,
    HonourFactory,
    NoticeFactory,
    PhotoFactory,
    PropertyCompanyFactory,
    StepFactory,
    WorksItemFactory,
)
from tests.governance.factories import CouncilFactory, MeetingFactory
from tests.lanes.factories import LaneFactory

pytestmark = pytest.mark.django_db


def _both_ways(client, monkeypatch, paths):
    fast = {path: client.get(path) for path in paths}
    monkeypatch.setattr(EstateDetailView, "get_object", DetailView.get_object)
    for path in paths:
        slow = client.get(path)
        assert fast[path].status_code == slow.status_code == 200, path
        assert fast[path].content.decode() == slow.content.decode(), path


def _paths(estates):
    return [
        prefix + estate.get_absolute_url()
        for estate in estates
        for prefix in ("", "/en")
    ]


def test_every_compound_of_the_source_data_reads_the_same(client, monkeypatch):
    call_command("load_source_data", verbosity=0)

    _both_ways(client, monkeypatch, _paths(Estate.objects.order_by("pk")))


def test_a_compound_with_every_kind_of_record_reads_the_same(client, monkeypatch):
    """Past and current notices, photos with and without a file, more meetings
    than shown, an honour that names more compounds than shown, a property
    company, lanes, funding."""
    now = timezone.now()
    estate = EstateFactory(
        property_company=PropertyCompanyFactory(phone="0392-1234567"),
        description_zh_hans="说明",
        year_built=1990,
    )
    for number, status in enumerate(
        (StepStatus.DONE, StepStatus.IN_PROGRESS, StepStatus.PENDING), start=1
    ):
        StepFactory(estate=estate, status=status, template__number=number)
    WorksItemFactory(estate=estate)
    FundingFactory(estate=estate, amount_yuan="1234567.89")
    FundingFactory(estate=estate, source=FundingSource.RESIDENTS, amount_yuan=None)
    PhotoFactory(estate=estate, kind=PhotoKind.AFTER, image="photos/after.jpg")
    PhotoFactory(estate=estate, kind=PhotoKind.BEFORE)  # no file: not shown
    NoticeFactory(estate=estate, ends_at=now - datetime.timedelta(hours=1))
    NoticeFactory(estate=estate, ends_at=now + datetime.timedelta(days=2))
    NoticeFactory(estate=estate, ends_at=None)
    others = [EstateFactory(community=estate.community) for _ in range(8)]
    HonourFactory(estates=[estate, *others], year=2023)
    HonourFactory(estates=[estate])
    council = CouncilFactory(community=estate.community, estates=[estate])
    for day in range(1, 6):
        MeetingFactory(council=council, held_on=datetime.date(2024, 3, day))
    MeetingFactory(
        council=council, held_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    CouncilFactory(community=estate.community, estates=[estate, others[0]])
    LaneFactory(estates=[estate])

    _both_ways(client, monkeypatch, _paths([estate, others[0]]))


def test_an_unknown_compound_is_not_found(client):
    assert client.get("/estates/no-such-compound/").status_code == 404


def test_a_marker_that_is_not_used_once_is_refused():
    query = prepared.Prepared(
        lambda estate_id: Estate.objects.filter(pk=estate_id, id=estate_id).values_list(
            "slug"
        ),
        estate_id=prepared.ID,
    )

    with pytest.raises(ValueError, match="found 2 times"):
        query.rows(estate_id=1)


def test_a_prepared_query_runs_again_with_new_values():
    first, second = EstateFactory(), EstateFactory()
    query = prepared.Prepared(
        lambda estate_id: Estate.objects.filter(pk=estate_id).values_list(
            "slug", "created_at"
        ),
        estate_id=prepared.ID,
    )

    assert query.rows(estate_id=first.pk)[0][0] == first.slug
    slug, created = query.rows(estate_id=second.pk)[0]
    assert slug == second.slug
    # Converted as the ORM converts it (on SQLite, from text).
    assert created == Estate.objects.get(pk=second.pk).created_at


def test_the_api_answers_the_same_for_every_compound_of_the_source_data(
    client, monkeypatch
):
    from rest_framework.generics import GenericAPIView

    from estates.api.views import EstateViewSet

    call_command("load_source_data", verbosity=0)
    paths = [
        f"/api/v1/estates/{slug}/{query}"
        for slug in Estate.objects.order_by("pk").values_list("slug", flat=True)
        for query in ("", "?lang=en")
    ]
    fast = {path: client.get(path) for path in paths}
    monkeypatch.setattr(EstateViewSet, "get_object", GenericAPIView.get_object)
    for path in paths:
        slow = client.get(path)
        assert fast[path].status_code == slow.status_code == 200, path
        assert fast[path].json() == slow.json(), path
        assert fast[path]["Last-Modified"] == slow["Last-Modified"], path
        assert fast[path]["ETag"] == slow["ETag"], path
    assert client.get("/api/v1/estates/no-such-compound/").status_code == 404


def test_a_record_is_made_as_the_orm_makes_it(django_assert_num_queries):
    estate = EstateFactory(description_zh_hans="一段说明")
    photo = PhotoFactory(estate=estate, image="photos/made.jpg")
    for model, obj in ((Estate, estate), (type(photo), photo)):
        names = prepared.attnames(model, exclude=("created_at",))
        row = model.objects.filter(pk=obj.pk).values_list(*names).get()
        made = prepared.instances(model, names, [row])[0]
        orm = model.from_db("default", names, row)

        assert {k: v for k, v in made.__dict__.items() if k != "_state"} == {
            k: v for k, v in orm.__dict__.items() if k != "_state"
        }
        assert (made._state.adding, made._state.db) == (False, "default")
        assert made.get_deferred_fields() == orm.get_deferred_fields() == {"created_at"}
        # A field left out is read on access, as the ORM's deferred fields are.
        with django_assert_num_queries(1):
            assert made.created_at == obj.created_at
    # post_init was sent: the file clean-up remembers the photo's files.
    assert made._stored_files["image"] == photo.image.name != ""


def test_a_record_made_while_a_page_renders_tags_it():
    from renovation_portal import page_cache

    estate = EstateFactory()
    names = prepared.attnames(Estate)
    row = Estate.objects.filter(pk=estate.pk).values_list(*names).get()
    with page_cache.collecting() as tags:
        prepared.record(Estate, names, row)
    assert page_cache.record_tag(estate) in tags
