"""count_each: several counts in one query."""

import pytest

from estates.models import Estate, Facility
from renovation_portal.counting import count_each
from tests.estates.factories import EstateFactory

pytestmark = pytest.mark.django_db


def test_counts_each_queryset_in_one_query(django_assert_num_queries):
    EstateFactory.create_batch(3)
    EstateFactory(name_en="Lakeside")
    with django_assert_num_queries(1):
        counts = count_each(
            {
                "estates": Estate.objects.all(),
                "english": Estate.objects.exclude(name_en=""),
                "facilities": Facility.objects.all(),
            }
        )
    assert counts == {"estates": 4, "english": 1, "facilities": 0}


def test_counts_nothing_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert count_each({}) == {}
