"""Erlang B / C / A formulas, staffing searches and the ``erlang`` CLI command.

Every closed form is checked against an independent brute force: exact rational
arithmetic (Erlang B), a truncated birth-death chain solved as a linear system
(stationary laws), a uniformized Markov chain of the tagged caller (waiting-time
distribution with abandonment) and a small discrete-event simulation.
"""

from __future__ import annotations

import heapq
import json
import math
import random
from collections import OrderedDict
from fractions import Fraction

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acdsim.cli_erlang import erlang_cmd
from acdsim.erlang import (
    MMcMResult,
    MMcResult,
    agents_for_asa,
    agents_for_service_level,
    erlang_a,
    erlang_b,
    erlang_c,
    log_erlang_b,
    min_stable_agents,
    mmc,
    staffing_table,
)

# --------------------------------------------------------------------------- brute force


def erlang_b_exact(servers: int, load: Fraction) -> Fraction:
    terms = [Fraction(load) ** k / math.factorial(k) for k in range(servers + 1)]
    return terms[-1] / sum(terms)


def erlang_b_recursion(servers: int, load: float) -> float:
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def stationary_birth_death(lam: float, mu: float, theta: float, agents: int, cap: int):
    """Stationary law of the M/M/N+M chain truncated at ``cap``, by detailed balance
    p_{n+1} = p_n * lam / death(n + 1), in plain floating point (small systems only)."""
    p = np.zeros(cap + 1)
    p[0] = 1.0
    for n in range(cap):
        death = min(n + 1, agents) * mu + max(0, n + 1 - agents) * theta
        p[n + 1] = p[n] * lam / death
    return p / p.sum()


def tagged_caller(n_mu: float, theta: float, t: float, max_ahead: int):
    """For i = 0..max_ahead callers ahead: P(served by t), P(served), E[W 1{served}], E[W].

    The tagged caller's chain: i ahead -> i-1 at rate n_mu + i*theta (head served or
    someone ahead abandons), -> served from i = 0 at rate n_mu, -> abandoned at theta.
    P(served by t) is computed by uniformization, the rest by first-step analysis.
    """
    i = np.arange(max_ahead + 1, dtype=float)
    down = n_mu + i * theta
    out = down + theta
    big = float(out.max())
    v = np.zeros(max_ahead + 1)
    total = np.zeros(max_ahead + 1)
    x = big * t
    if x == 0:
        total = np.zeros(max_ahead + 1)
        x = -1.0  # skip the loop: nobody who waits is served within 0 s
    k = 0
    log_pois = -x
    while x > 0:
        weight = math.exp(log_pois)
        total += weight * v
        if k > x + 1 and weight < 1e-20:  # the rest of the Poisson tail is below 1e-19
            break
        nxt = (1.0 - out / big) * v
        nxt[1:] += (down[1:] / big) * v[:-1]
        nxt[0] += n_mu / big
        v = nxt
        k += 1
        log_pois += math.log(x) - math.log(k)
    p_served = np.zeros(max_ahead + 1)
    w_served = np.zeros(max_ahead + 1)
    w_all = np.zeros(max_ahead + 1)
    for n in range(max_ahead + 1):
        prev_p = 1.0 if n == 0 else p_served[n - 1]
        prev_w = 0.0 if n == 0 else w_served[n - 1]
        prev_all = 0.0 if n == 0 else w_all[n - 1]
        go = down[n] / out[n]
        p_served[n] = go * prev_p
        w_served[n] = p_served[n] / out[n] + go * prev_w
        w_all[n] = 1.0 / out[n] + go * prev_all
    return total, p_served, w_served, w_all


