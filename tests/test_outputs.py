"""Output files and KPIs (SCENARIO_FORMAT §10-§11, docs/metrics.md)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import acdsim
from acdsim.api import with_overrides
from acdsim.output.status import status_at
from acdsim.runner import run_scenario
from simkit import agent, scenario, with_trace

ROOT = Path(__file__).resolve().parents[1]

CALLS = "call_api_id, queue, number, joined_at, joined_datetime, answered_at, left_at, outcome, wait_time, talk_time, agent, agent_level, offers, transferred_to"
OFFERS = "call_api_id, queue, agent, level, position, offered_at, ended_at, result"
STATUS = "time, queue, waiting_members, trying_members, answered_members"
INTERVALS = "interval_start, queue, offered, answered, abandoned, service_level, asa, mean_wait"
QUEUE_KEYS = [
    "offered", "answered", "abandoned", "timeout", "no_agent_timeout", "in_queue_at_end",
    "service_level", "asa", "mean_wait", "wait_p50", "wait_p90", "wait_p95", "max_wait",
    "abandon_rate", "mean_talk_time", "answered_by_level",
]
AGENT_KEYS = ["calls_answered", "talk_time", "offers", "no_answers", "rejects", "busies", "occupancy"]


def header(path: Path) -> list[str]:
    with path.open() as f:
        return next(csv.reader(f))


def cols(spec: str) -> list[str]:
    return [c.strip() for c in spec.split(",")]


@pytest.fixture(scope="module")
def quickstart_out(tmp_path_factory):
    sc = with_overrides(acdsim.load_scenario(ROOT / "scenarios/quickstart.yaml"), horizon=7200)
    out = tmp_path_factory.mktemp("qs")
    assert run_scenario(sc, out, quiet=True) == 0
    return out


def test_every_file_and_column_of_section_11(quickstart_out: Path):
    """§11: every output file exists with its documented columns (extra columns only after them)."""
    names = {p.name for p in quickstart_out.iterdir()}
    assert {"summary.json", "calls.csv", "offers.csv", "agents.csv", "status.csv", "intervals.csv", "agent_events.jsonl"} <= names
    assert not [n for n in names if n.endswith(".part")]
    assert header(quickstart_out / "calls.csv")[:14] == cols(CALLS)
    assert header(quickstart_out / "offers.csv") == cols(OFFERS)
    assert header(quickstart_out / "status.csv") == cols(STATUS)
    h = header(quickstart_out / "intervals.csv")
    assert all(c in h for c in cols(INTERVALS)) and h[:2] == ["interval_start", "queue"]
    assert header(quickstart_out / "agents.csv")[0] == "agent"
    assert set(AGENT_KEYS) <= set(header(quickstart_out / "agents.csv"))
    summary = json.loads((quickstart_out / "summary.json").read_text())
    assert {"scenario", "seed", "replications", "timing", "queues", "agents"} <= set(summary)
    assert set(QUEUE_KEYS) <= set(summary["queues"]["208"])
    assert set(summary["agents"]) == {"local/1", "remote/9"}
    for a in summary["agents"].values():
        assert set(AGENT_KEYS) <= set(a)


def test_summary_counts_add_up_and_match_calls_csv(quickstart_out: Path):
    """Conservation: offered = answered + abandoned + timeout + no_agent_timeout + in_queue."""
    q = json.loads((quickstart_out / "summary.json").read_text())["queues"]["208"]
    with (quickstart_out / "calls.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert q["offered"] == len(rows)
    assert q["offered"] == q["answered"] + q["abandoned"] + q["timeout"] + q["no_agent_timeout"] + q["in_queue_at_end"]
    answered = [float(r["wait_time"]) for r in rows if r["outcome"] == "answered"]
    assert q["asa"] == pytest.approx(sum(answered) / len(answered), abs=1e-3)
    assert sum(q["answered_by_level"].values()) == q["answered"]


def test_replication_column_and_ci95_with_several_replications(tmp_path: Path):
    """§11: with replications > 1 every row file has a replication column and ci95 holds intervals."""
    sc = with_overrides(acdsim.load_scenario(ROOT / "scenarios/quickstart.yaml"), horizon=3600, replications=3)
    assert run_scenario(sc, tmp_path, quiet=True) == 0
    for name in ("calls.csv", "offers.csv", "agents.csv", "status.csv", "intervals.csv"):
        assert header(tmp_path / name)[0] == "replication", name
    q = json.loads((tmp_path / "summary.json").read_text())["queues"]["208"]
    low, high = q["ci95"]["offered"]
    assert low <= q["offered"] <= high


def _two_callers(strategy: str = "longest-idle-agent"):
    sc = scenario(
        agents=[agent(1)], strategy=strategy, timing="continuous", talk=100, horizon=300,
        behaviors={"default": {"answer_time": 3}},
    )
    return with_trace(sc, 1, [10.0, 20.0])


def test_status_resource_against_a_hand_timeline():
    """§11.1: A rings 10-13, talks 13-113; B waits from 20, rings 113-116, talks 116-216."""
    sc = _two_callers()
    expect = {
        5: (0, 0, 0),
        11: (0, 1, 0),
        50: (1, 0, 1),
        114: (0, 1, 0),
        150: (0, 0, 1),
        300: (0, 0, 0),
    }
    for at, (waiting, trying, answered) in expect.items():
        got = status_at(sc, at, queue=1)
        assert got == {"answered_members": answered, "trying_members": trying, "waiting_members": waiting}, at


def test_status_members_list_in_the_api_shape():
    """§11.1: members list: call_api_id, joined_datetime, number, serving_agent, state, wait_time."""
    sc = _two_callers()
    members = status_at(sc, 50.5, queue=1, members=True)
    assert [(m["call_api_id"], m["state"], m["serving_agent"], m["wait_time"]) for m in members] == [
        ("1-1", "Answered", "local/1", 40),
        ("1-2", "Waiting", "", 30),
    ]
    assert members[0]["joined_datetime"] == "2026-01-01 00:00:10"
    assert set(members[0]) == {"call_api_id", "joined_datetime", "number", "serving_agent", "state", "wait_time"}


def test_status_ring_all_member_is_trying_from_its_first_pass_E12():
    """E12: a ring-all caller is Trying after its first pass even with no agent free; serving_agent is the strategy."""
    sc = _two_callers("ring-all")
    members = status_at(sc, 50, queue=1, members=True)
    assert [(m["state"], m["serving_agent"]) for m in members] == [("Answered", "local/1"), ("Trying", "ring-all")]
    assert status_at(sc, 50, queue=1) == {"answered_members": 1, "trying_members": 1, "waiting_members": 0}


def test_agent_events_only_on_real_status_changes(tmp_path: Path):
    """§6.1: login only from logged_out to available/on-demand, logout on becoming logged_out, nothing on repeats."""
    events = [
        {"url": "http://127.0.0.1:9/in", "event_type": "agent-login", "method": "POST"},
        {"url": "http://127.0.0.1:9/out", "event_type": "agent-logout", "method": "GET"},
    ]
    sc = scenario(
        agents=[agent(1, extension_name="000*094@ringme.ru", events=events)],
        timing="pbx", horizon=600, drain=False,
        schedule=[
            {"at": 50, "agent": "local/1", "status": "available"},
            {"at": 100, "agent": "local/1", "status": "logged_out", "source": "phone"},
            {"at": 150, "agent": "local/1", "status": "logged_out"},
            {"at": 200, "agent": "local/1", "status": "on_break"},
            {"at": 300, "agent": "local/1", "status": "available"},
            {"at": 400, "agent": "local/1", "status": "logged_out"},
            {"at": 500, "agent": "local/1", "status": "available_on_demand", "source": "phone"},
        ],
    )
    assert run_scenario(sc, tmp_path, quiet=True) == 0
    lines = [json.loads(x) for x in (tmp_path / "agent_events.jsonl").read_text().splitlines()]
    assert [(e["time"], e["event_type"], e["url"], e["method"]) for e in lines] == [
        (100, "agent-logout", "http://127.0.0.1:9/out", "GET"),
        (400, "agent-logout", "http://127.0.0.1:9/out", "GET"),
        (500, "agent-login", "http://127.0.0.1:9/in", "POST"),
    ]
    assert lines[0]["data"] == {
        "agent_id": "1", "agent_status": "logged_out", "agent_type": "local",
        "extension_name": "000*094@ringme.ru", "event_source": "phone",
    }
    assert lines[2]["data"]["agent_status"] == "available"


def test_only_summary_writes_only_summary(tmp_path: Path):
    """--only summary: a run that keeps no per-caller file."""
    sc = with_overrides(acdsim.load_scenario(ROOT / "scenarios/quickstart.yaml"), horizon=3600)
    assert run_scenario(sc, tmp_path, quiet=True, only=["summary"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_interrupted_run_leaves_no_file_and_exits_130(tmp_path: Path, monkeypatch, capsys):
    """Ctrl-C: exit 130, partial files removed, stderr says what was (not) written."""
    from acdsim.engine import Simulation

    real = Simulation.run
    calls = {"n": 0}

    def interrupted(self, until=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(self, until)

    monkeypatch.setattr(Simulation, "run", interrupted)
    sc = with_overrides(acdsim.load_scenario(ROOT / "scenarios/quickstart.yaml"), horizon=600, replications=3)
    assert run_scenario(sc, tmp_path, quiet=True) == 130
    assert list(tmp_path.iterdir()) == []
    assert "interrupted after 1 of 3" in capsys.readouterr().err


# -- metamorphic checks: shared seeds, a few replications --------------------------------------


def _mm(n_agents: int, patience: float = 120, wrap: float = 0, reps: int = 4) -> dict:
    data = {
        "horizon": 4 * 3600, "timing": "continuous", "replications": reps, "seed": 11,
        "behaviors": {"default": {"answer_time": 0}},
        "queues": [{
            "id": 1, "agents": {"local": [{"agent_id": i} for i in range(n_agents)]},
            "callers": {
                "arrivals": {"calls_per_hour": 180},
                "talk_time": {"dist": "exponential", "mean": 180},
                "patience": {"dist": "exponential", "mean": patience},
            },
        }],
        "agents": {"local": [{"id": i, "wrap_up_time": wrap} for i in range(n_agents)]},
    }
    result = acdsim.simulate(acdsim.Scenario.model_validate(data))
    q = result.summary["queues"]["1"]
    agents = result.summary["agents"].values()
    occ = [a["occupancy"] for a in agents]
    handle = [a["handle_occupancy"] for a in agents]
    return {
        "mean_wait": q["mean_wait"], "abandon_rate": q["abandon_rate"],
        "occupancy": sum(occ) / len(occ), "handle": sum(handle) / len(handle),
    }


@pytest.mark.slow
def test_metamorphic_more_agents_lower_wait_and_abandon():
    """More agents ⇒ lower mean wait and abandon rate (same seeds)."""
    few, many = _mm(9), _mm(11)
    assert many["mean_wait"] < few["mean_wait"], f"expected mean wait to fall: 9 agents {few['mean_wait']:.2f} s, 11 agents {many['mean_wait']:.2f} s"
    assert many["abandon_rate"] < few["abandon_rate"], f"expected abandon rate to fall: 9 agents {few['abandon_rate']:.4f}, 11 agents {many['abandon_rate']:.4f}"


@pytest.mark.slow
def test_metamorphic_longer_patience_fewer_abandons():
    """Longer patience ⇒ fewer abandons (same seeds)."""
    short, long_ = _mm(9, patience=60), _mm(9, patience=300)
    assert long_["abandon_rate"] < short["abandon_rate"], f"expected fewer abandons: patience 60 s {short['abandon_rate']:.4f}, 300 s {long_['abandon_rate']:.4f}"


@pytest.mark.slow
def test_metamorphic_longer_wrap_up_higher_handle_occupancy():
    """Longer wrap-up ⇒ higher handle occupancy ((talk + wrap-up) ÷ logged-in) and longer waits.
    Occupancy as §11 defines it (talking ÷ logged-in) falls instead: wrap-up is not talking."""
    none, wrap = _mm(10, wrap=0), _mm(10, wrap=60)
    assert wrap["handle"] > none["handle"], f"expected higher handle occupancy with wrap-up: 0 s {none['handle']:.4f}, 60 s {wrap['handle']:.4f}"
    assert wrap["mean_wait"] > none["mean_wait"], f"expected longer waits with wrap-up: 0 s {none['mean_wait']:.2f}, 60 s {wrap['mean_wait']:.2f}"
    assert wrap["occupancy"] < none["occupancy"], f"expected lower talking occupancy with wrap-up: 0 s {none['occupancy']:.4f}, 60 s {wrap['occupancy']:.4f}"


def test_talk_and_handle_occupancy_are_named_in_summary_table_and_report(quickstart_out: Path, tmp_path: Path):
    """`occupancy` stays (talk / logged-in); `talk_occupancy` repeats it under a clear name,
    `handle_occupancy` adds wrap-up; the run table and the report show both by name."""
    from rich.console import Console

    from acdsim.output.table import summary_table
    from acdsim.report import build_report

    summary = json.loads((quickstart_out / "summary.json").read_text())
    for a in summary["agents"].values():
        assert a["talk_occupancy"] == a["occupancy"] == a["talk_time"] / a["logged_in_time"]
        assert a["handle_occupancy"] == (a["talk_time"] + a["wrap_up_time"]) / a["logged_in_time"]
    assert "talk_occupancy" in header(quickstart_out / "agents.csv")
    console = Console(record=True, width=200)
    console.print(summary_table(summary))
    text = console.export_text()
    assert "talk occupancy" in text and "handle occupancy" in text
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    page = build_report(tmp_path).read_text()
    assert "<th>talk occupancy</th>" in page and "<th>handle occupancy</th>" in page
    assert page.count("<th>talk occupancy</th>") == 1  # occupancy and talk_occupancy shown once
    tables = page[page.index('<table class="kpi'):page.rindex("</table>")]
    for raw in ("wrap_up_time", "handle_occupancy", "logged_in_time", "e+0"):
        assert raw not in tables, raw
