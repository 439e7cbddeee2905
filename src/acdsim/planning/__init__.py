"""Planning at scale: scenarios built and varied from code, results summarised across runs.

- :mod:`acdsim.planning.scenarios`: ``load_scenario`` (path, dict or YAML text),
  ``override`` (a validated copy with values replaced at key paths), ``to_dict``/``to_yaml``;
- :mod:`acdsim.planning.intervals`: the per-interval summary across replications
  (``intervals_summary.csv``, ``Result.interval_summary``);
- :mod:`acdsim.planning.sweep`: ``sweep`` (a grid of values, common random numbers, paired
  differences), run in-process, in local processes or on a Dask cluster
  (:mod:`acdsim.planning.parallel`, :mod:`acdsim.planning.dask`).
"""

from .scenarios import load_scenario, override, parse_path, to_dict, to_yaml

__all__ = ["load_scenario", "override", "parse_path", "to_dict", "to_yaml"]
