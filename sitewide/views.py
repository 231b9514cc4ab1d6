"""The home page, which draws on every app.

They live in the site-level app, which sits above the others: it may import
every app, and no app imports it (tests/site/test_layers.py).
"""

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from estates import selectors as estate_selectors
from estates.models import Estate, Facility, MergedCourtyard, Stage
from estates.selectors import programmes as programme_selectors
from governance import selectors as governance_selectors
from governance.models import Award, Council, Organisation
from lanes import calendar
from lanes import selectors as lane_selectors
from renovation_portal import maps, page_cache
from renovation_portal.counting import count_each
from renovation_portal.templatetags.portal import place_map
from renovation_portal.translation import is_fallback

WHATS_NEW = 6
COMING_EVENTS = 4
# The home page shows the first programmes (by their position); the rest are
# on /programmes/.
HOME_PROGRAMMES = 6
# The home map's programme menu holds this many; with more, it is not shown.
MAP_PROGRAMME_MENU = 40
HOME_PANEL_FIGURES = 2
HOME_LANES = 8


@dataclass
class NewsItem:
    """One piece of news: what happened (``kind``), to what, and when."""

    kind: str  # "stage", "notice" or "meeting"
    obj: object
    url: str
    date: datetime.date


@dataclass
class ComingEvent:
    event: object
    url: str
    date: datetime.date


def _register_counts() -> dict[str, int]:
    """Every count the home page and the case study show, in one query, made
    at most once per data change (exact counts over every compound are
    costly at scale): kept under the page cache's ``any`` tag, which every
    clerk's save or delete bumps, so a staff edit shows at once."""
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


def kept_stage_counts() -> dict:
    """Compounds per stage over the whole country, counted at most once per
    data change (page_cache.per_generation): the home page and the API's
    stats show the same figure."""
    return page_cache.per_generation(
        "estate-stage-counts", estate_selectors.estate_stage_counts
    )


def _stage_rows() -> list[dict]:
    counts = kept_stage_counts()
    stages = [*Stage.choices, (None, _("Stage not disclosed"))]
    return [
        {"key": stage or "unknown", "label": label, "count": counts[stage]}
        for stage, label in stages
    ]


def _whats_new(today: datetime.date) -> dict:
    """What a resident would call news (issue 16, item 6): a compound whose
    steps reached a new stage, a construction notice posted, a council
    meeting held (the latest first), and the events coming (the soonest
    first) — never the day data was loaded. Five queries, kept per
    generation and day like the counts."""

    def compute() -> dict:
        items = [
            NewsItem(
                "stage", estate, estate.get_absolute_url(), estate.stage_reached_on
            )
            for estate in estate_selectors.stages_recently_reached(limit=WHATS_NEW)
        ]
        items += [
            NewsItem(
                "notice",
                notice,
                f"{notice.estate.get_absolute_url()}#notices",
                timezone.localdate(notice.created_at),
            )
            for notice in estate_selectors.notices_recently_posted(limit=WHATS_NEW)
        ]
        items += [
            NewsItem("meeting", meeting, _meeting_url(meeting), meeting.held_on)
            for meeting in governance_selectors.meetings_recently_held(
                limit=WHATS_NEW, today=today
            )
        ]
        items.sort(key=lambda item: item.date, reverse=True)
        events_url = reverse("lanes:event-list")
        coming = []
        for event in lane_selectors.events_coming(limit=COMING_EVENTS, today=today):
            item = calendar.schedule(event, today=today)
            if item.next_date is not None:
                coming.append(
                    ComingEvent(event, f"{events_url}#{event.slug}", item.next_date)
                )
        coming.sort(key=lambda item: (item.date, item.event.title_zh_hans))
        return {"news": items[:WHATS_NEW], "coming": coming[:COMING_EVENTS]}

    return page_cache.per_generation(f"whats-new:{today.isoformat()}", compute)


