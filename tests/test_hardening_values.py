"""Hardening of the loader against bad VALUES: every bad input is one line per problem naming
file, line and path, exit status 2, never a traceback (exit 1) nor a run without end."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acdsim import loader_yaml
from acdsim.cli import main
from acdsim.engine.streams import Streams
from acdsim.errors import Problem, ScenarioError
from acdsim.loader import load_scenario_data, load_scenario_text
from acdsim.model import Gamma, LogNormal
from acdsim.units import DURATION_PATTERN, MAX_DURATION, parse_duration, scan_duration

MINIMAL = """\
horizon: 1h
queues:
  - id: 1
    agents: {local: [{agent_id: 1}]}
    callers:
      arrivals: {calls_per_hour: 60}
      talk_time: 120
agents:
  local: [{id: 1}]
"""
QUICKSTART = str(Path(__file__).resolve().parent.parent / "scenarios" / "quickstart.yaml")
LINE = re.compile(r"^error: (?P<file>[^\n]+?)(?::(?P<line>\d+))?: (?P<rest>[^\n]+)$")


def validate(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Run ``acdsim validate`` on ``text``; return the status and the stderr lines (checked to
    be well-formed error lines)."""
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    status = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    if status == 2:
        for line in lines:
            assert LINE.match(line), line
    return status, lines


def one_problem(text: str) -> Problem:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, filename="s.yaml")
    problems = info.value.problems
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


# --- 1. numbers out of range -----------------------------------------------------------------


def test_a_huge_report_interval_is_refused_with_the_maximum() -> None:
    problem = one_problem(MINIMAL + "report: {interval: 9999999999999999999999999999999999999999}\n")
    assert problem.line == 10 and problem.path == ("report", "interval")
    assert "at most 315360000 s (10 years)" in problem.message


def test_a_queue_id_beyond_64_bits_is_refused() -> None:
    problem = one_problem(MINIMAL.replace("id: 1\n", f"id: {10**39}\n", 1))
    assert problem.path == ("queues", 0, "id")
    assert problem.message == f"must be <= 9223372036854775807, got {10**39}"


def test_the_64_bit_limits_of_ids_are_accepted() -> None:
    text = MINIMAL.replace("- id: 1\n", f"- id: {2**63 - 1}\n").replace("{id: 1}", f"{{id: {-(2**63)}}}")
    text = text.replace("agent_id: 1", f"agent_id: {-(2**63)}")
    scenario = load_scenario_text(text)
    assert scenario.queues[0].id == 2**63 - 1 and scenario.agents.local[0].id == -(2**63)


def test_a_5000_digit_integer_is_one_short_problem() -> None:
    problem = one_problem(MINIMAL + "seed: " + "7" * 5000 + "\n")
    assert problem.path == ("seed",) and "has more than 400 digits" in problem.message
    assert len(problem.format()) < 300


def test_a_huge_hex_integer_is_one_short_problem() -> None:
    problem = one_problem(MINIMAL + "seed: 0x" + "f" * 2000 + "\n")
    assert "has more than 400 digits" in problem.message and len(problem.format()) < 300


def test_a_huge_integer_given_as_data_is_described_not_written_out() -> None:
    data = yaml.safe_load(MINIMAL)
    data["seed"] = 10**5000  # Python cannot write it in decimal (int max str digits)
    with pytest.raises(ScenarioError) as info:
        load_scenario_data(data)
    (problem,) = info.value.problems
    assert problem.message == "must be <= 9223372036854775807, got a number of about 5,001 digits"


def test_durations_are_at_most_ten_years() -> None:
    assert parse_duration(MAX_DURATION) == MAX_DURATION == 10 * 365 * 86400
    assert parse_duration("3650d") == MAX_DURATION
    for value in ("3651d", MAX_DURATION + 1, 10**400, "1e400", 1e300):
        with pytest.raises(ValueError, match=r"at most 315360000 s|must be finite"):
            parse_duration(value)


