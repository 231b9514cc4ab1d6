"""What every operation of the OpenAPI schema has in common.

A drf-spectacular postprocessing hook adds, to each ``/api/v1/`` operation,
the ``lang`` parameter, the error answers (one JSON shape, ``Error``) and the
caching headers, so no view can forget to document them.
"""

from __future__ import annotations

from .languages import LANGUAGE_CHOICES

API_PREFIX = "/api/v1/"

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error answer: a message in the request's language.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong."},
        "code": {"type": "string", "description": "A stable, machine-readable code."},
        "errors": {
            "type": "object",
            "description": "For invalid query parameters: the messages per parameter.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "code"],
}

LANG_PARAMETER = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": (
        "Language of the content: `zh-hans` (the default) or `en`; `all` returns "
        "each translated field as an object with both languages. Without it, "
        "`Accept-Language` (or the language cookie) decides. An English value "
        "that is empty falls back to Chinese, and the object's `fallback` list "
        "names it. Any other value is a 400."
    ),
    "schema": {"type": "string", "enum": LANGUAGE_CHOICES},
}

ERRORS = {
    "400": "Invalid query parameters (an unknown parameter or language, a wrong "
    "value, a NUL character).",
    "404": "No such record, or a page past the end.",
    "406": "The client accepts no JSON.",
    "429": "Too many requests; try again after `Retry-After` seconds.",
}

CACHE_HEADERS = {
    "ETag": {
        "description": "A tag of this answer, for `If-None-Match`.",
        "schema": {"type": "string"},
    },
    "Last-Modified": {
        "description": "The latest change of the records shown.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "Public data: shared caches may keep it briefly.",
        "schema": {"type": "string"},
    },
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
        },
    }


def add_common_answers(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
        ERROR_SCHEMA
    )
    for path, operations in result.get("paths", {}).items():
        if not path.startswith(API_PREFIX):
            continue
        for operation in operations.values():
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == "lang" for p in parameters):
                parameters.append(LANG_PARAMETER)
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(code, _error(description))
            responses["429"]["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer"},
                }
            }
            if "200" in responses:
                responses["200"].setdefault("headers", {}).update(CACHE_HEADERS)
            responses.setdefault(
                "304",
                {
                    "description": "Not modified: the answer matches `If-None-Match` "
                    "or is not newer than `If-Modified-Since`."
                },
            )
    return result
