"""What every operation of the OpenAPI schema has in common.

A drf-spectacular postprocessing hook adds, to each ``/api/v1/`` operation,
the ``lang`` parameter, the error answers (one JSON shape, ``Error``) and the
caching headers, so no view can forget to document them. Another adds the
OpenAPI links from each answer to the record it names (a list to its items'
details, a created feedback to reading it back, a listed compound to sending
feedback about it), found from the paths, the views and the answers' own
schemas (issue 21).
"""

from __future__ import annotations

import re

from rest_framework.relations import SlugRelatedField

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
# Only operations that take a body can meet these.
BODY_ERRORS = {
    "413": "The body is larger than the server reads (2.5 MB of form data or "
    "JSON; photos up to the upload limit).",
    "415": "The body is neither JSON nor multipart form data.",
}

# Answered by gunicorn before Django reads the request, so neither in JSON nor
# in the request's language: a page in both (renovation_portal/protocol_errors.py).
PROTOCOL_ERRORS = {
    "414": "The address is longer than the server reads (4 KB).",
    "431": "The headers are larger than the server reads.",
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
            for code, description in PROTOCOL_ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    },
                )
            if "requestBody" in operation:
                for code, description in BODY_ERRORS.items():
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


# A detail path: its collection's path and the one path parameter naming a record.
DETAIL_PATH = re.compile(r"(?P<collection>.+/)\{(?P<parameter>\w+)\}/")


def _resolve(result: dict, schema: dict | None) -> dict:
    while schema and "$ref" in schema:
        schema = result["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema or {}


def _pointer_to(result: dict, response: dict, name: str) -> str | None:
    """Where ``name`` is in an answer: ``/name`` for one record, ``/results/0/
    name`` for a page of them; None when the answer does not carry it."""
    content = response.get("content", {}).get("application/json", {})
    schema = _resolve(result, content.get("schema"))
    properties = schema.get("properties", {})
    if name in properties:
        return f"/{name}"
    results = properties.get("results", {})
    if name in _resolve(result, results.get("items")).get("properties", {}):
        return f"/results/0/{name}"
    return None


def add_links(result, generator, request, public):
    """OpenAPI links from the answers of ``/things/`` (GET a page, POST a new
    one) to ``GET /things/{name}/``, so that a client — and schemathesis's
    stateful tests — can walk from a list or a creation to the record."""
    paths = result.get("paths", {})
    for path, operations in paths.items():
        match = DETAIL_PATH.fullmatch(path)
        target = operations.get("get")
        if not path.startswith(API_PREFIX) or match is None or target is None:
            continue
        name = match["parameter"]
        for method, source in paths.get(match["collection"], {}).items():
            code = "201" if method == "post" else "200"
            response = source.get("responses", {}).get(code)
            pointer = response and _pointer_to(result, response, name)
            if not pointer:
                continue
            kind = "created" if method == "post" else "listed"
            response.setdefault("links", {})[target["operationId"]] = {
                "operationId": target["operationId"],
                "parameters": {name: f"$response.body#{pointer}"},
                "description": f"Read the {kind} record by its `{name}`.",
            }
    _add_body_links(result, generator)
    return result


def _list_paths_by_model(generator) -> dict:
    """Each model with a list operation → that operation's path."""
    found = {}
    for path, _regex, method, callback in generator.endpoints or []:
        actions = getattr(callback, "actions", None) or {}
        filterset = getattr(callback.cls, "filterset_class", None)
        if method == "GET" and actions.get("get") == "list" and filterset:
            found[filterset._meta.model] = path
    return found


def _add_body_links(result, generator) -> None:
    """A body field naming a record by its slug (``"estate": "<a slug>"``)
    gets a link from that record's list, so the body names a real record."""
    paths = result.get("paths", {})
    lists = _list_paths_by_model(generator)
    for path, _regex, method, callback in generator.endpoints or []:
        serializer = getattr(callback.cls, "serializer_class", None)
        operation = paths.get(path, {}).get(method.lower())
        if method != "POST" or serializer is None or operation is None:
            continue
        for name, field in serializer._declared_fields.items():
            if not isinstance(field, SlugRelatedField):
                continue
            source = paths.get(lists.get(field.queryset.model), {}).get("get")
            response = source and source["responses"].get("200")
            pointer = response and _pointer_to(result, response, field.slug_field)
            if pointer:
                response.setdefault("links", {})[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "requestBody": {name: f"$response.body#{pointer}"},
                    "description": f"Send it with `{name}` taken from this list.",
                }


# The compound an example request names until the schema is made: no compound
# is named in code (it is data); sitewide.api.examples.fill_examples puts a
# real one in its place.
EXAMPLE_ESTATE = "example-compound"