@pytest.mark.parametrize(
    ("snippet", "path", "message"),
    [
        ("replications: 1000001", ("replications",), "must be <= 100000"),
        ("seed: 9223372036854775808", ("seed",), "must be <= 9223372036854775807"),
        ("behaviors: {slow: {talk_time_factor: 1001}}", ("behaviors", "slow", "talk_time_factor"), "must be <= 1000"),
    ],
)
def test_counts_and_factors_are_bounded(snippet: str, path: tuple[object, ...], message: str) -> None:
    problem = one_problem(MINIMAL + snippet + "\n")
    assert problem.path == path and problem.message.startswith(message)


def test_rates_are_bounded() -> None:
    problem = one_problem(MINIMAL.replace("calls_per_hour: 60", "calls_per_hour: 1.0e7"))
    assert problem.path[-1] == "calls_per_hour" and problem.message.startswith("must be <= 1000000")


def test_counts_inside_queues_and_distributions_are_bounded() -> None:
    problem = one_problem(MINIMAL.replace("talk_time: 120", "talk_time: {dist: erlang, mean: 60, k: 10000000}"))
    assert problem.path[-1] == "k" and problem.message.startswith("must be <= 1000000")
    problem = one_problem(MINIMAL.replace("agent_id: 1}", "agent_id: 1, level: 9223372036854775808}"))
    assert problem.path[-1] == "level"


# --- 2. explicit YAML tags --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "!!bool maybe",
        "!!float",
        "!!float abc",
        "!!int x",
        "!!int",
        "!!timestamp foo",
        "!!null foo",
        "!!python/object:os.system x",
        "!!python/object/apply:os.system [echo hi]",
        "!!python/name:os.system",
        "!foo bar",
        "!foo {a: 1}",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!omap [a: 1]",
        "!!pairs [a: 1]",
        "!!map x",
        "!!seq x",
        "!!str {a: 1}",
        "!<tag:example.com,2000:x> 1",
    ],
)
def test_an_explicit_tag_is_one_error_at_its_line(value: str) -> None:
    problem = one_problem(MINIMAL + f"name: {value}\n")
    assert problem.line == 10 and problem.path == ("name",)
    assert "cannot read" in problem.message


def test_a_bad_tag_on_a_mapping_key_is_reported() -> None:
    problems = load_problems(MINIMAL + "behaviors: {!!bool maybe: {}}\n")
    assert any("cannot read value 'maybe' as !!bool" in p.message for p in problems)


def load_problems(text: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, filename="s.yaml")
    return info.value.problems


def test_plain_merge_and_value_indicators_are_text() -> None:
    assert load_scenario_text(MINIMAL + "name: <<\n").name == "<<"
    assert load_scenario_text(MINIMAL + "name: =\n").name == "="


# --- 3. deep nesting --------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [65, 200, 999, 1500, 100_000])
def test_deep_flow_nesting_is_one_error(depth: int) -> None:
    problem = one_problem(MINIMAL + "name: " + "[" * depth + "]" * depth + "\n")
    assert "nested more than 64 lists or mappings deep" in problem.message


def test_deep_block_nesting_is_one_error() -> None:
    body = "".join(" " * i + "a:\n" for i in range(1, 3000))
    problem = one_problem(MINIMAL + "name:\n" + body)
    assert "nested more than 64" in problem.message


def test_nesting_up_to_the_limit_is_read() -> None:
    problem = one_problem(MINIMAL + "name: " + "[" * 63 + "]" * 63 + "\n")
    assert problem.message == "expected a string, got a list"


