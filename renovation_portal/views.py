"""Site-wide pages that draw on every app: home, case study, elder mode.

They live in the project package because, like urls.py, they wire the apps
together; the apps themselves never import each other this way.
"""

import datetime
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView
from django.views.i18n import set_language as django_set_language

from estates import selectors as estate_selectors
from estates.models import Estate, Facility, MergedCourtyard, Stage
from governance import selectors as governance_selectors
from governance.models import Award, Council, Integration, Organisation
from lanes import selectors as lane_selectors
from renovation_portal import page_cache
from renovation_portal.context_processors import ELDER_MODE_COOKIE
from renovation_portal.counting import count_each
from renovation_portal.templatetags.portal import place_map

ELDER_MODE_COOKIE_AGE = 365 * 24 * 60 * 60  # a year, in seconds
WHATS_NEW = 6
HOME_PANEL_FACTS = 2

HEADLINE_FACTS = (
    "compounds-renovated",
    "floor-area-renovated",
    "households-benefiting",
)
GLANCE_FACTS = (*HEADLINE_FACTS, "property-management-coverage")
APPROACH_FACTS = ("task-forces",)
STAGE_FACTS = ("implementation-stages", "operating-steps")
PARTICIPATION_FACTS = ("suggestions-collected", "problems-collected")
LANE_FACTS = ("remarkable-lane-stories",)

# The programme figures that tell each of the Four Integrations, the most
# telling first: the home page's short panels show the first few, the case
# study all of them (grouped as in the source report, FACTS.md).
INTEGRATION_FACTS = {
    Integration.BUILDINGS: (
        "compounds-merged",
        "internal-roads-opened",
        "buildings-in-merging",
        "households-in-merging",
        "walls-removed",
        "space-gained",
        "parking-spaces-added",
        "ev-charging-points",
        "smart-security-compounds",
        "smart-security-rate",
        "cables-buried-depth",
        "overhead-cables-cleared",
        "lights-replaced",
        "rain-sewage-pipes",
        "green-area-added",
        "culture-corridors",
        "wall-paintings-area",
    ),
    Integration.ORGANISATIONS: ("property-management-coverage", "task-forces"),
    Integration.SERVICES: (
        "neighbourhood-centres",
        "day-care-centres",
        "comprehensive-elderly-care-centres",
        "people-served-by-centres",
        "volunteer-sub-teams",
        "volunteers",
        "volunteer-activities",
    ),
    Integration.HEARTS: (
        "council-communities",
        "disputes-mediated",
        "party-community-centre-area",
    ),
}
INTEGRATION_SUMMARIES = {
    Integration.BUILDINGS: _(
        "Small compounds merged into large ones: walls removed, roads opened, "
        "and the space gained put to use."
    ),
    Integration.ORGANISATIONS: _(
        "Joint Party branches, Red property management with its three meetings "
        "in one, and utilities called in through the three lists."
    ),
    Integration.SERVICES: _(
        "Neighbourhood centres, elderly care and day care within a 15-minute "
        "living circle, and volunteer teams."
    ),
    Integration.HEARTS: _(
        "Residents' councils at three levels, dispute mediation and awards "
        "for harmonious buildings, families and residents."
    ),
}


@dataclass
class Panel:
    """One of the Four Integrations with its live figures."""

    key: str
    label: str
    summary: str
    facts: list
    records: list[tuple[str, int]] = field(default_factory=list)
    practices: list = field(default_factory=list)


@dataclass
class NewsItem:
    kind: str  # "estate", "notice" or "event"
    obj: object
    url: str
    updated: datetime.datetime


def _pick(facts: dict, keys) -> list:
    return [facts[key] for key in keys if key in facts]


def _sources(facts) -> list[str]:
    return list(dict.fromkeys(fact.source for fact in facts if fact.source))


def _register_counts() -> dict[str, int]:
    """Every count the home page and the case study show, in one query, made
    at most once per data change (exact counts over every compound are
    costly at scale): kept under the page cache's generation, which every
    portal save or delete bumps, so a staff edit shows at once."""
    return page_cache.per_generation("register-counts", _count_registers)