def _meeting_url(meeting) -> str:
    """Where a meeting's council is shown: its merged courtyard's page, its
    community's, or the governance page for a subdistrict's council."""
    council = meeting.council
    if council.courtyard_id:
        return council.courtyard.get_absolute_url()
    if council.community_id:
        return council.community.get_absolute_url()
    return reverse("governance:governance")


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


def _map_programmes() -> tuple[list[tuple[str, str, bool]], bool]:
    """The home map's programme menu in the lists' order (slug, short name,
    whether that name is Chinese for want of English), and whether there are
    more than it holds (then it is not shown: each programme's page maps its
    own compounds). One query, made only when the map is drawn (once per
    generation)."""
    found = list(
        programme_selectors.programme_list().select_related(None)[
            : MAP_PROGRAMME_MENU + 1
        ]
    )
    more = len(found) > MAP_PROGRAMME_MENU
    menu = []
    for programme in found:
        field = "short_name" if programme.short_name else "name"
        menu.append(
            (
                programme.slug,
                getattr(programme, field),
                is_fallback(programme, field),
            )
        )
    return menu, more


def _home_map(counts: dict[str, int], lanes: list) -> str:
    """The home page's map, drawn once per generation and language (kept like
    the counts: page_cache.per_generation). Its 300 points took 17 ms to draw
    and a query to find, on every uncached home page (issue 7: home p95
    <= 50 ms uncached)."""

    def draw() -> str:
        layers = _map_layers(counts, lanes)
        # Only the tile map has menus; the offline plan shows every place.
        programmes, more = _map_programmes() if maps.tiles_configured() else ([], False)
        return render_to_string(
            "includes/site_map.html",
            place_map(
                layers,
                "home-map",
                Stage.choices,
                programmes=programmes,
                more_programmes=more,
            ),
        )

    # Drawn differently with tiles (the tile map) or without (the plan).
    kind = "tiles" if maps.tiles_configured() else "plan"
    return page_cache.per_generation(f"home-map:{kind}:{get_language()}", draw)


class HomeView(TemplateView):
    """Find your compound first; then the programmes, where the register's
    compounds stand, the lanes, the map and what is new.

    An instance that carries one programme shows that programme's figures and
    the pillars of its model here too; with several, each programme leads to
    its own pages."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stages = _stage_rows()
        counts = _register_counts()
        # The home page shows no honours: the case study's prefetch is dropped.
        lanes = list(
            lane_selectors.lanes_overview().prefetch_related(None)[: HOME_LANES + 1]
        )
        context.update(
            stages=stages,
            compounds_recorded=sum(row["count"] for row in stages),
            lanes=lanes[:HOME_LANES],
            more_lanes=len(lanes) > HOME_LANES,
            **_whats_new(timezone.localdate()),
            home_map=_home_map(counts, lanes),
            home_map_tiles=maps.tiles_configured(),
            **_programmes_overview(),
        )
        return context


def _programmes_overview() -> dict:
    """The first programmes with their headline figures (three queries); for
    an instance with one programme, its pillars too."""
    programmes = list(
        programme_selectors.programme_with_counts()[: HOME_PROGRAMMES + 1]
    )
    shown = programmes[:HOME_PROGRAMMES]
    figures = programme_selectors.comparison_figures(shown)
    cards = [
        {
            "programme": programme,
            "headline": programme_selectors.headline_figures(figures[programme.pk])[:3],
        }
        for programme in shown
    ]
    only = shown[0] if len(programmes) == 1 else None
    pillars = []
    if only is not None:
        index = programme_selectors.figures_by_key(figures[only.pk])
        pillars = [
            {
                "pillar": pillar,
                "figures": programme_selectors.pick(
                    index, pillar.figure_key_list[:HOME_PANEL_FIGURES]
                ),
            }
            for pillar in only.pillars.order_by("position", "key")
        ]
    return {
        "programme_cards": cards,
        "more_programmes": len(programmes) > HOME_PROGRAMMES,
        "only_programme": only,
        "pillars": pillars,
    }