def test_the_pure_python_composer_is_guarded_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader_yaml, "_SafeLoader", yaml.SafeLoader)
    problem = one_problem(MINIMAL + "name: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested more than 64" in problem.message


# --- 4. references resolve to what the engine uses ---------------------------------------------


@pytest.mark.parametrize(("ref", "canonical"), [("local/01", "local/1"), ("local/-0", "local/0"), ("remote/007", "remote/7")])
def test_an_agent_reference_with_leading_zeros_is_refused(ref: str, canonical: str) -> None:
    text = MINIMAL.replace("local: [{id: 1}]", "local: [{id: 1}, {id: 0}]\n  remote: [{id: 7}]")
    problem = one_problem(text + f"schedule: [{{agents: [{ref}], from: 0, to: 10m}}]\n")
    assert problem.path == ("schedule", 0, "agents")
    assert problem.message.endswith(f"write {canonical!r}")


def test_an_agent_reference_beyond_64_bits_is_refused() -> None:
    problem = one_problem(MINIMAL + "schedule: [{agent: local/99999999999999999999, at: 0, status: on_break}]\n")
    assert "out of range" in problem.message
    problem = one_problem(MINIMAL + "schedule: [{agent: local/" + "9" * 5000 + ", at: 0, status: on_break}]\n")
    assert "is not an agent reference" in problem.message and len(problem.format()) < 300


def test_a_negative_agent_id_can_be_scheduled_and_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = MINIMAL.replace("agent_id: 1", "agent_id: -5").replace("{id: 1}", "{id: -5}")
    text = text.replace("horizon: 1h", "horizon: 10m")
    text += "schedule: [{agents: [local/-5], from: 0, to: 5m}, {agent: local/-5, at: 6m, status: available}]\n"
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["run", str(path), "-o", str(tmp_path / "out"), "-q"]) == 0, capsys.readouterr().err


# --- 5. dates past the year 9999 ----------------------------------------------------------------


def test_a_start_too_late_for_the_simulated_time_is_refused() -> None:
    problem = one_problem(MINIMAL + "start: 9999-12-31 00:00:00\n")
    assert problem.path == ("start",) and problem.line == 10
    assert "start at 9999-12-30 22:59:59 at the latest" in problem.message


def test_the_drain_limit_counts_only_when_draining(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = MINIMAL.replace("horizon: 1h", "horizon: 10m") + "start: 9999-12-31 23:00:00\ndrain: false\n"
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["run", str(path), "-o", str(tmp_path / "out"), "-q"]) == 0, capsys.readouterr().err
    problem = one_problem(text.replace("drain: false", "drain: true"))
    assert "horizon + drain_limit" in problem.message


def test_a_late_start_with_a_time_zone_is_checked() -> None:
    problem = one_problem(MINIMAL + "start: 9999-12-31T20:00:00+05:00\n")
    assert problem.path == ("start",)


# --- 6. distribution parameters the sampler can draw with --------------------------------------


@pytest.mark.parametrize(
    ("dist", "message"),
    [
        ("{dist: gamma, mean: 1, sd: 1e200}", "at most 315360000 s"),
        ("{dist: gamma, mean: 1, sd: 1e5}", "gamma sd must be between 0.001 x mean and 1000 x mean"),
        ("{dist: gamma, mean: 1e8, sd: 1e-300}", "gamma sd must be between"),
        ("{dist: lognormal, mean: 1e-300, sd: 1}", "lognormal sd must be between 0 and 1000 x mean"),
    ],
)
def test_unsamplable_parameters_are_refused(dist: str, message: str) -> None:
    problem = one_problem(MINIMAL.replace("talk_time: 120", f"talk_time: {dist}"))
    assert problem.path[:3] == ("queues", 0, "callers") and message in problem.message


