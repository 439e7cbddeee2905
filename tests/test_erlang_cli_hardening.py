"""`acdsim erlang` hardening: percentages read one way, one threshold name, absurd sizes,
and the staffing table of a forecast CSV (`--forecast`)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from acdsim import erlang
from acdsim.cli import main
from acdsim.erlang import agents_for_service_level, erlang_a, mmc
from acdsim.forecast import read_forecast
from acdsim.percent import parse_percent, parse_target


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["erlang", *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


# ----------------------------------------------------------------------------- percentages


@pytest.mark.parametrize(
    ("text", "fraction"),
    [("80%", 0.8), ("80", 0.8), ("0.8%", 0.008), (" 5 % ", 0.05), ("100%", 1.0), ("0", 0.0),
     (0.8, 0.8), (0, 0.0), (1, 1.0)],
)  # fmt: skip
def test_parse_percent_reads_text_as_percent_and_numbers_as_fractions(text, fraction):
    assert parse_percent(text) == pytest.approx(fraction)


@pytest.mark.parametrize(
    "bad", ["0.8", "101%", "abc", "", "-5%", "nan%", 80, 1.5, True, None, [80]]
)
def test_parse_percent_refuses_ambiguous_and_out_of_range(bad):
    with pytest.raises(ValueError):
        parse_percent(bad)


def test_parse_percent_ambiguous_message_says_how_to_write_it():
    with pytest.raises(ValueError, match=r"write 80% for 80 %, or 0.8% if you really mean 0.8 %"):
        parse_percent("0.8")


@pytest.mark.parametrize(
    ("text", "target"),
    [("80/20", (0.8, 20.0)), ("80%/20", (0.8, 20.0)), ("80%/20s", (0.8, 20.0)),
     ("90%/30s", (0.9, 30.0)), ("0.8%/20", (0.008, 20.0)), (" 95 / 1m ", (0.95, 60.0)),
     ((0.8, 20), (0.8, 20.0))],
)  # fmt: skip
def test_parse_target_forms(text, target):
    assert parse_target(text) == pytest.approx(target)


@pytest.mark.parametrize(
    "bad", ["0.8/20", "100/20", "0/20", "80/-2", "80", "80/soon", (80, 20), 0.8]
)
def test_parse_target_refuses(bad):
    with pytest.raises(ValueError):
        parse_target(bad)


def test_target_0_8_slash_20_is_refused_with_how_to_write_it(capsys):
    code, _, err = run(capsys, "--calls-per-hour", "170", "--aht", "180", "--target", "0.8/20")
    assert code == 2
    line = one_error_line(err)
    assert "write 80/20 for 80 % within 20 s, or 0.8%/20 if you really mean 0.8 %" in line


def test_target_80_20_staffs_12_agents_where_0_8_percent_staffed_9(capsys):
    # the example: 170 calls/h x 180 s = 8.5 Erl; 0.8/20 used to be read as 0.8 %
    code, out, _ = run(
        capsys, "--calls-per-hour", "170", "--aht", "180", "--target", "80/20", "--json"
    )
    assert code == 0 and json.loads(out)["answer_agents"] == 12
    code, out, _ = run(
        capsys, "--calls-per-hour", "170", "--aht", "180", "--target", "80%/20", "--json"
    )
    assert code == 0 and json.loads(out)["answer_agents"] == 12
    code, out, _ = run(
        capsys, "--calls-per-hour", "170", "--aht", "180", "--target", "0.8%/20", "--json"
    )
    assert code == 0 and json.loads(out)["answer_agents"] == 9


# ----------------------------------------------------------------------------- threshold name


def test_threshold_is_the_argument_name_and_sl_threshold_still_works_with_a_warning():
    new_c, new_a = mmc(900, 180, 50, threshold=30), erlang_a(900, 180, 50, 120, threshold=30)
    assert mmc(900, 180, 50, 30) == new_c  # positional unchanged
    with pytest.warns(DeprecationWarning, match="threshold"):
        assert mmc(900, 180, 50, sl_threshold=30) == new_c
    with pytest.warns(DeprecationWarning, match="threshold"):
        assert erlang_a(900, 180, 50, 120, sl_threshold=30) == new_a
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mmc(900, 180, 50, threshold=30)
        erlang_a(900, 180, 50, patience=120, threshold=30)


# ----------------------------------------------------------------------------- absurd sizes


@pytest.mark.parametrize(
    "args",
    [
        ["--calls-per-hour", "1e308", "--aht", "180"],
        ["--calls-per-hour", "1e9", "--aht", "1e9", "--patience", "1"],
        ["--calls-per-hour", "1e7", "--aht", "1e9"],
        ["--calls-per-hour", "inf", "--aht", "180"],
        ["--calls-per-hour", "3.6e5", "--aht", "101", "--patience", "120"],
    ],
)
def test_absurd_sizes_end_in_one_error_line(capsys, args):
    code, _, err = run(capsys, *args)
    assert code == 2
    one_error_line(err)


def test_huge_erlang_c_load_is_answered_with_an_asymptotic_note(capsys):
    code, out, err = run(capsys, "--calls-per-hour", "1e7", "--aht", "1e4", "--target", "80/20")
    assert code == 0, err
    assert "figures are asymptotic (Halfin-Whitt" in out
    code, out, _ = run(capsys, "--calls-per-hour", "1e7", "--aht", "1e4", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["asymptotic"] is True and "asymptotic" in doc["note"]
    load = 1e7 * 1e4 / 3600
    assert load < doc["answer_agents"] < load + 3 * load**0.5
    assert len(doc["rows"]) <= 40


def test_exact_loads_carry_no_asymptotic_note(capsys):
    code, out, _ = run(capsys, "--calls-per-hour", "900", "--aht", "180", "--json")
    assert code == 0 and json.loads(out)["asymptotic"] is False


@pytest.mark.parametrize("load", [1_000, 5_000, 10_000])
def test_halfin_whitt_staffs_like_the_exact_erlang_c(monkeypatch, load):
    cph = load * 3600 / 180
    exact = agents_for_service_level(cph, 180, 0.8, 20)
    monkeypatch.setattr(erlang.asymptotic, "ASYMPTOTIC_LOAD", 0.0)
    assert abs(agents_for_service_level(cph, 180, 0.8, 20) - exact) <= 1


def test_erlang_b_refuses_a_server_count_too_large_to_evaluate():
    with pytest.raises(ValueError, match="servers"):
        erlang.log_erlang_b(10**12, 10**12)


# ----------------------------------------------------------------------------- --forecast


def write(tmp_path: Path, text: str, name: str = "fc.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_forecast_reader_intervals_clock_times_and_blank_lines(tmp_path):
    path = write(tmp_path, "at;calls;aht\n08:00;75;\n08:30;150;200\n09:30;10;\n\n\n")
    rows = read_forecast(path, interval=900)
    assert [r.at for r in rows] == [8 * 3600, 8.5 * 3600, 9.5 * 3600]
    assert [r.interval for r in rows] == [1800, 3600, 900]  # to the next row; the last: 900
    assert [r.calls_per_hour for r in rows] == [150, 150, 40]
    assert [r.aht for r in rows] == [None, 200, None]
    assert [r.clock for r in rows] == ["08:00", "08:30", "09:30"]


def test_forecast_reader_durations_and_calls_per_hour(tmp_path):
    path = write(tmp_path, "AT,Calls_Per_Hour\n0,900\n30m,450\n")
    rows = read_forecast(path)
    assert [(r.at, r.calls_per_hour, r.interval) for r in rows] == [
        (0, 900, 1800),
        (1800, 450, 1800),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at,calls\n08:00,x\n", "fc.csv:2: calls: expected a number >= 0, got 'x'"),
        ("at,calls\n08:00,5\n07:00,5\n", "fc.csv:3: at: must come after"),
        ("at,calls\n25:00,5\n", "fc.csv:2: at: '25:00'"),
        ("at,calls,aht\n0,5,0\n", "fc.csv:2: aht: must be > 0"),
        ("at,calls\n0,5,6\n", "fc.csv:2: 3 cells, the header has 2"),
        ("at,calls,colour\n0,5,red\n", "fc.csv:1: unknown column 'colour'"),
        ("at,calls,calls_per_hour\n0,5,6\n", "fc.csv:1: need exactly one of"),
        ("at,calls\n", "the forecast has a header but no row"),
        ("\n\n", "the forecast is empty"),
    ],
)
def test_forecast_bad_cells_name_file_row_and_column(tmp_path, capsys, text, expected):
    path = write(tmp_path, text)
    code, _, err = run(capsys, "--forecast", str(path), "--aht", "180")
    assert code == 2
    assert expected in err, err
    assert all(line.startswith("error: ") for line in err.strip().splitlines())


def test_forecast_reports_every_bad_cell_at_once(tmp_path, capsys):
    path = write(tmp_path, "at,calls\n0,x\n30m,-1\n1h,3\n")
    code, _, err = run(capsys, "--forecast", str(path), "--aht", "180")
    assert code == 2
    assert len(err.strip().splitlines()) == 2 and ":2: calls" in err and ":3: calls" in err


def test_forecast_binary_file_is_one_error_line(tmp_path, capsys):
    path = tmp_path / "fc.csv"
    path.write_bytes(b"\x00\xff\xfe garbage")
    code, _, err = run(capsys, "--forecast", str(path), "--aht", "180")
    assert code == 2
    one_error_line(err)


def test_forecast_table_one_row_per_interval(tmp_path, capsys):
    path = write(tmp_path, "at,calls,aht\n08:00,450,\n08:30,0,\n09:00,900,200\n")
    code, out, err = run(capsys, "--forecast", str(path), "--aht", "180", "--json")
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert [r["clock"] for r in rows] == ["08:00", "08:30", "09:00"]
    assert [r["calls_per_hour"] for r in rows] == [900, 0, 1800]
    assert [r["aht"] for r in rows] == [180, 180, 200]
    assert rows[0]["agents"] == agents_for_service_level(900, 180, 0.8, 20) == 51
    assert rows[1]["agents"] == 0 and rows[1]["service_level"] is None
    assert rows[2]["agents"] == agents_for_service_level(1800, 200, 0.8, 20)
    assert rows[0]["load_erlangs"] == pytest.approx(45.0)
    assert rows[0]["handle_occupancy"] == pytest.approx(45 / 51)

    code, out, _ = run(capsys, "--forecast", str(path), "--aht", "3m")
    assert code == 0
    assert "08:30" in out and "handle occupancy" in out


def test_forecast_with_patience_uses_erlang_a(tmp_path, capsys):
    path = write(tmp_path, "at,calls_per_hour\n0,900\n")
    code, out, _ = run(
        capsys, "--forecast", str(path), "--aht", "180", "--patience", "120", "--json"
    )
    doc = json.loads(out)
    assert code == 0 and doc["model"] == "erlang_a"
    assert doc["rows"][0]["agents"] == 46
    assert doc["rows"][0]["p_abandon"] == pytest.approx(erlang_a(900, 180, 46, 120).p_abandon)


def test_forecast_last_interval_from_the_interval_option(tmp_path, capsys):
    path = write(tmp_path, "at,calls\n0,100\n")
    code, out, _ = run(
        capsys, "--forecast", str(path), "--aht", "180", "--interval", "15m", "--json"
    )
    assert code == 0 and json.loads(out)["rows"][0]["calls_per_hour"] == 400


@pytest.mark.parametrize(
    "args",
    [
        ["--calls-per-hour", "900"],  # with --forecast
        ["--agents", "40-50"],
    ],
)
def test_forecast_refuses_single_traffic_options(tmp_path, capsys, args):
    path = write(tmp_path, "at,calls\n0,100\n")
    code, _, err = run(capsys, "--forecast", str(path), "--aht", "180", *args)
    assert code == 2
    one_error_line(err)


def test_forecast_rows_without_aht_need_the_aht_option(tmp_path, capsys):
    path = write(tmp_path, "at,calls,aht\n0,100,\n")
    code, _, err = run(capsys, "--forecast", str(path))
    assert code == 2 and "--aht" in one_error_line(err)


def test_erlang_without_traffic_is_one_error_line(capsys):
    code, _, err = run(capsys, "--aht", "180")
    assert code == 2 and "--calls-per-hour" in one_error_line(err)
