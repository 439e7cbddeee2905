"""acdsim: a discrete-event simulator of call-center queues as a cloud PBX runs them.

The public API for notebooks and scripts::

    import acdsim
    scenario = acdsim.load_scenario("scenarios/quickstart.yaml")
    result = acdsim.simulate(scenario, seed=1, replications=5)
    result.summary["queues"]["208"]["service_level"]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Result", "Scenario", "ScenarioError", "__version__", "fit", "load_scenario", "simulate"]

if TYPE_CHECKING:
    from .api import Result, simulate
    from .calibration import fit
    from .errors import ScenarioError
    from .loader import load_scenario
    from .model import Scenario


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import acdsim.engine` does not pull in pandas.
    if name in ("simulate", "Result"):
        from . import api

        return getattr(api, name)
    if name == "fit":
        from .calibration import fit

        return fit
    if name == "load_scenario":
        from .loader import load_scenario

        return load_scenario
    if name == "ScenarioError":
        from .errors import ScenarioError

        return ScenarioError
    if name == "Scenario":
        from .model import Scenario

        return Scenario
    raise AttributeError(name)
