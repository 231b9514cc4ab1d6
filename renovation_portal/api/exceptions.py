"""Every API error is JSON of one shape, in the request's language.

``{"detail": "…", "code": "…"}``, plus ``errors`` (field → messages) when a
query parameter was invalid. DRF's messages are translated by DRF's own
catalogues; the portal's by ours. Headers such as ``Retry-After`` are kept.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext, gettext_lazy
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

INVALID_PARAMETERS = gettext_lazy("Some query parameters are not valid.")


class RequestTooLarge(exceptions.APIException):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django refuses to read it."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request is too large.")
    default_code = "too_large"


def _flatten(detail: dict) -> dict[str, list[str]]:
    return {
        str(name): [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
        for name, msgs in detail.items()
    }


def api_exception_handler(exc, context):
    # As DRF's own handler does, so the code below sees DRF's exceptions.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Else Django answers with its HTML 400 page.
        exc = RequestTooLarge()
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", None)
    if isinstance(detail, dict):
        response.data = {
            "detail": str(INVALID_PARAMETERS),
            "code": "invalid",
            "errors": _flatten(detail),
        }
    elif isinstance(detail, list) and detail:
        response.data = {
            "detail": " ".join(str(message) for message in detail),
            "code": getattr(detail[0], "code", None) or "invalid",
        }
    else:
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(detail or ""), "code": code}
    return response


def not_found(request, *args, **kwargs):
    """A JSON 404 for any address under /api/ that names no resource."""
    return JsonResponse(
        {"detail": gettext("Not found."), "code": "not_found"},
        status=status.HTTP_404_NOT_FOUND,
        json_dumps_params={"ensure_ascii": False},
    )