def erlang_a_brute(cph: float, aht: float, agents: int, patience: float, t: float, cap: int):
    lam, mu, theta = cph / 3600.0, 1.0 / aht, 1.0 / patience
    p = stationary_birth_death(lam, mu, theta, agents, cap)
    q = p[agents:]
    j = np.arange(q.size)
    within, p_served, w_served, w_all = tagged_caller(agents * mu, theta, t, q.size - 1)
    p_free = p[:agents].sum()
    p_ab = float(np.sum(q * (1 - p_served)))
    sl_offered = p_free + float(np.sum(q * within))
    return {
        "p_wait": float(q.sum()),
        "p_abandon": p_ab,
        "mean_queue": float(np.sum(q * j)),
        "mean_wait": float(np.sum(q * w_all)),
        "asa_answered": float(np.sum(q * w_served)) / (1 - p_ab),
        "service_level_offered": sl_offered,
        "service_level_answered": sl_offered / (1 - p_ab),
        "occupancy": float(np.sum(p * np.minimum(np.arange(p.size), agents))) / agents,
    }


def simulate_mmnm(lam, mu, theta, agents, t, calls, seed):
    """FCFS M/M/N+M discrete-event simulation; returns offered-call statistics."""
    rng = random.Random(seed)
    events = [(rng.expovariate(lam), 0, -1)]
    queue: OrderedDict[int, float] = OrderedDict()
    busy = next_id = waited = abandoned = answered = within = 0
    warm = calls // 10
    while next_id < calls:
        now, kind, cid = heapq.heappop(events)
        if kind == 0:
            heapq.heappush(events, (now + rng.expovariate(lam), 0, -1))
            cid, next_id = next_id, next_id + 1
            counted = cid >= warm
            if busy < agents:
                busy += 1
                heapq.heappush(events, (now + rng.expovariate(mu), 1, -1))
                if counted:
                    answered += 1
                    within += 1
            else:
                queue[cid] = now
                heapq.heappush(events, (now + rng.expovariate(theta), 2, cid))
                waited += counted
        elif kind == 1:
            if queue:
                qid, arrived = queue.popitem(last=False)
                heapq.heappush(events, (now + rng.expovariate(mu), 1, -1))
                if qid >= warm:
                    answered += 1
                    within += now - arrived <= t
            else:
                busy -= 1
        elif cid in queue:
            queue.pop(cid)
            abandoned += cid >= warm
    n = calls - warm
    return {"p_wait": waited / n, "p_abandon": abandoned / n, "sl_offered": within / n}


# --------------------------------------------------------------------------- reference values


def test_reference_erlang_c():
    r = mmc(calls_per_hour=900, aht=180, agents=50, threshold=20)
    assert isinstance(r, MMcResult)
    assert r.load_erlangs == pytest.approx(45.0)
    assert r.p_wait == pytest.approx(0.363864, rel=1e-5)
    assert r.asa == pytest.approx(13.0991, rel=1e-5)
    assert r.service_level == pytest.approx(0.791232, rel=1e-5)
    assert r.occupancy == pytest.approx(0.9)
    assert erlang_c(50, 45.0) == pytest.approx(0.363864, rel=1e-5)
    assert agents_for_service_level(900, 180, target=0.8, threshold=20) == 51


def test_reference_erlang_a():
    r = erlang_a(calls_per_hour=900, aht=180, agents=50, patience=120, threshold=20)
    assert isinstance(r, MMcMResult)
    assert r.p_wait == pytest.approx(0.226285, abs=5e-7)
    assert r.p_abandon == pytest.approx(0.024030, abs=5e-7)
    assert r.mean_wait == pytest.approx(2.8836, abs=5e-5)
    assert r.abandons_per_hour == pytest.approx(900 * r.p_abandon)
    assert r.answered_per_hour + r.abandons_per_hour == pytest.approx(900)


def test_reference_erlang_a_matches_brute_force():
    got = erlang_a(900, 180, 50, 120, 20)
    want = erlang_a_brute(900, 180, 50, 120, 20, cap=400)
    for key, value in want.items():
        assert getattr(got, key) == pytest.approx(value, rel=1e-8, abs=1e-12), key


