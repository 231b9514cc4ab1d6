"""No lost updates: the second of two clerks to save is told, and nothing is
overwritten (issue 6, item 3)."""

from http import HTTPStatus

import pytest
from django.db import transaction
from django.db.models import F
from django.db.models.signals import pre_save
from django.urls import reverse

from estates.models import Estate
from renovation_portal.models import StaleRecordError
from staff.roles import COMMUNITY_STAFF
from tests.estates.factories import EstateFactory
from tests.site.test_admin import form_data, speaking
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(areas):
    return EstateFactory(community=areas[0].community, name_zh_hans="测试原名小区")


@pytest.fixture
def two_clerks(django_user_model, areas):
    from django.test import Client

    inside, _outside = areas
    clients = []
    for username in ("clerk-a", "clerk-b"):
        client = Client()
        client.force_login(
            staff_user(django_user_model, COMMUNITY_STAFF, inside, username=username)
        )
        clients.append(client)
    return clients


def _url(estate):
    return reverse("admin:estates_estate_change", args=[estate.pk])


def test_second_clerk_to_save_is_refused_and_the_first_clerks_data_stays(
    two_clerks, estate
):
    first, second = two_clerks
    first_data = form_data(first.get(_url(estate)))
    second_data = form_data(speaking(second, "en").get(_url(estate)))
    first_data["name_zh_hans"] = "测试甲改名"
    second_data["name_zh_hans"] = "测试乙改名"
    second_data["households"] = "120"

    saved = first.post(_url(estate), first_data)
    refused = second.post(_url(estate), second_data)

    assert saved.status_code == HTTPStatus.FOUND
    assert refused.status_code == HTTPStatus.OK
    assert "Someone else saved this record after you opened it" in refused.text
    # What the other clerk changed, with its stored value, and nothing else.
    message = refused.context["adminform"].form.non_field_errors()[0]
    assert "Name (Chinese): “测试甲改名”" in message
    assert "“2”" not in message
    estate.refresh_from_db()
    assert (estate.name_zh_hans, estate.households) == ("测试甲改名", None)


def test_refused_form_keeps_what_the_clerk_typed(two_clerks, estate):
    first, second = two_clerks
    first_data = form_data(first.get(_url(estate)))
    second_data = form_data(second.get(_url(estate)))
    second_data["name_zh_hans"] = "测试乙改名"
    first.post(_url(estate), first_data)

    refused = second.post(_url(estate), second_data)

    assert refused.context["adminform"].form["name_zh_hans"].value() == "测试乙改名"


def test_clerk_who_saves_again_after_the_warning_keeps_their_entry(two_clerks, estate):
    first, second = two_clerks
    first_data = form_data(first.get(_url(estate)))
    second_data = form_data(second.get(_url(estate)))
    first_data["name_zh_hans"] = "测试甲改名"
    second_data["name_zh_hans"] = "测试乙改名"
    first.post(_url(estate), first_data)
    refused = second.post(_url(estate), second_data)

    again = second.post(_url(estate), form_data(refused))

    assert again.status_code == HTTPStatus.FOUND
    estate.refresh_from_db()
    assert estate.name_zh_hans == "测试乙改名"


def test_stale_copy_of_a_record_cannot_be_saved(estate):
    mine = Estate.objects.get(pk=estate.pk)
    theirs = Estate.objects.get(pk=estate.pk)
    mine.name_zh_hans = "测试甲改名"
    mine.save()
    theirs.name_zh_hans = "测试乙改名"

    # As in the admin, the refused save is undone with its transaction.
    with pytest.raises(StaleRecordError), transaction.atomic():
        theirs.save()

    estate.refresh_from_db()
    assert (estate.name_zh_hans, estate.version) == ("测试甲改名", 2)
    assert theirs.version == 1


def test_each_save_counts_one_version(estate):
    estate.save()
    estate.save()

    estate.refresh_from_db()
    assert estate.version == 3


def test_bulk_writes_and_named_field_saves_still_work(areas):
    community = areas[0].community
    created = Estate.objects.bulk_create(
        [
            Estate(name_zh_hans=f"测试批量{n}", slug=f"bulk-{n}", community=community)
            for n in range(3)
        ]
    )
    for estate in created:
        estate.households = 10
    Estate.objects.bulk_update(created, ["households"])
    stale = Estate.objects.get(pk=created[0].pk)
    Estate.objects.filter(pk=stale.pk).update(buildings=2)
    stale.buildings = 3
    stale.save(update_fields=["buildings"])

    assert (
        list(
            Estate.objects.filter(pk__in=[e.pk for e in created]).values_list(
                "households", "version"
            )
        )
        == [(10, 1)] * 3
    )
    assert Estate.objects.get(pk=stale.pk).buildings == 3


def test_save_racing_another_at_the_same_moment_is_undone_and_told(two_clerks, estate):
    first, _second = two_clerks
    data = form_data(first.get(_url(estate)))
    data["name_zh_hans"] = "测试甲改名"
    data["households"] = "77"

    def someone_else_saves(sender, instance, **kwargs):
        # Between the form's check and the UPDATE.
        if instance.pk == estate.pk:
            Estate.objects.filter(pk=estate.pk).update(version=F("version") + 1)

    pre_save.connect(someone_else_saves, sender=Estate, weak=False)
    try:
        response = speaking(first, "en").post(_url(estate), data, follow=True)
    finally:
        pre_save.disconnect(someone_else_saves, sender=Estate)

    assert "Someone else saved this record at the same moment" in response.text
    estate.refresh_from_db()
    assert (estate.name_zh_hans, estate.households) == ("测试原名小区", None)
