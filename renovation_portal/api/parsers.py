"""The API's JSON parser: a hostile body is a 400 with a plain sentence.

DRF's own parser lets Python's ``json`` recurse into a body of 100,000
opening brackets (a ``RecursionError``, a 500) and accepts a value nested 600
deep, which a field then hands to the database lookup, where it recurses
again (issue 22). Here a body nested deeper than ``MAX_DEPTH`` is refused as
a whole before any field sees it, and a syntax error says where it is, in the
request's language, instead of echoing the decoder's English.

https://www.django-rest-framework.org/api-guide/parsers/#custom-parsers
"""

from __future__ import annotations

import codecs
import json

from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils.json import strict_constant

# No request the API accepts nests deeper than an object holding a list.
MAX_DEPTH = 20


def nesting_depth_exceeds(value, limit: int) -> bool:
    """Does ``value`` hold lists or objects nested more than ``limit`` deep?
    Walked without recursion, so any depth the decoder produced is safe."""
    if not isinstance(value, dict | list):
        return False
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend(
            (child, depth + 1) for child in children if isinstance(child, dict | list)
        )
    return False


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        parse_constant = strict_constant if self.strict else None
        try:
            data = json.load(
                codecs.getreader(encoding)(stream), parse_constant=parse_constant
            )
        except RecursionError:
            raise ParseError(too_deep_message(), code="too_deep") from None
        except json.JSONDecodeError as error:
            raise ParseError(
                gettext(
                    "The request body is not valid JSON (line %(line)d, column "
                    "%(column)d)."
                )
                % {"line": error.lineno, "column": error.colno},
                code="parse_error",
            ) from None
        except ValueError:
            # Undecodable bytes, or NaN/Infinity under strict JSON.
            raise ParseError(
                gettext("The request body is not valid JSON."), code="parse_error"
            ) from None
        if nesting_depth_exceeds(data, MAX_DEPTH):
            raise ParseError(too_deep_message(), code="too_deep")
        return data


def too_deep_message() -> str:
    return gettext(
        "The request body is nested too deeply: at most %(depth)d levels of "
        "lists and objects."
    ) % {"depth": MAX_DEPTH}