def _count_registers() -> dict[str, int]:
    return count_each(
        {
            "courtyards": MergedCourtyard.objects.all(),
            "facilities": Facility.objects.all(),
            "organisations": Organisation.objects.all(),
            "councils": Council.objects.all(),
            "awards": Award.objects.all(),
            "estates_unlocated": Estate.objects.exclude(estate_selectors.LOCATED),
            "facilities_unlocated": Facility.objects.exclude(estate_selectors.LOCATED),
        }
    )


def _integration_panels(
    facts: dict, counts: dict[str, int], *, limit: int | None = None
) -> list[Panel]:
    records = {
        Integration.BUILDINGS: [
            (_("Merged courtyards in the register"), counts["courtyards"])
        ],
        Integration.ORGANISATIONS: [
            (_("Organisations in the register"), counts["organisations"])
        ],
        Integration.SERVICES: [(_("Facilities in the register"), counts["facilities"])],
        Integration.HEARTS: [
            (_("Councils in the register"), counts["councils"]),
            (_("Awards in the register"), counts["awards"]),
        ],
    }
    practices = {
        group.key: group.items
        for group in governance_selectors.practices_by_integration()
    }
    return [
        Panel(
            key=key,
            label=label,
            summary=INTEGRATION_SUMMARIES[key],
            facts=_pick(facts, INTEGRATION_FACTS[key][:limit]),
            records=records[key],
            practices=practices.get(key, []),
        )
        for key, label in Integration.choices
    ]


def _stage_rows() -> list[dict]:
    counts = page_cache.per_generation(
        "estate-stage-counts", estate_selectors.estate_stage_counts
    )
    stages = [*Stage.choices, (None, _("Stage not disclosed"))]
    return [
        {"key": stage or "unknown", "label": label, "count": counts[stage]}
        for stage, label in stages
    ]


def _whats_new() -> list[NewsItem]:
    events_url = reverse("lanes:event-list")
    items = [
        NewsItem("estate", estate, estate.get_absolute_url(), estate.updated_at)
        for estate in estate_selectors.estates_recently_updated(limit=WHATS_NEW)
    ]
    items += [
        NewsItem("notice", notice, notice.estate.get_absolute_url(), notice.updated_at)
        for notice in estate_selectors.notices_recently_updated(limit=WHATS_NEW)
    ]
    items += [
        NewsItem("event", event, f"{events_url}#{event.slug}", event.updated_at)
        for event in lane_selectors.events_recently_updated(limit=WHATS_NEW)
    ]
    items.sort(key=lambda item: item.updated, reverse=True)
    return items[:WHATS_NEW]


def _map_layers(counts: dict[str, int], lanes: list) -> list[tuple[str, object]]:
    """The map's three layers. Lanes come from the page's own list of lanes
    (in name order already), the counts of places without coordinates from
    :func:`_register_counts`: no query of their own."""
    layers = []
    for kind, model, fields, unlocated in (
        ("estate", Estate, estate_selectors.ESTATE_MAP_FIELDS, "estates_unlocated"),
        (
            "facility",
            Facility,
            estate_selectors.FACILITY_MAP_FIELDS,
            "facilities_unlocated",
        ),
    ):
        places, more = estate_selectors.located_places(
            model.objects.all(), fields=fields
        )
        layers.append(
            (
                kind,
                estate_selectors.Located(
                    places=places, more=more, unlocated=counts[unlocated]
                ),
            )
        )
    located_lanes = [
        lane
        for lane in lanes
        if lane.latitude is not None and lane.longitude is not None
    ]
    limit = estate_selectors.MAP_PLACES_LIMIT
    layers.append(
        (
            "lane",
            estate_selectors.Located(
                places=located_lanes[:limit],
                more=len(located_lanes) > limit,
                unlocated=len(lanes) - len(located_lanes),
            ),
        )
    )
    return layers