# --------------------------------------------------------------------------- Erlang B / C


@pytest.mark.parametrize(
    ("servers", "load"),
    [
        (1, Fraction(1, 2)),
        (5, Fraction(3)),
        (10, Fraction(10)),
        (30, Fraction(45)),
        (60, Fraction(1, 10)),
    ],
)
def test_erlang_b_exact(servers, load):
    assert erlang_b(servers, float(load)) == pytest.approx(
        float(erlang_b_exact(servers, load)), rel=1e-12
    )


def test_erlang_b_edges():
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(3, 0.0) == 0.0
    # a = 1: 1/B = sum_k N!/k! = N! * e (to double precision); B itself underflows
    assert log_erlang_b(2000, 1.0) == pytest.approx(-(math.lgamma(2001) + 1.0), rel=1e-12)
    assert erlang_b(2000, 1.0) == 0.0
    assert erlang_c(3, 3.0) == 1.0
    assert erlang_c(3, 7.5) == 1.0
    with pytest.raises(ValueError):
        erlang_b(-1, 2.0)
    with pytest.raises(ValueError):
        erlang_b(2, -1.0)
    with pytest.raises(ValueError):
        erlang_b(2.5, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        erlang_c(0, 1.0)


@pytest.mark.parametrize(
    ("servers", "load"),
    [(1000, 950.0), (1000, 999.9), (1000, 1100.0), (5000, 4900.0), (20000, 19800.0)],
)
def test_erlang_b_c_large(servers, load):
    b = erlang_b(servers, load)
    assert b == pytest.approx(erlang_b_recursion(servers, load), rel=1e-9)
    c = erlang_c(servers, load)
    assert math.isfinite(c) and b <= c <= 1.0
    if load < servers:
        r = mmc(load * 3600 / 180, 180, servers)
        assert all(math.isfinite(x) for x in (r.p_wait, r.asa, r.service_level))


def test_erlang_c_matches_birth_death():
    lam, mu, agents = 900 / 3600, 1 / 180, 50
    p = stationary_birth_death(lam, mu, 0.0, agents, 1500)
    r = mmc(900, 180, agents, 20)
    q = p[agents:]
    assert r.p_wait == pytest.approx(q.sum(), rel=1e-9)
    assert r.mean_queue == pytest.approx(float(np.sum(q * np.arange(q.size))), rel=1e-8)
    # wait given j ahead is Erlang(j + 1, N mu): P(W <= t) = P(Poisson(N mu t) >= j + 1)
    x = agents * mu * 20
    pois = np.array([math.exp(-x + k * math.log(x) - math.lgamma(k + 1)) for k in range(q.size)])
    within = 1.0 - np.cumsum(pois)
    assert r.service_level == pytest.approx(p[:agents].sum() + float(np.sum(q * within)), rel=1e-9)


def test_erlang_c_unstable():
    r = mmc(900, 180, 45)
    assert not r.stable
    assert r.p_wait == 1.0 and r.service_level == 0.0 and math.isinf(r.asa)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 400), st.floats(0.01, 600.0))
def test_erlang_b_c_properties(servers, load):
    b = erlang_b(servers, load)
    assert 0.0 <= b < 1.0  # may underflow to 0 (e.g. 178 servers, 1 Erlang)
    assert b == pytest.approx(erlang_b_recursion(servers, load), rel=1e-10, abs=1e-300)
    assert erlang_b(servers + 1, load) <= b
    assert erlang_b(servers, load * 1.01) >= b
    c = erlang_c(servers, load)
    assert b <= c + 1e-15 <= 1.0 + 1e-15
    if load < servers:
        assert erlang_c(servers + 1, load) <= c


