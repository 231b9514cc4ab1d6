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


def plain_messages(detail, prefix: str = "") -> list[str]:
    """Every message in a DRF error ``detail`` as a plain sentence.

    A list field's errors come keyed by the item's index (``{0: [...]}``);
    they read "Item 1: …" rather than the Python repr of that dictionary."""
    if isinstance(detail, dict):
        messages = []
        for key, value in detail.items():
            label = prefix
            if isinstance(key, int):
                label += gettext("Item %(number)d: ") % {"number": key + 1}
            elif key != "non_field_errors":
                label += f"{key}: "
            messages += plain_messages(value, label)
        return messages
    if isinstance(detail, list | tuple):
        return [message for item in detail for message in plain_messages(item, prefix)]
    return [prefix + str(detail)]


def errors_by_field(detail: dict) -> dict[str, list[str]]:
    """A serializer's errors: field name → plain sentences."""
    return {str(name): plain_messages(messages) for name, messages in detail.items()}


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
            "errors": errors_by_field(detail),
        }
    elif isinstance(detail, list) and detail:
        response.data = {
            "detail": " ".join(plain_messages(detail)),
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
