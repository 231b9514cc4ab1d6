"""The estates app's jobs (Celery; see follows/tasks.py for how they run).

``estates.refresh_map_grid`` counts one of the map's coarse grids again after
a data change (issue 19), so that a national view never waits for a count of
every compound: the request that finds the grid stale queues this job and is
answered with the grid of before the change. Without a broker the job runs
where it is queued (make run, tests).
"""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="estates.refresh_map_grid", ignore_result=True)
def refresh_map_grid(
    zoom: int, stage: str | None, programme: str | None, community: str | None
) -> None:
    from estates.selectors.map import refresh_kept_grid

    refresh_kept_grid(zoom, stage, programme, community)


def _delay_quietly(*args) -> None:
    """Queue a count; a broker that does not answer leaves the stale grid
    served until the next request queues it again."""
    try:
        refresh_map_grid.delay(*args)
    except Exception:
        logger.warning("Could not queue the map grid's count", exc_info=True)


refresh_map_grid.delay_quietly = _delay_quietly
