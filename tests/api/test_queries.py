"""Constant queries: the same bound at 1 and at 50 rows, lists and details."""

import pytest

from tests.estates import factories as ef
from tests.governance import factories as gf
from tests.lanes import factories as lf

from .resources import RESOURCES, detail_url, make

pytestmark = pytest.mark.django_db

# Count and page, plus one per prefetched relation; the estate detail prefetches
# the most (steps, works, photos, notices, honours, councils and their meetings,
# lanes; its funding comes with its own row) and adds one for its satisfaction
# survey's aggregates.
LIST_QUERIES = 3
DETAIL_QUERIES = 10


def rich(resource: str, n: int) -> None:
    """``n`` records of ``resource``, each with the relations its list shows."""
    for _ in range(n):
        if resource == "estates":
            estate = ef.EstateFactory(
                property_company=ef.PropertyCompanyFactory(),
                courtyard=ef.MergedCourtyardFactory(),
            )
            lf.LaneFactory(estates=[estate])
        elif resource == "lanes":
            lf.LaneHonourFactory()
        elif resource == "councils":
            gf.MeetingFactory()
        elif resource == "organisations":
            gf.OrganisationFactory(parent=gf.OrganisationFactory())
        elif resource == "events":
            lf.EventFactory(lane=lf.LaneFactory(), facility=ef.FacilityFactory())
        else:
            make(resource)


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_list_queries_do_not_grow(
    client, django_assert_max_num_queries, resource, rows
):
    rich(resource, rows)

    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(f"/api/v1/{resource}/?page_size=50")


def estate_with(children: int):
    estate = ef.EstateFactory(
        property_company=ef.PropertyCompanyFactory(),
        courtyard=ef.MergedCourtyardFactory(),
    )
    for _ in range(children):
        ef.StepFactory(estate=estate)
        ef.WorksItemFactory(estate=estate)
        ef.PhotoFactory(estate=estate, image="photos/test.jpg")
        ef.NoticeFactory(estate=estate)
        ef.HonourFactory(estates=[estate])
        lf.LaneFactory(estates=[estate])
        gf.MeetingFactory(council=gf.CouncilFactory(estates=[estate]))
    gf.SurveyResponseFactory.create_batch(
        children, survey=gf.SurveyFactory(estate=estate)
    )
    return estate


def lane_with(children: int):
    lane = lf.LaneFactory()
    for _ in range(children):
        lf.LaneFeatureFactory(lane=lane)
        lf.LaneTenantFactory(lane=lane)
        lf.LaneHonourFactory(lane=lane)
        lane.estates.add(ef.EstateFactory())
        lf.EventFactory(lane=lane, facility=ef.FacilityFactory())
    return lane


def community_with(children: int):
    community = ef.CommunityFactory()
    categories = [c for c, _label in ef.models.ChecklistCategory.choices]
    for i in range(children):
        if i < len(categories):
            ef.CommunityChecklistItemFactory(
                community=community, category=categories[i]
            )
        gf.MeetingFactory(council=gf.CouncilFactory(community=community))
    return community


def courtyard_with(children: int):
    courtyard = ef.MergedCourtyardFactory()
    for _ in range(children):
        ef.EstateFactory(courtyard=courtyard)
        ef.FacilityFactory(courtyard=courtyard)
    return courtyard


DETAILS = {
    "estates": estate_with,
    "lanes": lane_with,
    "communities": community_with,
    "courtyards": courtyard_with,
}


@pytest.mark.parametrize("children", [1, 50])
@pytest.mark.parametrize("resource", list(DETAILS))
def test_detail_queries_do_not_grow(
    client, django_assert_max_num_queries, resource, children
):
    record = DETAILS[resource](children)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(detail_url(resource, record))

    assert response.status_code == 200
