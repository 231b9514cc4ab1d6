"""The base of every read-only API resource.

It negotiates the content language, rejects query parameters it does not know
(a typo in a filter name would otherwise silently return everything), and
answers GET with an ETag, a Last-Modified date and ``Cache-Control``, and
with 304 when the client already has the answer.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from .languages import negotiate
from .pagination import PortalPagination

# Imported for its drf-spectacular extension: each filter parameter's schema
# written from the filter's own form field.
from .parameters import NO_NUL_PATTERN

# Slugs are readable pinyin; anything else cannot name a record, so it is a 404
# before it reaches the database.
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
# Numeric ids, short enough to stay inside a 64-bit integer.
ID_PATTERN = r"[0-9]{1,18}"
SEARCH_PARAMETER = "search"
ORDERING_PARAMETER = "ordering"
# The only parameter whose empty value means something (no search); any
# other given empty is a 400, as its schema says (minLength, pattern).
MAY_BE_EMPTY = {SEARCH_PARAMETER}


class PortalSearchFilter(BaseFilterBackend):
    """``?search=``: the view's own matching (``view.search_queryset``)."""

    def filter_queryset(self, request, queryset, view):
        text = request.query_params.get(SEARCH_PARAMETER, "")
        search = getattr(view, "search_queryset", None)
        if search is None or not text.strip():
            return queryset
        return search(queryset, text)

    def get_schema_operation_parameters(self, view):
        if getattr(view, "search_queryset", None) is None:
            return []
        return [
            {
                "name": SEARCH_PARAMETER,
                "required": False,
                "in": "query",
                "description": getattr(view, "search_description", "")
                or "Text to look for in the names; empty: no search.",
                "schema": {"type": "string", "pattern": NO_NUL_PATTERN},
            }
        ]


class PortalOrderingFilter(BaseFilterBackend):
    """``?ordering=field`` or ``-field`` over the view's declared fields.

    ``view.ordering_fields`` maps each public name to the column it sorts by.
    Ties are broken by the primary key so pages never overlap.
    """

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(ORDERING_PARAMETER, "").strip()
        fields = getattr(view, "ordering_fields", None) or {}
        if not raw or not fields:
            return queryset
        order = []
        for term in raw.split(","):
            term = term.strip()
            name = term.removeprefix("-")
            if name not in fields:
                raise ValidationError(
                    {
                        ORDERING_PARAMETER: [
                            gettext(
                                "Unknown ordering field “%(field)s”. Use one of: "
                                "%(choices)s."
                            )
                            % {"field": name[:40], "choices": ", ".join(fields)}
                        ]
                    }
                )
            order.append(("-" if term.startswith("-") else "") + fields[name])
        return queryset.order_by(*order, "pk")

    def get_schema_operation_parameters(self, view):
        fields = getattr(view, "ordering_fields", None) or {}
        if not fields:
            return []
        return [
            {
                "name": ORDERING_PARAMETER,
                "required": False,
                "in": "query",
                "description": "Sort by this field; a leading `-` sorts descending.",
                "schema": {
                    "type": "string",
                    "enum": [v for f in fields for v in (f, f"-{f}")],
                },
            }
        ]


def _filter_parameter_names(filterset_class) -> set[str]:
    """The query parameters a FilterSet reads (range filters read two)."""
    names = set()
    for name, declared in filterset_class.base_filters.items():
        suffixes = getattr(declared.field.widget, "suffixes", None)
        names.update(f"{name}_{s}" if s else name for s in suffixes or [""])
    return names


class PortalViewMixin:
    """Language, strict query parameters and conditional GET for an API view."""

    def get_serializer_context(self):
        # One dict for the whole answer, so serializers can note the latest
        # change of what they show (see BilingualFieldsMixin).
        if not hasattr(self, "_answer_context"):
            self._answer_context = super().get_serializer_context()
        return self._answer_context

    def allowed_query_parameters(self) -> set[str]:
        return {"lang"}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        request.content_language = negotiate(request)
        # A method the address does not take is a 405 whatever the query.
        if getattr(self, request.method.lower(), None) is not None:
            check_query_parameters(request, self.allowed_query_parameters())

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            latest = getattr(self, "_answer_context", {}).get("last_modified")
            return conditional_answer(request, response, last_modified=latest)
        return response


class PortalReadOnlyViewSet(PortalViewMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail of one resource, looked up by slug.

    Subclasses set ``list_serializer_class`` and ``detail_serializer_class``
    (or ``serializer_class``), ``filterset_class``, ``ordering_fields`` and
    optionally ``search_queryset(queryset, text)``.
    """

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    pagination_class = PortalPagination
    filter_backends = [DjangoFilterBackend, PortalSearchFilter, PortalOrderingFilter]
    ordering_fields: dict[str, str] = {}
    list_serializer_class = None
    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.list_serializer_class or super().get_serializer_class()

    def allowed_query_parameters(self) -> set[str]:
        allowed = super().allowed_query_parameters()
        if self.action == "list":
            allowed |= {"page", "page_size"}
            if self.ordering_fields:
                allowed.add(ORDERING_PARAMETER)
            if getattr(self, "search_queryset", None) is not None:
                allowed.add(SEARCH_PARAMETER)
            if getattr(self, "filterset_class", None) is not None:
                allowed |= _filter_parameter_names(self.filterset_class)
        return allowed


def check_query_parameters(request, allowed: set[str]) -> None:
    """A 400 for NUL characters, for parameters the endpoint does not take, and
    for a parameter given twice or (but ``search``) given empty: each takes one
    value, as the schema says, and a value a client sent is never ignored."""
    params = request.query_params
    if any("\x00" in key or "\x00" in v for key in params for v in params.getlist(key)):
        raise ValidationError(
            gettext("Query parameters cannot contain NUL characters.")
        )
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ValidationError(
            gettext(
                "Unknown query parameters: %(names)s. This address takes: %(allowed)s."
            )
            % {
                "names": ", ".join(name[:40] for name in unknown[:5]),
                "allowed": ", ".join(sorted(allowed)),
            }
        )
    repeated = sorted(name for name in params if len(params.getlist(name)) > 1)
    if repeated:
        raise ValidationError(
            {
                name: [gettext("Give this parameter once, with one value.")]
                for name in repeated
            }
        )
    empty = sorted(
        name for name in params if name not in MAY_BE_EMPTY and params[name] == ""
    )
    if empty:
        raise ValidationError(
            {
                name: [
                    gettext("This parameter is empty: give a value or leave it out.")
                ]
                for name in empty
            }
        )


def conditional_answer(request, response, *, last_modified=None):
    """ETag (of the body), Last-Modified and Cache-Control; 304 when unchanged.

    The ETag is a hash of the answer itself, so it changes with anything the
    answer shows, deletions included; Last-Modified is the latest change of the
    records shown. As HTTP says, If-None-Match wins over If-Modified-Since.
    """
    response.render()
    set_response_etag(response)
    timestamp = int(last_modified.timestamp()) if last_modified else None
    if timestamp is not None:
        response.headers["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
    return get_conditional_response(
        request,
        etag=response.headers["ETag"],
        last_modified=timestamp,
        response=response,
    )
