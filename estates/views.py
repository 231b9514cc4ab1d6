"""Plain pages for estates; the resident site issue builds them out."""

from django.views.generic import DetailView, ListView

from estates import selectors
from estates.models import Community, MergedCourtyard


class HomeView(ListView):
    template_name = "home.html"
    context_object_name = "estates"
    paginate_by = 60

    def get_queryset(self):
        return selectors.estate_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["facts"] = selectors.programme_facts()
        return context


class EstateDetailView(DetailView):
    template_name = "estates/estate_detail.html"
    context_object_name = "estate"

    def get_queryset(self):
        return selectors.estate_detail()


class CommunityDetailView(DetailView):
    template_name = "estates/community_detail.html"
    context_object_name = "community"
    queryset = Community.objects.select_related("subdistrict")


class CourtyardDetailView(DetailView):
    template_name = "estates/courtyard_detail.html"
    context_object_name = "courtyard"
    queryset = MergedCourtyard.objects.select_related("community", "subdistrict")
