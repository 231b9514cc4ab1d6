"""Pages for the themed lanes and the events, and the events' iCalendar feed."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from . import selectors
from .calendar import schedules
from .feed import calendar_build


class LaneListView(ListView):
    template_name = "lanes/lane_list.html"
    context_object_name = "lanes"

    def get_queryset(self):
        return selectors.lane_list()


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
        return context


class EventListView(ListView):
    template_name = "events/event_list.html"
    context_object_name = "events"

    def get_queryset(self):
        return selectors.event_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upcoming, past = schedules(self.object_list, today=timezone.localdate())
        context["upcoming"] = upcoming
        context["past"] = past
        return context


@require_GET
def event_feed(request):
    cal = calendar_build(
        selectors.event_list(),
        today=timezone.localdate(),
        now=timezone.now(),
        page_url=request.build_absolute_uri(reverse("lanes:event-list")),
    )
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response
