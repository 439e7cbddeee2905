"""The limits of scenario values, in one place, and their section of docs/scenario.md.

Every number a scenario gives is bounded, so that no value overflows a float, a numpy int64,
a sampler or a datetime column: ids are those of the PBX API (64-bit signed integers),
durations at most 10 years, counts and rates far above any real call center.
"""

from __future__ import annotations

from ..units import MAX_DURATION

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
MAX_COUNT = 1_000_000
"""The largest count (max_no_answer, Erlang k, announce_frequency)."""
MAX_REPLICATIONS = 100_000
MAX_RATE = 1_000_000.0
"""The largest arrival rate, in calls per hour."""
MAX_FACTOR = 1_000.0
"""The largest talk_time_factor."""
MAX_CV = 1000.0
"""The largest sd / mean of a lognormal or gamma (for gamma the smallest is 1 / MAX_CV): beyond
it the sampler's parameters (lognormal sigma, gamma shape = (mean/sd)^2) overflow or underflow."""
MAX_DEPTH = 64
"""The deepest nesting of lists and mappings (a scenario needs about 8 levels)."""
MAX_DIGITS = 400
"""The longest integer, in characters, the loader converts (Python refuses beyond 4,300)."""
LAST_DATETIME_TEXT = "9999-12-31 23:59:59"

LIMITS_DOC = f"""\
## Limits

Every value is bounded; a value out of bounds is an error like any other:

- durations: finite, >= 0 and at most {MAX_DURATION:.0f} s (10 years of 365 days, `"3650d"`);
  `base_score` lies within the same bound either side of 0;
- ids (queue, agent, tier `agent_id`, `extension_id`, event `id`, sound ids) and tier
  `level` / `position`: 64-bit signed integers ({INT64_MIN} to {INT64_MAX}), as in the PBX
  API; `seed`: 0 to {INT64_MAX};
- counts (`max_no_answer`, `announce_frequency`, Erlang `k`): at most {MAX_COUNT:,};
  `replications`: at most {MAX_REPLICATIONS:,};
- arrival rates (`calls_per_hour`): at most {MAX_RATE:,.0f} calls/hour; `talk_time_factor`: at most
  {MAX_FACTOR:g};
- lognormal `sd` at most {MAX_CV:g} x `mean`; gamma `sd` between `mean` / {MAX_CV:g} and
  {MAX_CV:g} x `mean` (beyond, the sampler's parameters overflow);
- `start` + `horizon` (+ `drain_limit` when `drain` is true) ends by {LAST_DATETIME_TEXT}, the last
  time the datetime columns can write;
- YAML: lists and mappings nested at most {MAX_DEPTH} deep; integers of at most {MAX_DIGITS}
  characters; no explicit tags but those of plain data (`!!str`, `!!int`, `!!float`,
  `!!bool`, `!!null`, `!!timestamp`, `!!seq`, `!!map`); no base-60 numbers (`8:00`);
- schedule agent references are written as acdsim names agents: `local/1`, not `local/01`.
"""
