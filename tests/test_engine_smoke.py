"""First timelines: one agent, constant times, both timings."""

from simkit import agent, calls, offers, run, scenario


def test_single_call_continuous_answer_and_talk():
    sc = scenario(agents=[agent(1)], trace=[10.0], talk=100, timing="continuous")
    rec = run(sc)
    assert offers(rec) == [("1-1", "local/1", 10.0, 13.0, "answered")]
    c = calls(rec)["1-1"]
    assert (c.outcome, c.answered_at, c.left_at, c.wait_time) == ("answered", 13.0, 113.0, 3.0)


def test_single_call_pbx_dispatch_on_next_tick():
    sc = scenario(agents=[agent(1)], trace=[10.03], talk=100, timing="pbx")
    rec = run(sc)
    assert offers(rec) == [("1-1", "local/1", 10.1, 13.1, "answered")]
