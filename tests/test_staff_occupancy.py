"""The pool's occupancy that `acdsim staff` reports is its busy time (talk + wrap-up) over its
logged-in time: on a stationary M/M/c it is close to the offered load per agent."""

from __future__ import annotations

from acdsim.planning.staff import staff
from staffkit import queue_day


def test_staff_occupancy_is_the_offered_load_per_agent() -> None:
    # 360 calls/h of 60 s: 6 Erlangs. No abandonment, so every call is carried.
    result = staff(queue_day(rate=360, talk=60, horizon=3600, seed=3), sl="80/20", interval="30m",
                   replications=4, seed=1)
    for row in result.table.itertuples():
        assert abs(row.occupancy - 6 / row.agents) < 0.08, row
