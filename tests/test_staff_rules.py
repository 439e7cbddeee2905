"""Rules of `acdsim staff` outside the search's own tests: the pool's occupancy it reports,
and how the search judges a decision the replications could not settle."""

from __future__ import annotations

from acdsim.planning.staff import staff
from staffkit import queue_day


def test_staff_occupancy_is_the_offered_load_per_agent() -> None:
    # Its busy time (talk + wrap-up) over its logged-in time: on a stationary M/M/c, close to
    # the offered load per agent.
    # 360 calls/h of 60 s: 6 Erlangs. No abandonment, so every call is carried.
    result = staff(queue_day(rate=360, talk=60, horizon=3600, seed=3), sl="80/20", interval="30m",
                   replications=4, seed=1)
    for row in result.table.itertuples():
        assert abs(row.occupancy - 6 / row.agents) < 0.08, row


def test_the_search_judges_an_unsettled_decision_by_its_whole_ci() -> None:
    from acdsim.planning.staff.targets import Estimate, judge, make_targets

    targets = make_targets(sl="80/20")
    wide_lucky = {"service_level": Estimate(0.81, 0.05, 8)}  # CI 0.76-0.86: unsettled at ±0.02
    assert judge(targets, wide_lucky).met                    # the mean alone says met
    assert not judge(targets, wide_lucky, cautious=True).met  # the CI's low end is under 0.78
    assert judge(targets, {"service_level": Estimate(0.835, 0.05, 8)}, cautious=True).met
    narrow = {"service_level": Estimate(0.805, 0.015, 8)}    # settled: the mean decides
    assert judge(targets, narrow, cautious=True).met
