"""Pages for the themed lanes and the events, and the events' iCalendar feed."""

from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from estates.selectors.programmes import programme_area_q, programme_from_request
from renovation_portal import page_cache

from . import selectors
from .calendar import schedules
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


class LaneListView(ProgrammeAreaMixin, ListView):
    template_name = "lanes/lane_list.html"
    context_object_name = "lanes"

    def get_queryset(self):
        return self.in_area(selectors.lane_list())


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


FEED_LINKS_LIMIT = 30


class EventListView(ProgrammeAreaMixin, ListView):
    template_name = "events/event_list.html"
    context_object_name = "events"

    def get_queryset(self):
        return self.in_area(selectors.event_list().select_related("subdistrict"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upcoming, past = schedules(self.object_list, today=timezone.localdate())
        context["upcoming"] = upcoming
        context["past"] = past
        # Each subdistrict's own calendar, when there are a few to choose from.
        subdistricts = {e.subdistrict_id: e.subdistrict for e in self.object_list}
        if 1 < len(subdistricts) <= FEED_LINKS_LIMIT:
            context["feed_subdistricts"] = sorted(
                subdistricts.values(), key=lambda s: s.name_zh_hans
            )
        return context


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
