"""A model's simple check constraints, tested in Python rather than by a query.

Django's ``CheckConstraint.validate`` asks the database (one ``SELECT`` per
constraint per row): for a file of 250,000 rows that was most of the preview's
time. The portal's check constraints are plain comparisons of a field with a
constant, joined by AND/OR ("never negative", "latitude between -90 and 90"):
those are tested here, with SQL's rule that a comparison with NULL is unknown
and an unknown check passes. Anything else (an ``F()`` expression, another
lookup, a comparison with an empty value) answers ``None`` and the caller asks
the database as before. The database holds every constraint regardless.
"""

from __future__ import annotations

import operator
from typing import Any

from django.db import models

COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, choices: value in choices,
}


def _lookup(instance: models.Model, key: str, argument: Any) -> bool | None:
    name, _sep, lookup = key.partition("__")
    lookup = lookup or "exact"
    if hasattr(argument, "resolve_expression"):
        return None  # F(), another column: the database's to say
    try:
        value = getattr(instance, instance._meta.get_field(name).attname)
    except Exception:  # not a plain field
        return None
    if lookup == "isnull":
        return (value is None) == bool(argument)
    if lookup not in COMPARISONS or value is None or value == "":
        return None
    try:
        return bool(COMPARISONS[lookup](value, argument))
    except TypeError:
        return None


def condition_holds(condition: models.Q, instance: models.Model) -> bool | None:
    """True or False when the condition can be tested here; None otherwise."""
    results = []
    for child in condition.children:
        if isinstance(child, models.Q):
            result = condition_holds(child, instance)
        elif isinstance(child, tuple) and len(child) == 2:
            result = _lookup(instance, *child)
        else:
            result = None
        results.append(result)
    if condition.connector == models.Q.OR:
        holds = True if True in results else (None if None in results else False)
    else:
        holds = False if False in results else (None if None in results else True)
    if holds is None:
        return None
    return not holds if condition.negated else holds
