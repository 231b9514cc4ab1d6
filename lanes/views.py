from django.views.generic import DetailView

from lanes.models import Lane


class LaneDetailView(DetailView):
    template_name = "lanes/lane_detail.html"
    context_object_name = "lane"
    queryset = Lane.objects.prefetch_related("features", "tenants", "honours")
