"""Staffing by simulation: ``acdsim staff`` and ``acdsim.staff`` (docs/staffing.md).

For one pool, the agents logged in per interval such that every interval meets every
target, measured as ``intervals.csv`` measures it, found by simulation with common random
numbers from an Erlang A start (:mod:`.search`), checked for local minimality, and verified
with seeds the search never used (the figures ``staffing.csv`` reports):

- :mod:`.targets`: the targets and the verdict on one interval;
- :mod:`.problem`: the pool, the intervals, the offered load, Erlang C and A per interval;
- :mod:`.measure`: one replication reduced to the figures judged;
- :mod:`.search`: the search: its start and its rounds;
- :mod:`.evaluator`: the candidates, run (cached) and judged, with adaptive replications;
- :mod:`.minimality`: the removal tests and the local-minimality check;
- :mod:`.result`: ``staff()`` and its result (table, staffed scenario, agent-hours);
- :mod:`.outputs`, :mod:`.plot`: staffing.csv, staffed.yaml, staffing.json, staffing.png.
"""

from .result import VERIFY_SEED_OFFSET, StaffResult, staff
from .targets import Targets, make_targets

__all__ = ["VERIFY_SEED_OFFSET", "StaffResult", "Targets", "make_targets", "staff"]
