"""Run independent tasks across processes, with results in order.

Tasks are closures; forked workers inherit them (and the data they close over) from
the parent instead of receiving them pickled, so only results cross the pipe.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from typing import Any

THRESHOLD = 24  # below this many tasks, starting processes costs more than it saves
WINDOW = 1024  # tasks in flight at most; results of a window are held until consumed

_TASKS: list[Callable[[], Any]] = []
_IN_WORKER = False


def in_worker() -> bool:
    """Whether this process is one of run_each's workers (whose results are pickled)."""
    return _IN_WORKER


def _mark_worker() -> None:
    global _IN_WORKER
    _IN_WORKER = True


def _run(position: int) -> Any:
    return _TASKS[position]()


def run_each(
    tasks: Sequence[Callable[[], Any]], jobs: int, progress: Callable[[int, int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[Any]:
    """Each task's result, in order, as soon as it is ready: a caller that writes results
    out as they come never holds them all. ``meanwhile``, work of the parent's own, is done
    while the workers start on the tasks (before the first result, without workers)."""
    if jobs <= 1 or len(tasks) < THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile is not None:
            meanwhile()
        for done, task in enumerate(tasks, start=1):
            yield task()
            if progress:
                progress(done, len(tasks))
        return
    _TASKS[:] = tasks
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_mark_worker) as pool:
            # Small chunks: the slowest pages come first, and one chunk must not hold them all.
            chunk = max(1, min(16, len(tasks) // (jobs * 8)))
            done = 0
            # A window at a time: the pool would otherwise run ahead of a slow consumer (one
            # writing pages to disk) and queue every result in memory.
            for start in range(0, len(tasks), WINDOW):
                positions = range(start, min(start + WINDOW, len(tasks)))
                results = pool.imap(_run, positions, chunksize=chunk)
                if meanwhile is not None:
                    meanwhile()
                    meanwhile = None
                for result in results:
                    done += 1
                    yield result
                    if progress:
                        progress(done, len(tasks))
    finally:
        _TASKS.clear()