@settings(max_examples=100, deadline=None)
@given(
    st.floats(1.0, 5000.0),
    st.floats(10.0, 900.0),
    st.floats(0.0, 300.0),
)
def test_mmc_monotone_in_agents(cph, aht, threshold):
    first = min_stable_agents(cph, aht)
    prev = None
    for n in range(first, first + 15):
        r = mmc(cph, aht, n, threshold)
        assert 0.0 <= r.service_level <= 1.0 and 0.0 <= r.p_wait <= 1.0
        assert r.occupancy < 1.0
        if prev is not None:
            assert r.service_level >= prev.service_level - 1e-12
            assert r.asa <= prev.asa + 1e-12
            assert r.p_wait <= prev.p_wait + 1e-12
        prev = r


# --------------------------------------------------------------------------- Erlang A


@pytest.mark.parametrize(
    ("cph", "aht", "agents", "patience", "t"),
    [
        (900, 180, 40, 120, 20),  # load 45 > 40 agents
        (900, 180, 30, 60, 20),  # heavy overload
        (600, 240, 41, 300, 30),
        (100, 300, 3, 45, 60),
        (50, 120, 1, 30, 10),
        (900, 180, 50, 120, 0),
        (2000, 200, 110, 15, 5),
    ],
)
def test_erlang_a_matches_brute_force(cph, aht, agents, patience, t):
    got = erlang_a(cph, aht, agents, patience, t)
    want = erlang_a_brute(cph, aht, agents, patience, t, cap=agents + 600)
    for key, value in want.items():
        assert getattr(got, key) == pytest.approx(value, rel=1e-7, abs=1e-12), key


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.floats(10.0, 2000.0),  # calls per hour
    st.floats(30.0, 600.0),  # aht
    st.integers(1, 60),  # agents
    st.floats(5.0, 1000.0),  # patience
    st.floats(0.0, 120.0),  # threshold
)
def test_erlang_a_matches_brute_force_random(cph, aht, agents, patience, t):
    lam, theta = cph / 3600, 1 / patience
    cap = agents + int(3 * lam / theta + 40 * math.sqrt(lam / theta)) + 400
    got = erlang_a(cph, aht, agents, patience, t)
    want = erlang_a_brute(cph, aht, agents, patience, t, cap=cap)
    for key, value in want.items():
        assert getattr(got, key) == pytest.approx(value, rel=1e-7, abs=1e-11), key


def test_erlang_a_overload():
    r = erlang_a(900, 180, 30, 120, 20)  # load 45 on 30 agents
    assert 0.0 < r.p_abandon < 1.0
    # carried load cannot exceed the agents: P(abandon) >= 1 - N / a
    assert r.p_abandon >= 1 - 30 / 45 - 1e-12
    assert r.occupancy == pytest.approx(45 * (1 - r.p_abandon) / 30)
    assert r.occupancy <= 1.0


@pytest.mark.parametrize(
    ("cph", "aht", "agents", "patience"),
    [
        (36000 * 5, 180, 9000, 120),
        (36000 * 5, 180, 8000, 120),
        (200000, 300, 20000, 30),
        (3600, 1000, 1000, 600),
    ],
)
def test_erlang_a_large(cph, aht, agents, patience):
    r = erlang_a(cph, aht, agents, patience, 20)
    values = [v for v in r.to_dict().values() if isinstance(v, float)]
    assert all(math.isfinite(v) for v in values)
    assert 0.0 <= r.p_abandon <= r.p_wait <= 1.0
    assert 0.0 <= r.service_level_offered <= r.service_level_answered <= 1.0
    assert r.p_abandon == pytest.approx(r.mean_wait / patience, rel=1e-9)


