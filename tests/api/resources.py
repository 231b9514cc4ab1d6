"""One record of each API resource, made by the apps' test factories."""

from tests.estates import factories as estate_factories
from tests.governance import factories as governance_factories
from tests.lanes import factories as lane_factories

# resource → (factory, translated field shown in lists, lookup attribute)
RESOURCES = {
    "estates": (estate_factories.EstateFactory, "name", "slug"),
    "communities": (estate_factories.CommunityFactory, "name", "slug"),
    "courtyards": (estate_factories.MergedCourtyardFactory, "name", "slug"),
    "lanes": (lane_factories.LaneFactory, "name", "slug"),
    "events": (lane_factories.EventFactory, "title", "slug"),
    "councils": (governance_factories.CouncilFactory, "name", "slug"),
    "meetings": (governance_factories.MeetingFactory, "title", "pk"),
    "organisations": (governance_factories.OrganisationFactory, "name", "slug"),
    "facilities": (estate_factories.FacilityFactory, "name", "slug"),
    "notices": (estate_factories.NoticeFactory, "title", "pk"),
}


def make(resource: str, **kwargs):
    factory, _field, _lookup = RESOURCES[resource]
    return factory(**kwargs)


def detail_url(resource: str, record) -> str:
    _factory, _field, lookup = RESOURCES[resource]
    return f"/api/v1/{resource}/{getattr(record, lookup)}/"
