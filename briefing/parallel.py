"""Run independent tasks across processes, with results in order.

Tasks are closures; forked workers inherit them (and the data they close over) from
the parent instead of receiving them pickled, so only results cross the pipe.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any

THRESHOLD = 24  # below this many tasks, starting processes costs more than it saves

_TASKS: list[Callable[[], Any]] = []


def _run(position: int) -> Any:
    return _TASKS[position]()


def run_all(
    tasks: Sequence[Callable[[], Any]], jobs: int, progress: Callable[[int, int], None] | None = None
) -> list[Any]:
    """Every task's result, in order; the same whatever ``jobs`` is."""
    results: list[Any] = []
    if jobs <= 1 or len(tasks) < THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        for task in tasks:
            results.append(task())
            if progress:
                progress(len(results), len(tasks))
        return results
    _TASKS[:] = tasks
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            chunk = max(1, min(64, len(tasks) // (jobs * 8)))
            for result in pool.imap(_run, range(len(tasks)), chunksize=chunk):
                results.append(result)
                if progress:
                    progress(len(results), len(tasks))
    finally:
        _TASKS.clear()
    return results