positive = st.floats(min_value=5e-324, max_value=MAX_DURATION, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(mean=positive, sd=positive, gamma=st.booleans())
def test_every_accepted_gamma_or_lognormal_draws_finite_values(mean: float, sd: float, gamma: bool) -> None:
    model = Gamma if gamma else LogNormal
    try:
        dist = model.model_validate({"dist": "gamma" if gamma else "lognormal", "mean": mean, "sd": sd})
    except ValueError:
        return
    draw = Streams(1, 0).sampler(dist, "x")
    values = [draw() for _ in range(20)]
    assert all(math.isfinite(v) and v >= 0 for v in values)


# --- 7. base-60 numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "read"), [("horizon: 8:00", "480"), ("horizon: 1:30.5", "90.5"), ("horizon: 1:00:00", "3600")])
def test_a_base_60_number_is_refused(text: str, read: str) -> None:
    problem = one_problem(MINIMAL.replace("horizon: 1h", text))
    assert problem.path == ("horizon",) and problem.line == 1
    assert f"is a base-60 number in YAML 1.1 ({read})" in problem.message and '"8h" or "8m"' in problem.message


def test_a_base_60_number_is_refused_in_a_text_field_too() -> None:
    problem = one_problem(MINIMAL + "name: 8:00\n")
    assert "base-60" in problem.message and 'quote text ("8:00")' in problem.message


def test_a_quoted_clock_time_as_a_duration_says_to_write_a_unit(capsys: pytest.CaptureFixture[str]) -> None:
    problem = one_problem(MINIMAL.replace("horizon: 1h", 'horizon: "8:00"'))
    assert problem.message == "'8:00' is not a duration: hours or minutes? write it with a unit (\"8h\", \"8m\", \"1h30m\")"
    assert main(["run", QUICKSTART, "--horizon", "8:00"]) == 2
    assert "hours or minutes?" in capsys.readouterr().err


# --- 8. durations in linear time, the syntax unchanged --------------------------------------------

# The syntax as it was (a regex that backtracks polynomially): the oracle for short strings.
_OLD_SIMPLE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(ms|s|min|m|h|d)?\s*$")
_P = r"(?:[0-9]*\.?[0-9]+)"
_OLD_COMPOUND = re.compile(
    rf"^\s*(?:(?P<d>{_P})d)?\s*(?:(?P<h>{_P})h)?\s*(?:(?P<m>{_P})m(?!s))?\s*"
    rf"(?:(?P<s>{_P})s)?\s*(?:(?P<ms>{_P})ms)?\s*$"
)
_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def old_parse(value: str) -> float | None:
    match = _OLD_SIMPLE.match(value)
    if match is not None:
        return float(match.group(1)) * _SECONDS[match.group(2) or "s"]
    parts = _OLD_COMPOUND.match(value)
    if parts is None or not any(parts.groupdict().values()):
        return None
    return sum(float(v) * _SECONDS[k] for k, v in parts.groupdict().items() if v)


pieces = st.sampled_from(["0", "1", "25", ".", ".5", "e", "E", "+", "-", "3e2", " ", "\t", "\n", "\u00a0",
                          "ms", "s", "m", "min", "h", "d", "x", ":", "1h", "30m", "٣"])


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(pieces, max_size=8).map("".join), st.text(max_size=12)))
def test_the_scanner_reads_exactly_the_old_syntax(text: str) -> None:
    assert scan_duration(text) == old_parse(text)
    assert (re.match(DURATION_PATTERN, text) is not None) == (scan_duration(text) is not None)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_string_is_a_duration_or_a_value_error(text: str) -> None:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        assert "\n" not in str(exc).replace(repr(text), "")
    else:
        assert 0 <= seconds <= MAX_DURATION


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (" " * 10_000 + "x", None),
        ("1" * 10_000 + "x", None),
        ("8" * 8_000 + "x", None),
        ("1" + " " * 10_000 + "x", None),
        ("1d" + " " * 10_000 + "x", None),
        ("1h" * 5_000, None),
        ("1" * 5_000 + "." + "1" * 5_000 + "y", None),
        ("0" * 9_998 + "1s", 1.0),
        ("1h" + " " * 10_000 + "30m", 5400.0),
        (" " * 10_000 + "90s" + " " * 10_000, 90.0),
    ],
)
def test_long_inputs_are_read_correctly(text: str, seconds: float | None) -> None:
    # A backtracking regex would take hours here (the old one grew as n^5); no timing is asserted.
    assert scan_duration(text) == seconds
    assert (re.match(DURATION_PATTERN, text) is not None) == (seconds is not None)


def test_a_long_horizon_string_is_refused_in_the_file_and_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    problem = one_problem(MINIMAL.replace("horizon: 1h", 'horizon: "' + " " * 100 + 'x"'))
    assert "is not a duration" in problem.message and len(problem.format()) < 300
    assert main(["run", QUICKSTART, "--horizon", "9" * 8000 + "x"]) == 2
    assert "is not a duration" in capsys.readouterr().err


# --- 9. error lines cannot be forged ----------------------------------------------------------------


def test_a_quoted_value_with_a_newline_prints_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forged = "x\\nerror: other.yaml:1: forged line\\ny.csv"
    text = MINIMAL.replace("arrivals: {calls_per_hour: 60}", f'arrivals: {{trace: "{forged}"}}')
    status, lines = validate(tmp_path, text, capsys)
    assert status == 2 and len(lines) == 1 and "other.yaml" in lines[0]
    assert "\\nerror: other.yaml:1: forged line\\n" in lines[0]


