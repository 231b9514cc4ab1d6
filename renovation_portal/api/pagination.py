"""Page-number pagination with a capped page size and a capped page number.

A page past the end, or one that is not a number, is a 404 with a JSON body
(DRF's ``NotFound``), never a 500. ``count`` stops one past the first
``MAX_PAGES`` pages' rows, and no later page is served
(renovation_portal.pagination): narrow the search with filters instead.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from renovation_portal.pagination import MAX_PAGES, CappedPaginator

from .filters import INTEGER

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PortalPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    django_paginator_class = CappedPaginator
    invalid_page_message = _("Invalid page: {message}")

    def get_page_size(self, request):
        """The page size asked for: a whole number from 1 (a larger one than
        ``max_page_size`` gives that many); anything else is a 400."""
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        if not INTEGER.fullmatch(asked) or int(asked) < 1:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        gettext("Give a whole number of results per page, from 1.")
                    ]
                }
            )
        return min(int(asked), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Number of results per page (default {self.page_size}; a "
                    f"larger number than {self.max_page_size} gives "
                    f"{self.max_page_size}). Anything but a whole number from 1 "
                    "is a 400."
                )
            if parameter["name"] == self.page_query_param:
                parameter["description"] = (
                    f"A page number, at most {MAX_PAGES}. Past the first "
                    f"{MAX_PAGES} pages `count` stops counting (it is one more "
                    "than the rows those pages hold) and later pages are a 404: "
                    "narrow the search with filters. A page that is not a "
                    "whole number from 1 is a 404 too."
                )
        return parameters