@pytest.mark.parametrize("agents", [46, 50, 60])
def test_erlang_a_huge_patience_converges_to_erlang_c(agents):
    c = mmc(900, 180, agents, 20)
    # the error is O(1 / patience): about 1.8e-6 relative on the ASA at 1e10 s for 46 agents
    for patience, tol in [(1e8, 1e-3), (1e10, 1e-5)]:
        a = erlang_a(900, 180, agents, patience, 20)
        assert a.p_wait == pytest.approx(c.p_wait, rel=tol)
        assert a.asa_answered == pytest.approx(c.asa, rel=tol)
        assert a.mean_wait == pytest.approx(c.asa, rel=tol)
        assert a.service_level_offered == pytest.approx(c.service_level, rel=tol)
        assert a.service_level_answered == pytest.approx(c.service_level, rel=tol)
        assert a.occupancy == pytest.approx(c.occupancy, rel=tol)


def test_erlang_a_tiny_patience_everyone_who_waits_leaves():
    r = erlang_a(900, 180, 50, 1e-6, 20)
    assert r.p_abandon == pytest.approx(r.p_wait, rel=1e-6)
    # the waiting callers are lost: Erlang B
    assert r.p_wait == pytest.approx(erlang_b(50, 45.0), rel=1e-6)


def test_erlang_a_validation():
    for kwargs in (
        {"patience": 0},
        {"patience": math.inf},
        {"agents": 0},
        {"calls_per_hour": 0},
        {"aht": -1},
        {"threshold": -5},
    ):
        args = {"calls_per_hour": 900, "aht": 180, "agents": 50, "patience": 120} | kwargs
        with pytest.raises(ValueError):
            erlang_a(**args)


@pytest.mark.slow
def test_erlang_a_matches_simulation():
    lam, mu, theta, agents, t = 0.25, 1 / 180, 1 / 60, 42, 20.0
    sim = simulate_mmnm(lam, mu, theta, agents, t, 400_000, seed=7)
    r = erlang_a(lam * 3600, 180, agents, 60, t)
    assert sim["p_wait"] == pytest.approx(r.p_wait, abs=0.01)
    assert sim["p_abandon"] == pytest.approx(r.p_abandon, abs=0.005)
    assert sim["sl_offered"] == pytest.approx(r.service_level_offered, abs=0.01)


