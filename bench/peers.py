"""The same M/M/50 (900 calls/h, exponential talk mean 180 s, 50 servers, FIFO) in three
other ways, for bench/run.py to compare acdsim with:

- ``ciw_mm50``: Ciw, a queueing-network simulation library (pip package ``ciw``);
- ``simpy_mm50``: plain simpy, one process per caller and a ``simpy.Resource(capacity=50)``;
- ``heapq_mm50``: a minimal event loop on ``heapq`` (arrival and departure events).

Each simulates ``n`` arrivals from an empty system, times itself (model building, the run and
reading the results back) and returns the number of callers served to completion and every
caller's wait, so that the means can be checked against Erlang C.
"""

from __future__ import annotations

import heapq
import math
import random
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from workloads import MM50_AGENTS, MM50_AHT, MM50_CALLS_PER_HOUR

ARRIVAL_RATE = MM50_CALLS_PER_HOUR / 3600.0  # per second
SERVICE_RATE = 1.0 / MM50_AHT


@dataclass
class PeerResult:
    callers: int  # callers served to completion
    seconds: float  # wall time of building + running + reading results
    cpu: float  # CPU time of the same
    waits: list[float]  # every served caller's wait in queue, roughly in arrival order


def ciw_mm50(n: int, seed: int = 1) -> PeerResult:
    """Ciw until ``n`` arrivals (``simulate_until_max_customers(method="Arrive")``); callers
    still in the system then are not counted."""
    import ciw

    start, start_cpu = time.perf_counter(), time.process_time()
    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVAL_RATE)],
        service_distributions=[ciw.dists.Exponential(rate=SERVICE_RATE)],
        number_of_servers=[MM50_AGENTS],
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_customers(n, method="Arrive")
    records = sim.get_all_records()
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    records.sort(key=lambda r: r.arrival_date)
    return PeerResult(len(records), seconds, cpu, [r.waiting_time for r in records])


def simpy_mm50(n: int, seed: int = 1) -> PeerResult:
    """The idiomatic simpy model: a source process starts one process per caller, which
    requests one of the 50 servers, holds it for its talk time and releases it."""
    import simpy

    start, start_cpu = time.perf_counter(), time.process_time()
    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=MM50_AGENTS)
    waits: list[float] = []
    done = 0

    def caller(env: simpy.Environment) -> simpy.events.ProcessGenerator:
        nonlocal done
        arrived = env.now
        with servers.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(SERVICE_RATE))
        done += 1

    def source(env: simpy.Environment) -> simpy.events.ProcessGenerator:
        for _ in range(n):
            yield env.timeout(rng.expovariate(ARRIVAL_RATE))
            env.process(caller(env))

    env.process(source(env))
    env.run()
    return PeerResult(done, time.perf_counter() - start, time.process_time() - start_cpu, waits)


def heapq_mm50(n: int, seed: int = 1) -> PeerResult:
    """A minimal event loop: a heap of (time, kind) events, a FIFO deque of waiting callers'
    arrival times and a count of free servers. Nothing else is recorded than each wait."""
    start, start_cpu = time.perf_counter(), time.process_time()
    expo = random.Random(seed).expovariate
    push, pop = heapq.heappush, heapq.heappop
    arrival, departure = 0, 1
    heap: list[tuple[float, int]] = [(expo(ARRIVAL_RATE), arrival)]
    waiting: deque[float] = deque()
    waits: list[float] = []
    free, arrived, done = MM50_AGENTS, 0, 0
    while heap:
        now, kind = pop(heap)
        if kind == arrival:
            arrived += 1
            if arrived < n:
                push(heap, (now + expo(ARRIVAL_RATE), arrival))
            if free:
                free -= 1
                waits.append(0.0)
                push(heap, (now + expo(SERVICE_RATE), departure))
            else:
                waiting.append(now)
        else:
            done += 1
            if waiting:
                waits.append(now - waiting.popleft())
                push(heap, (now + expo(SERVICE_RATE), departure))
            else:
                free += 1
    return PeerResult(done, time.perf_counter() - start, time.process_time() - start_cpu, waits)


PEERS = {"ciw": ciw_mm50, "simpy": simpy_mm50, "heapq": heapq_mm50}

# Student t, 97.5 % quantile, 19 degrees of freedom (20 batches).
_T19 = 2.093


def batch_means(values: Sequence[float], batches: int = 20) -> tuple[float, float]:
    """Mean and the half-width of its 95 % confidence interval by the method of batch means
    (waits of successive callers are strongly correlated, so the plain standard error would be
    far too small)."""
    if batches != 20:
        raise ValueError("only 20 batches (the t quantile is for 19 degrees of freedom)")
    size = len(values) // batches
    if size == 0:
        return (math.fsum(values) / len(values) if values else math.nan), math.inf
    means = [math.fsum(values[i * size:(i + 1) * size]) / size for i in range(batches)]
    grand = math.fsum(values) / len(values)
    m = math.fsum(means) / batches
    var = math.fsum((x - m) ** 2 for x in means) / (batches - 1)
    return grand, _T19 * math.sqrt(var / batches)
