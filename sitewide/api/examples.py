"""Example requests in the API's schema that name a record on record
(issue 21): filled in by a hook of the site-level app, since it reads
the compounds (renovation_portal may not import an app)."""

from __future__ import annotations

from estates.models import Estate
from renovation_portal.api.schema import EXAMPLE_ESTATE


def fill_examples(result, generator, request, public):
    """Each example request that names :data:`EXAMPLE_ESTATE` names the
    first compound on record instead, so that the example is one the API
    accepts (schemathesis's examples phase sends it). With no compound on
    record it keeps the placeholder, and the API answers it with a 400; so
    does a schema made without a request (``manage.py spectacular``), which
    does not depend on the database."""
    examples = [
        example
        for operations in result.get("paths", {}).values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for content in operation.get("requestBody", {}).get("content", {}).values()
        for example in content.get("examples", {}).values()
        if isinstance(example.get("value"), dict)
        and example["value"].get("estate") == EXAMPLE_ESTATE
    ]
    if not examples or request is None:
        return result
    slug = (
        Estate.objects.filter(is_synthetic=False)
        .order_by("pk")
        .values_list("slug", flat=True)
        .first()
    )
    for example in examples:
        if slug:
            # A new value: the one here is the view's own (extend_schema's
            # example), which later schemas start from again.
            example["value"] = {**example["value"], "estate": slug}
    return result
