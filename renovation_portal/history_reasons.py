"""Reasons the portal writes into an edit history by itself (a compound's
stage moved by a step), stored as short codes and worded when a clerk reads
the history, in the clerk's language (issue 16, item 5).

The history keeps one text of at most 100 characters per change: a sentence
written at save time would be in one language only, and a long step name
would not fit. An app registers a wording for its codes' prefix
(``register("stage", word_stage_reasons)``); a reason a person typed, or a
code nobody registered, is shown as stored. Imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

SEPARATOR = ":"
PREFIX = "portal"

# prefix → a function from the codes' fields (one list per code) to their
# wording, in the active language, in the same order; one call per page.
_wordings: dict[str, Callable[[Sequence[list[str]]], list[str]]] = {}


def register(kind: str, wording: Callable[[Sequence[list[str]]], list[str]]) -> None:
    _wordings[kind] = wording


def code(kind: str, *fields: object) -> str:
    """``portal:<kind>:<field>:…``; an empty field (None) is written "-"."""
    parts = [PREFIX, kind, *("-" if field is None else str(field) for field in fields)]
    return SEPARATOR.join(parts)


def in_words(reasons: Sequence[str | None]) -> list[str]:
    """Each reason worded for the reader: codes by their kind's wording,
    anything else as stored, "—" for none."""
    shown: list[str] = [reason or "—" for reason in reasons]
    by_kind: dict[str, list[tuple[int, list[str]]]] = {}
    for index, reason in enumerate(reasons):
        parts = (reason or "").split(SEPARATOR)
        if len(parts) >= 2 and parts[0] == PREFIX and parts[1] in _wordings:
            fields = [None if part == "-" else part for part in parts[2:]]
            by_kind.setdefault(parts[1], []).append((index, fields))
    for kind, items in by_kind.items():
        worded = _wordings[kind]([fields for _index, fields in items])
        for (index, _fields), text in zip(items, worded, strict=True):
            shown[index] = text
    return shown
