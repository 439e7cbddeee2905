"""acdsim: a discrete-event simulator of call-center queues as a cloud PBX runs them.

The public API for notebooks and scripts::

    import acdsim
    scenario = acdsim.load_scenario("scenarios/quickstart.yaml")   # or a dict, or YAML text
    bigger = acdsim.override(scenario, {"queues[0].callers.arrivals.calls_per_hour": 60})
    result = acdsim.simulate(bigger, seed=1, replications=5)
    result.summary["queues"]["208"]["service_level"]
    result.interval_summary            # per queue and interval: means and CI95 half-widths

Submodules ``acdsim.erlang`` (Erlang C/A formulas) and ``acdsim.plots`` are attributes.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "NoProgressError", "Result", "Scenario", "ScenarioError", "__version__", "erlang", "fit",
    "load_scenario", "override", "plots", "shifts", "simulate", "staff",
]

if TYPE_CHECKING:
    from . import erlang, plots
    from .api import Result, simulate
    from .calibration import fit
    from .engine.guards import NoProgressError
    from .errors import ScenarioError
    from .model import Scenario
    from .planning.scenarios import load_scenario, override
    from .planning.shifts import shifts
    from .planning.staff import staff

# Imported lazily so that `import acdsim.engine` does not pull in pandas: name -> (module, attr).
_LAZY: dict[str, tuple[str, str | None]] = {
    "simulate": (".api", "simulate"),
    "Result": (".api", "Result"),
    "load_scenario": (".planning.scenarios", "load_scenario"),
    "override": (".planning.scenarios", "override"),
    "fit": (".calibration", "fit"),
    "shifts": (".planning.shifts", "shifts"),
    "staff": (".planning.staff", "staff"),
    "ScenarioError": (".errors", "ScenarioError"),
    "NoProgressError": (".engine.guards", "NoProgressError"),
    "Scenario": (".model", "Scenario"),
    "erlang": (".erlang", None),
    "plots": (".plots", None),
}
# Names other parts of the package provide once they exist (e.g. ``sweep``): the modules that
# may hold each, tried in order; listed by dir() only when one of them exists.
_OPTIONAL: dict[str, tuple[str, ...]] = {
    "sweep": (".planning.sweep", ".sweep"),
}


def _optional_module(name: str) -> str | None:
    for module in _OPTIONAL[name]:
        if importlib.util.find_spec(__name__ + module) is not None:
            return module
    return None


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where is None and name in _OPTIONAL:
        module = _optional_module(name)
        where = None if module is None else (module, name)
    if where is None:
        raise AttributeError(f"module 'acdsim' has no attribute {name!r}")
    module_name, attr = where
    value: Any = importlib.import_module(module_name, __name__)
    if attr is not None:
        value = getattr(value, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # What tab completion offers: the public API, not this module's helpers and imports.
    names = {"__version__", *_LAZY}
    names |= {name for name in _OPTIONAL if _optional_module(name) is not None}
    return sorted(names)