def _home_map(counts: dict[str, int], lanes: list) -> str:
    """The home page's map, drawn once per generation and language (kept like
    the counts: page_cache.per_generation). Its 300 points took 17 ms to draw
    and a query to find, on every uncached home page (issue 7: home p95
    <= 50 ms uncached)."""

    def draw() -> str:
        layers = _map_layers(counts, lanes)
        return render_to_string("includes/site_map.html", place_map(layers, "home-map"))

    return page_cache.per_generation(f"home-map:{get_language()}", draw)


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        facts = estate_selectors.programme_fact_index()
        headline = _pick(facts, HEADLINE_FACTS)
        stages = _stage_rows()
        counts = _register_counts()
        # The home page shows no honours: the case study's prefetch is dropped.
        lanes = list(lane_selectors.lanes_overview().prefetch_related(None))
        context.update(
            headline=headline,
            sources=_sources(headline),
            compounds_target=facts.get("compounds-renovated"),
            compounds_recorded=sum(row["count"] for row in stages),
            stages=stages,
            panels=_integration_panels(facts, counts, limit=HOME_PANEL_FACTS),
            lanes=lanes,
            whats_new=_whats_new(),
            home_map=_home_map(counts, lanes),
        )
        return context


class CaseStudyView(TemplateView):
    """The programme told for another city's officials, printable on A4."""

    template_name = "case_study.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        all_facts = list(estate_selectors.programme_facts())
        facts = estate_selectors.programme_fact_index(all_facts)
        steps = estate_selectors.default_procedure_step_counts()
        stages = _stage_rows()
        context.update(
            facts={key.replace("-", "_"): fact for key, fact in facts.items()},
            glance=_pick(facts, GLANCE_FACTS),
            approach_facts=_pick(facts, APPROACH_FACTS),
            stage_facts=_pick(facts, STAGE_FACTS),
            participation_facts=_pick(facts, PARTICIPATION_FACTS),
            lane_facts=_pick(facts, LANE_FACTS),
            sources=_sources(all_facts),
            stages=stages,
            compounds_recorded=sum(row["count"] for row in stages),
            procedure=[
                {"label": label, "count": steps[stage]}
                for stage, label in Stage.choices
            ],
            procedure_total=sum(steps.values()),
            panels=_integration_panels(facts, _register_counts()),
            lanes=lane_selectors.lanes_overview(),
            undisclosed=[fact for fact in all_facts if fact.value is None],
        )
        return context


def preference_post(view):
    """A POST that only sets one of the visitor's own preference cookies
    (language, elder mode), checked by its Origin instead of a CSRF token.

    Every page carries these two forms; a per-visitor token in them would make
    every page different for every visitor and no page could be cached
    (renovation_portal/page_cache.py). Browsers send ``Origin`` with every
    cross-site POST, so a form on another site is still refused; a request
    without it (a script, not a browser acting for someone) can only change its
    own cookies. Nothing else is exempt from CSRF.
    https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Origin
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        origin = request.META.get("HTTP_ORIGIN")
        if origin is not None:
            own = f"{request.scheme}://{request.get_host()}"
            if origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS:
                return HttpResponseForbidden(
                    gettext("This form was sent from another site.")
                )
        return view(request, *args, **kwargs)

    return csrf_exempt(require_POST(wrapped))


# Django's view, with the Origin check instead of the token.
set_language = preference_post(django_set_language)


@preference_post
def elder_mode(request):
    """Turn elder mode (large text, simple layout) on or off for this browser,
    then go back to the page the visitor was on."""
    on = request.POST.get("elder_mode") == "1"
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        ELDER_MODE_COOKIE,
        "1" if on else "0",
        max_age=ELDER_MODE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


ROBOTS_TXT = """\
User-agent: *
Disallow: /i18n/
Disallow: /elder-mode/
"""


@require_GET
def robots_txt(request):
    """Every page may be indexed; the two preference forms' targets are not
    pages. The admin's address is not named: it is moved to stay unlisted."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")
