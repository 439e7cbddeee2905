"""The no-progress guard: a run whose offers fail faster than time moves is stopped.

An offer that fails (busy, rejected, no answer) frees the caller and the agent for the next
pass. A failure at the very instant of the offer waits for the next pass tick
(``clock.retry_gap``), but one that takes a tiny positive time (``call_timeout: 1e-9``,
``reject_after`` near 0) is offered again at once: simulated time creeps by nanoseconds and
the run never reaches its horizon. No agent fails more than about 10 times per simulated
second through the tick, so failures far beyond that rate mean the run makes no progress.

The engine counts failed offers (not on the path of an answered call) and every
``CHECK_EVERY`` of them compares their number with the simulated time they took: more than
``MAX_FAILURES_PER_AGENT_SECOND`` per agent and simulated second stops the run with
``NoProgressError``. The same count flushes the recorder, whose lists of offer records would
otherwise grow with the failures of a few long-waiting callers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .state import Agent, Member

CHECK_EVERY = 4096  # failed offers between two checks (a power of two)
CHECK_MASK = CHECK_EVERY - 1
# Failed offers per agent per simulated second beyond which the run is stopped: an agent whose
# offers fail in under 1 ms on average (the pass tick allows 10 instant failures a second).
MAX_FAILURES_PER_AGENT_SECOND = 1000.0


class NoProgressError(RuntimeError):
    """The run makes no progress: offers keep failing while simulated time stands (nearly)
    still. The message says which caller and which agents; the CLI prints it as an error
    (exit status 2), the Python API raises it."""


def failure_budget(agents: int) -> float:
    """Failed offers allowed per simulated second for a scenario with ``agents`` agents."""
    return MAX_FAILURES_PER_AGENT_SECOND * max(1, agents)


def no_progress_message(
    failures: int, seconds: float, now: float, members: list[Member], agents: list[Agent]
) -> str:
    """What the error says: the caller offered most often, the agents that failed, why."""
    head = f"{failures:,} offers failed in {seconds:.3g} s of simulated time"
    if members:
        m = max(members, key=lambda x: (x.n_offers, -x.seq))
        head = (
            f"caller {m.call_id} (queue {m.queue.id}) was offered {m.n_offers:,} times in "
            f"{now - m.joined_at:.3g} s of simulated time"
        )
    by_behaviour: dict[str, list[str]] = {}
    for a in agents:
        if a.no_answers or a.rejects or a.busies:
            by_behaviour.setdefault(_behaviour(a), []).append(a.ref)
    causes = []
    for text, refs in by_behaviour.items():
        shown = ", ".join(refs[:5]) + (f" and {len(refs) - 5} more" if len(refs) > 5 else "")
        many = len(refs) > 1
        causes.append(f"agent{'s' if many else ''} {shown} {text if many else 'answers' + text[len('answer'):]}")
    detail = f" ({'; '.join(causes)})" if causes else ""
    return (
        f"{head}{detail}: offers fail almost at once and are made again at once; give the "
        "agents a longer call_timeout or reject_after, or a no_answer_delay_time, "
        "reject_delay_time or busy_delay_time"
    )


def _behaviour(a: Agent) -> str:
    b = a.behavior
    probs = [
        f"{name} {value:g}"
        for name, value in (("p_no_answer", b.p_no_answer), ("p_reject", b.p_reject), ("p_busy", b.p_busy))
        if value > 0
    ]
    if not probs:
        return f"answer after a time beyond call_timeout {a.call_timeout:g} s"
    return f"answer with {' and '.join(probs)} and call_timeout {a.call_timeout:g} s"
