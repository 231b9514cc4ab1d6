"""Pages for the themed lanes and the events, and the events' iCalendar feed."""

from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from estates.selectors.programmes import (
    programme_area_q,
    programme_choice,
    programme_from_request,
)
from renovation_portal import maps, page_cache
from renovation_portal.pagination import CappedPaginator

from . import selectors
from .calendar import schedule, schedules
from .feed import calendar_stream, feed_events


class ProgrammeAreaMixin:
    """``?programme=<slug>`` narrows the list to one programme's area."""

    def get(self, request, *args, **kwargs):
        self.programme = programme_from_request(request)
        return super().get(request, *args, **kwargs)

    def in_area(self, queryset):
        if self.programme is None:
            return queryset
        return queryset.filter(programme_area_q(self.programme))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programme"] = self.programme
        return context


class ForgivingPagination:
    """A page number past the end shows the last page, a garbled one the first."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


LANES_PER_PAGE = 20


class LaneListView(ForgivingPagination, ProgrammeAreaMixin, ListView):
    """The themed lanes by name, a page at a time (issue 17, item 4)."""

    template_name = "lanes/lane_list.html"
    context_object_name = "lanes"
    paginate_by = LANES_PER_PAGE
    paginator_class = CappedPaginator

    def get_queryset(self):
        return self.in_area(selectors.lane_list().order_by("name_zh_hans", "pk"))


class LaneDetailView(DetailView):
    template_name = "lanes/lane_detail.html"
    context_object_name = "lane"

    def get_queryset(self):
        return selectors.lane_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upcoming, _past = schedules(
            self.object.events.all(), today=timezone.localdate()
        )
        context["upcoming"] = upcoming
        page_cache.shows_children_of(self.object)
        return context


EVENTS_PER_PAGE = 20
PAST_EVENTS = 10


class EventListView(ForgivingPagination, ProgrammeAreaMixin, ListView):
    """The events still to come, soonest first, a page at a time; on the first
    page, the few that ended last. Never every event of the country: each
    page reads at most ``EVENTS_PER_PAGE`` + ``PAST_EVENTS`` rows (issue 17)."""

    template_name = "events/event_list.html"
    context_object_name = "events"
    paginate_by = EVENTS_PER_PAGE
    paginator_class = CappedPaginator

    def get_queryset(self):
        self.today = timezone.localdate()
        return self.in_area(
            selectors.events_upcoming(today=self.today).select_related("subdistrict")
        )

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(
            queryset, page_size
        )
        # The page's events are found on the event table alone, then read
        # with the subdistrict, lane and facility they show: ordering every
        # event of the country joined to those took most of the page's time
        # (18 ms of its database time at 10,000 events; issue 17, item 4).
        ids = list(rows.values_list("pk", flat=True))
        page.object_list = list(queryset.filter(pk__in=ids)) if ids else []
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["upcoming"] = [
            schedule(event, today=self.today) for event in context["events"]
        ]
        context["past"] = []
        if page.number == 1:
            context["past"] = [
                schedule(event, today=self.today)
                for event in self.in_area(selectors.events_past(today=self.today))[
                    :PAST_EVENTS
                ]
            ]
        if self.programme is None:
            context["choice"] = programme_choice(self.request)
        context["tile_map"] = events_map(item.event for item in context["upcoming"])
        # Each subdistrict's own calendar, for the events on this page.
        subdistricts = {
            e.subdistrict_id: e.subdistrict
            for e in context["events"]
            if e.subdistrict_id is not None
        }
        if len(subdistricts) > 1:
            context["feed_subdistricts"] = sorted(
                subdistricts.values(), key=lambda s: s.name_zh_hans
            )
        return context


def events_map(events) -> dict | None:
    """The map of this page's events' places (their lane or facility, where
    it has coordinates; read with the events), or None without tiles or
    without a located place. The map opens on them and marks them; the event
    cards name the same places."""
    located = {}
    for event in events:
        for kind, place in (("lane", event.lane), ("facility", event.facility)):
            if place is not None and place.latitude is not None:
                located[f"{kind}:{place.slug}"] = (
                    float(place.latitude),
                    float(place.longitude),
                )
    if not located:
        return None
    return maps.tile_map(
        "events-map",
        points=list(located.values()),
        focus_places=" ".join(sorted(located)),
    )


@require_GET
def event_feed(request):
    """The events as iCalendar, streamed and bounded (``lanes.feed``);
    ``?subdistrict=<slug>`` gives one subdistrict's events."""
    events = selectors.event_list()
    slug = request.GET.get("subdistrict")
    if slug is not None:
        subdistrict = selectors.subdistrict_with_events(slug)
        if subdistrict is None:
            raise Http404(gettext("There is no subdistrict at this address."))
        events = events.filter(subdistrict=subdistrict)
    today = timezone.localdate()
    chunks = calendar_stream(
        # At most FEED_LIMIT rows, read here: the database is not touched
        # while the text is sent.
        list(feed_events(events, today=today)),
        today=today,
        now=timezone.now(),
        page_url=request.build_absolute_uri(reverse("lanes:event-list")),
    )
    response = StreamingHttpResponse(
        chunks, content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response
