"""A compound's search grams go with it, whichever way it is deleted.

The grams' foreign key has no database constraint (issue 7: its checks were a
fifth of a large import), so nothing but the deleting code removes them.
"""

import pytest
from django.urls import reverse

from estates.models import Estate, EstateSearchGram
from tests.estates.factories import EstateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate():
    estate = EstateFactory(name_zh_hans="九大院", address_zh_hans="人民路1号")
    assert EstateSearchGram.objects.filter(estate_id=estate.pk).exists()
    return estate


def test_deleting_a_compound_deletes_its_grams(estate):
    pk = estate.pk

    estate.delete()

    assert not EstateSearchGram.objects.filter(estate_id=pk).exists()


def test_deleting_compounds_in_bulk_deletes_their_grams(estate):
    pk = estate.pk

    Estate.objects.filter(pk=pk).delete()

    assert not EstateSearchGram.objects.filter(estate_id=pk).exists()


def test_deleting_a_compound_in_the_admin_deletes_its_grams(admin_client, estate):
    pk = estate.pk

    admin_client.post(
        reverse("admin:estates_estate_delete", args=[pk]), {"post": "yes"}
    )

    assert not Estate.objects.filter(pk=pk).exists()
    assert not EstateSearchGram.objects.filter(estate_id=pk).exists()
