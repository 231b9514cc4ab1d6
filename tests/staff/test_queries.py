"""A scoped change list runs the same number of queries at 1 and at 50 rows."""

import pytest
from django.urls import reverse

from staff.roles import COMMUNITY_STAFF
from tests.estates.factories import EstateFactory, PropertyCompanyFactory, StepFactory
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db

# Measured: 15 at 1 and at 50 rows. The superuser's 12 (tests/site/test_admin.py)
# plus the assignment and its lists of places; the related list filters read
# their values from the clerk's rows instead of the whole related table.
# One more than before two-factor: the admin asks whether the user has a device;
# one more since assignments name districts too (issue 15).
SCOPED_ESTATE_CHANGELIST_MAX_QUERIES = 17


@pytest.mark.parametrize("rows", [1, 50])
def test_scoped_estate_changelist_runs_a_fixed_number_of_queries(
    client, django_user_model, areas, django_assert_max_num_queries, rows
):
    inside, _outside = areas
    client.force_login(staff_user(django_user_model, COMMUNITY_STAFF, inside))
    company = PropertyCompanyFactory()
    for estate in EstateFactory.create_batch(
        rows, community=inside.community, property_company=company
    ):
        StepFactory(estate=estate)

    with django_assert_max_num_queries(SCOPED_ESTATE_CHANGELIST_MAX_QUERIES):
        response = client.get(reverse("admin:estates_estate_changelist"))

    assert len(response.context["cl"].result_list) == rows + 1
