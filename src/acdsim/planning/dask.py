"""Runs on a Dask distributed cluster (the optional extra ``acdsim[dask]``).

``scheduler`` is a scheduler address (``"tcp://10.0.0.5:8786"``) or a ``distributed.Client``
already connected. Each distinct scenario's JSON is scattered to the cluster once; a task is
``run_kpis(json, k)`` on a worker, whose environment must have the same acdsim installed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ScenarioError

CONNECT_TIMEOUT = "10s"  # how long to try reaching a scheduler before giving up


def _client(scheduler: Any) -> tuple[Any, bool]:
    if hasattr(scheduler, "submit") and hasattr(scheduler, "scatter"):
        return scheduler, False
    try:
        from distributed import Client
    except ImportError:
        raise ScenarioError.single(
            "--scheduler", "needs the Dask extra: pip install 'acdsim[dask]' (the package 'distributed')"
        ) from None
    try:
        return Client(str(scheduler), set_as_default=False, timeout=CONNECT_TIMEOUT), True
    except (OSError, TimeoutError, ValueError) as exc:
        raise ScenarioError.single("--scheduler", f"cannot reach the Dask scheduler {scheduler!r} ({exc})") from None


def run_on_dask(
    scheduler: Any,
    payloads: Sequence[str],
    tasks: Sequence[tuple[int, int]],
    done: Callable[[tuple[int, int], Any], None],
    worker: Callable[[str, int], Any],
) -> None:
    """Run ``worker(payloads[i], k)`` for every task ``(i, k)`` on the cluster; ``done`` as each
    result comes back. An interrupt cancels what is still queued or running."""
    from distributed import as_completed

    client, owned = _client(scheduler)
    run = uuid.uuid4().hex[:8]  # keys unique to this call: a rerun is not served from memory
    futures: dict[Any, tuple[int, int]] = {}
    try:
        scattered = client.scatter(list(payloads), broadcast=False, hash=False)
        for i, k in tasks:
            future = client.submit(worker, scattered[i], k, key=f"acdsim-{run}-{i}-{k}", pure=False)
            futures[future] = (i, k)
        for future in as_completed(list(futures), loop=client.loop):
            done(futures[future], future.result())
    except BaseException:
        client.cancel(list(futures), force=True)
        raise
    finally:
        if owned:
            client.close()
