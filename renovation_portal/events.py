"""Things that happen to the portal's records, announced to whoever listens.

An app's service publishes an event inside its own transaction
(``events.publish("estate.stage_changed", estate=…)``); a listener another app
subscribed runs at once, in the same transaction, so what it writes (the
notifications of issue 18, an outbox) is committed or rolled back with the
change itself. The publishing app need not know who listens: the layers stay
as they are (an app imports ``renovation_portal``, never the reverse).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

_listeners: dict[str, list[Callable[..., None]]] = defaultdict(list)


def subscribe(kind: str, listener: Callable[..., None]) -> None:
    if listener not in _listeners[kind]:
        _listeners[kind].append(listener)


def publish(kind: str, **data) -> None:
    for listener in list(_listeners.get(kind, ())):
        listener(**data)