erlang_a_params = st.tuples(
    st.floats(10.0, 3000.0),  # calls per hour
    st.floats(30.0, 600.0),  # aht
    st.integers(1, 120),  # agents
    st.floats(5.0, 2000.0),  # patience
    st.floats(0.0, 120.0),  # threshold
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(erlang_a_params)
def test_erlang_a_properties(params):
    cph, aht, agents, patience, t = params
    r = erlang_a(cph, aht, agents, patience, t)
    lam = cph / 3600
    assert 0.0 <= r.p_abandon <= r.p_wait <= 1.0
    assert r.p_abandon == pytest.approx(r.mean_wait / patience, rel=1e-8, abs=1e-15)
    assert r.mean_queue == pytest.approx(lam * r.mean_wait, rel=1e-8, abs=1e-15)
    assert r.service_level_offered <= r.service_level_answered + 1e-12
    assert r.service_level_offered <= 1 - r.p_abandon + 1e-12
    assert r.service_level_offered >= 1 - r.p_wait - 1e-12
    assert 0.0 <= r.occupancy <= 1.0
    assert r.occupancy * agents <= r.load_erlangs * (1 + 1e-12)
    # abandonment relieves congestion: never more waiting than Erlang C
    if r.load_erlangs < agents:
        assert r.p_wait <= erlang_c(agents, r.load_erlangs) + 1e-12
    more = erlang_a(cph, aht, agents + 1, patience, t)
    assert more.p_wait <= r.p_wait + 1e-12
    assert more.p_abandon <= r.p_abandon + 1e-12
    assert more.mean_wait <= r.mean_wait + 1e-12
    assert more.asa_answered <= r.asa_answered + 1e-9
    assert more.service_level_offered >= r.service_level_offered - 1e-12
    assert more.service_level_answered >= r.service_level_answered - 1e-12


# --------------------------------------------------------------------------- staffing


def test_staffing_reference_answers():
    assert agents_for_service_level(900, 180) == 51
    assert agents_for_service_level(900, 180, patience=120) == 46
    assert agents_for_service_level(900, 180, patience=120, sl_basis="answered") == 44
    assert agents_for_asa(900, 180, target_asa=13.1) == 50
    assert agents_for_asa(900, 180, target_asa=13.09) == 51
    assert agents_for_asa(900, 180, target_asa=13.1, patience=120) == 42


@settings(max_examples=40, deadline=None)
@given(
    st.floats(10.0, 5000.0),
    st.floats(30.0, 600.0),
    st.floats(0.5, 0.95),
    st.floats(5.0, 60.0),
    st.one_of(st.none(), st.floats(10.0, 600.0)),
)
def test_agents_for_service_level_is_minimal(cph, aht, target, threshold, patience):
    n = agents_for_service_level(cph, aht, target, threshold, patience)

    def sl(k: int) -> float:
        if patience is None:
            return mmc(cph, aht, k, threshold).service_level
        return erlang_a(cph, aht, k, patience, threshold).service_level_offered

    assert sl(n) >= target
    if n > 1:
        assert sl(n - 1) < target


@settings(max_examples=40, deadline=None)
@given(
    st.floats(10.0, 5000.0),
    st.floats(30.0, 600.0),
    st.floats(1.0, 60.0),
    st.one_of(st.none(), st.floats(10.0, 600.0)),
)
def test_agents_for_asa_is_minimal(cph, aht, target, patience):
    n = agents_for_asa(cph, aht, target, patience)

    def asa(k: int) -> float:
        if patience is None:
            return mmc(cph, aht, k).asa
        return erlang_a(cph, aht, k, patience).asa_answered

    assert asa(n) <= target
    if n > 1:
        assert asa(n - 1) > target


def test_staffing_large_center():
    n = agents_for_service_level(36000 * 5, 180, 0.8, 20)
    assert mmc(36000 * 5, 180, n).service_level >= 0.8 > mmc(36000 * 5, 180, n - 1).service_level
    m = agents_for_service_level(36000 * 5, 180, 0.8, 20, patience=120)
    assert m < n


def test_staffing_validation():
    with pytest.raises(ValueError):
        agents_for_service_level(900, 180, target=1.0)
    with pytest.raises(ValueError):
        agents_for_service_level(900, 180, target=0.8, sl_basis="all")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        agents_for_service_level(900, 180, target=0.99, max_agents=50)


def test_staffing_table_rows():
    rows = staffing_table(900, 180, threshold=20, agents=range(44, 56))
    assert [r["agents"] for r in rows] == list(range(44, 56))
    assert rows[0]["stable"] is False and rows[0]["service_level"] == 0.0
    by_n = {r["agents"]: r for r in rows}
    assert by_n[50]["service_level"] == pytest.approx(0.791232, rel=1e-5)
    assert by_n[50]["asa"] == pytest.approx(13.0991, rel=1e-5)
    sls = [r["service_level"] for r in rows]
    assert sls == sorted(sls)

    rows_a = staffing_table(900, 180, patience=120)
    agents = [r["agents"] for r in rows_a]
    assert agents == list(range(agents[0], agents[-1] + 1))
    assert agents[0] <= min_stable_agents(900, 180) - 3 and agents[-1] == 46 + 3
    by_n = {r["agents"]: r for r in rows_a}
    assert by_n[46]["service_level"] >= 0.8 > by_n[45]["service_level"]
    assert by_n[46]["p_abandon"] == pytest.approx(erlang_a(900, 180, 46, 120).p_abandon)

    default_c = staffing_table(900, 180)
    assert default_c[0]["agents"] == 43 and default_c[-1]["agents"] == 54


# --------------------------------------------------------------------------- CLI


def run(*args: str):
    return CliRunner().invoke(erlang_cmd, list(args))


def test_cli_table_erlang_c():
    res = run("--calls-per-hour", "900", "--aht", "180")
    assert res.exit_code == 0, res.output
    assert "51 agents meet 80% answered within 20 s" in res.output
    marked = [line for line in res.output.splitlines() if "◀" in line]
    assert len(marked) == 1 and " 51 " in marked[0]
    assert "79.1%" in res.output and "13.1 s" in res.output
    assert "abandon" not in res.output


def test_cli_table_erlang_a():
    res = run("--calls-per-hour", "900", "--aht", "3m", "--patience", "2m", "--target", "80/20s")
    assert res.exit_code == 0, res.output
    assert "abandon %" in res.output
    assert "46 agents meet 80% answered within 20 s" in res.output
    res = run(
        "--calls-per-hour", "900", "--aht", "180", "--patience", "120", "--sl-basis", "answered"
    )
    assert res.exit_code == 0, res.output
    assert "44 agents meet 80% answered within 20 s" in res.output


def test_cli_json():
    res = run("--calls-per-hour", "900", "--aht", "180", "--agents", "44-52", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["answer_agents"] == 51
    assert doc["model"] == "erlang_c"
    rows = doc["rows"]
    assert [r["agents"] for r in rows] == list(range(44, 53))
    assert rows[0]["asa"] is None  # unstable row: infinite ASA
    assert [r["agents"] for r in rows if r["meets_target"]][0] == 51
    row50 = next(r for r in rows if r["agents"] == 50)
    assert row50["p_wait"] == pytest.approx(0.363864, rel=1e-5)

    res = run("--calls-per-hour", "900", "--aht", "180", "--patience", "120", "--json")
    doc = json.loads(res.output)
    assert doc["model"] == "erlang_a" and doc["answer_agents"] == 46
    assert [r["agents"] for r in doc["rows"]] == list(range(43, 50))
    row46 = next(r for r in doc["rows"] if r["agents"] == 46)
    assert row46["p_abandon"] == pytest.approx(erlang_a(900, 180, 46, 120).p_abandon)
    assert row46["meets_target"] is True

    res = run(
        "--calls-per-hour", "900", "--aht", "180", "--patience", "120", "--agents", "50", "--json"
    )
    row50 = json.loads(res.output)["rows"][0]
    assert row50["p_abandon"] == pytest.approx(0.024030, abs=5e-7)
    assert row50["p_wait"] == pytest.approx(0.226285, abs=5e-7)


def test_cli_target_and_range_outside_answer():
    res = run("--calls-per-hour", "900", "--aht", "180", "--target", "90%/30", "--agents", "60-62")
    assert res.exit_code == 0, res.output
    n = agents_for_service_level(900, 180, 0.9, 30)
    assert f"{n} agents meet 90% answered within 30 s" in res.output


@pytest.mark.parametrize(
    "args",
    [
        ["--aht", "180"],  # missing --calls-per-hour
        ["--calls-per-hour", "0", "--aht", "180"],
        ["--calls-per-hour", "abc", "--aht", "180"],
        ["--calls-per-hour", "900", "--aht", "0"],
        ["--calls-per-hour", "900", "--aht", "soon"],
        ["--calls-per-hour", "900", "--aht", "180", "--patience", "-3"],
        ["--calls-per-hour", "900", "--aht", "180", "--target", "80"],
        ["--calls-per-hour", "900", "--aht", "180", "--target", "100/20"],
        ["--calls-per-hour", "900", "--aht", "180", "--target", "80/-2"],
        ["--calls-per-hour", "900", "--aht", "180", "--agents", "60-50"],
        ["--calls-per-hour", "900", "--aht", "180", "--agents", "0-5"],
        ["--calls-per-hour", "900", "--aht", "180", "--agents", "x"],
        ["--calls-per-hour", "900", "--aht", "180", "--sl-basis", "all"],
    ],
)
def test_cli_bad_inputs_exit_2(args):
    res = run(*args)
    assert res.exit_code == 2, res.output
