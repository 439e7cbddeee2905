import os
import sys
from pathlib import Path

from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

# `make test` (and CI) draws the same examples every run: a red run is a change, never the luck
# of the draw, and no example database is read or written. `make sweep` (ACDSIM_EXAMPLES set)
# draws new random examples each time, to find what the fixed ones miss.
settings.register_profile("fixed", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile("explore" if os.environ.get("ACDSIM_EXAMPLES") else "fixed")