def test_keys_and_escape_sequences_are_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = MINIMAL + '"bad\\nkey\\u001b[31m": 1\nname: "a\\u2028b"\nwarmup: "\\r-5s"\n'
    status, lines = validate(tmp_path, text, capsys)
    assert status == 2 and len(lines) == 2
    assert "['bad\\nkey\\x1b[31m']" in lines[0]


def test_a_problem_is_always_one_printable_line() -> None:
    problem = Problem("dir\n/x\x1b.yaml", 3, ("a\nb", 1), "got 'x\r\ny' \u2028 \x00 end")
    line = problem.format()
    assert line.isprintable() and "\n" not in line
    assert line == "error: dir\\n/x\\x1b.yaml:3: ['a\\nb'][1]: got 'x\\r\\ny' \\u2028 \\x00 end"
    assert Problem("a.yaml", 1, ("queues", 0, "id"), "plain é ü message").format() == (
        "error: a.yaml:1: queues[0].id: plain é ü message"
    )


# --- 10. validator polish -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["warmup: -30m", 'warmup: "-30m"', "warmup: -1800", "warmup: ' -1h30m '"])
def test_a_negative_duration_says_at_least_zero(text: str) -> None:
    problem = one_problem(MINIMAL + text + "\n")
    assert problem.message.startswith("a duration must be >= 0, got ")


def test_the_profile_order_is_reported_when_another_row_is_invalid() -> None:
    text = MINIMAL.replace(
        "arrivals: {calls_per_hour: 60}",
        "arrivals:\n        profile:\n          - {at: 0, calls_per_hour: 20}\n          - {at: 2h, calls_per_hour: 60}\n"
        "          - {at: 1h, calls_per_hour: -40}\n          - {at: 30m, calls_per_hour: 40}",
    )
    problems = load_problems(text)
    messages = {(p.path[-1], p.message) for p in problems}
    assert messages == {
        ("profile", "'at' values must increase strictly (1800 follows 7200)"),
        ("calls_per_hour", "must be >= 0, got -40"),
    }


def test_a_sorted_profile_with_an_invalid_row_has_only_the_row_problem() -> None:
    text = MINIMAL.replace(
        "arrivals: {calls_per_hour: 60}",
        "arrivals: {profile: [{at: 0, calls_per_hour: 20}, {at: 1h, calls_per_hour: x}, {at: 2h, calls_per_hour: 1}]}",
    )
    (problem,) = load_problems(text)
    assert problem.path[-1] == "calls_per_hour"


# --- the CLI never fails with exit 1 on a small mutated scenario --------------------------------------

_FRAGMENTS = [
    "8:00", "!!bool maybe", "!!float", "!foo x", "[[[[[[]]]]]]", "1e999", "-1", "-30m", "0x" + "f" * 30,
    "9" * 40, "local/01", "'x\\n'", "{dist: gamma, mean: 1, sd: 1e9}", "{a: [1, {b: 2}]}", "~", "''", "&a [*a]",
    "9999-12-31", "2h30x", "\"1h 30m\"", "1:2:3:4:5:6:7:8:9", ".inf", ".nan", "!!timestamp x", "<<",
]
_PLACES = ["horizon", "seed", "name", "warmup", "replications", "start", "drain_limit"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(_PLACES), st.sampled_from(_FRAGMENTS)), min_size=1, max_size=3, unique_by=lambda t: t[0]))
def test_validate_exits_0_or_2_never_1(tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: list[tuple[str, str]]) -> None:
    text = MINIMAL.replace("horizon: 1h\n", "")
    text += "".join(f"{key}: {value}\n" for key, value in edits)
    if not any(key == "horizon" for key, _ in edits):
        text += "horizon: 1h\n"
    status, _ = validate(tmp_path, text, capsys)
    assert status in (0, 2)


def test_a_command_line_error_is_one_printable_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", QUICKSTART, "--bad\x1b[31m\nerror: forged"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err and "\\x1b" in err
