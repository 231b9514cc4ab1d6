"""The resident site's estate, community and merged-courtyard pages."""

from django.core.paginator import Paginator
from django.http import Http404
from django.views.generic import DetailView
from django_filters.views import FilterView

from estates import selectors
from estates.filters import EstateFilter
from estates.models import Programme, Stage
from estates.selectors.estate_page import estate_page
from renovation_portal import maps, page_cache
from renovation_portal.pagination import CappedPaginator, RankedPaginator


def _prefetched(obj, name: str) -> list:
    """The records prefetched under ``name`` (none when that app is not
    installed), without a query."""
    return list(getattr(obj, "_prefetched_objects_cache", {}).get(name, []))


class ForgivingPaginationMixin:
    """A page number past the end shows the last page, a garbled one the first.

    A resident who follows an old link or edits the address should land on a
    page of results, not on an error (Paginator.get_page).
    """

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class EstateListView(ForgivingPaginationMixin, FilterView):
    template_name = "estates/estate_list.html"
    filterset_class = EstateFilter
    context_object_name = "estates"
    paginate_by = 20
    # No OFFSET 200,000 and no full count at national scale.
    paginator_class = CappedPaginator

    def get_queryset(self):
        return selectors.estate_list()

    def get_paginator(self, queryset, per_page, **kwargs):
        # A search ranks its matches: the page is read by the ids the ranking
        # gives, without a second search to count them (issue 7).
        cleaned = getattr(self.filterset.form, "cleaned_data", {})
        if cleaned.get("q"):
            return RankedPaginator(queryset, per_page, **kwargs)
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        cleaned = getattr(form, "cleaned_data", {})
        context["query"] = cleaned.get("q") or ""
        # Choices other than the search text, for the "no result" advice.
        context["is_filtered"] = bool(form.errors) or any(
            value not in (None, "") for name, value in cleaned.items() if name != "q"
        )
        return context


class EstateDetailView(DetailView):
    # jinja_templates/estates/estate_detail.html (issue 17: a fast miss).
    template_engine = "jinja2"
    template_name = "estates/estate_detail.html"
    context_object_name = "estate"

    def get_queryset(self):
        return selectors.estate_detail(honour_partners=True)

    def get_object(self, queryset=None):
        # The same records as get_queryset() gives, read with queries compiled
        # once per process (issue 17: a fast miss).
        estate = estate_page(self.kwargs[self.slug_url_kwarg])
        if estate is None:
            raise Http404
        return estate

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        estate = self.object
        context["timeline"] = selectors.estate_timeline(estate=estate)
        # From the prefetched steps: no query of its own.
        context["steps_sample"] = any(step.is_sample for step in estate.steps.all())
        context["funding"] = selectors.estate_funding(estate=estate)
        context["works_tiers"] = selectors.estate_works_by_tier(estate=estate)
        context["photo_groups"] = selectors.estate_photos_by_kind(estate=estate)
        context["programmes"] = selectors.estate_programmes(estate=estate)
        # The compound among its neighbours, when tiles are configured; the
        # map asks the API for them, so the page reads nothing more.
        context["tile_map"] = None
        if estate.latitude is not None and estate.longitude is not None:
            context["tile_map"] = maps.tile_map(
                "estate-map",
                centre=(float(estate.latitude), float(estate.longitude)),
                focus=estate.slug,
                stages=Stage.choices,
            )
        # What the page lists under the compound and its councils; any new
        # programme may cover it (issue 17: the page's cache tags).
        page_cache.shows_children_of(estate, *_prefetched(estate, "councils"))
        page_cache.shows_every(Programme)
        return context


class CommunityDetailView(DetailView):
    template_name = "estates/community_detail.html"
    context_object_name = "community"
    estates_per_page = 20

    def get_queryset(self):
        return selectors.community_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(
            selectors.community_estates(community=self.object), self.estates_per_page
        )
        context["page_obj"] = paginator.get_page(self.request.GET.get("page"))
        context["checklist"] = selectors.community_checklist(community=self.object)
        # Its compounds on the map, found by the map itself through the API.
        context["tile_map"] = maps.tile_map("community-map", community=self.object.slug)
        page_cache.shows_children_of(self.object, *_prefetched(self.object, "councils"))
        return context


class CourtyardDetailView(DetailView):
    template_name = "estates/courtyard_detail.html"
    context_object_name = "courtyard"

    def get_queryset(self):
        return selectors.courtyard_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page_cache.shows_children_of(self.object)
        return context
