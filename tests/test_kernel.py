"""The event kernel (engine/kernel.py): simpy's Environment with a loop for plain callbacks."""

from __future__ import annotations

from acdsim.engine.kernel import FIRST, LATE, Kernel


def test_callbacks_run_in_time_then_insertion_order_and_zero_delay_calls_queue_behind():
    k = Kernel()
    log = []

    def first():
        log.append(("first", k.t))
        k.call(0.0, log.append, ("zero-delay", k.t))  # behind what was already due at 1.0

    k.call(2.0, log.append, ("two", 2.0))
    k.call(1.0, first)
    k.call(1.0, log.append, ("also one", 1.0))
    k.run_until(10.0)
    assert log == [("first", 1.0), ("also one", 1.0), ("zero-delay", 1.0), ("two", 2.0)]
    assert k.t == 10.0 and k.now == 10.0  # the end was reached


def test_simpy_processes_and_timeouts_run_in_the_same_loop():
    k = Kernel()
    log = []

    def proc(env):
        yield env.timeout(1.5)
        log.append(("process", env.now))
        env_call_time = env.now
        k.call(0.5, log.append, ("call from process", env_call_time + 0.5))

    k.process(proc(k))
    k.call(1.0, log.append, ("call", 1.0))
    k.run_until(5.0)
    assert log == [("call", 1.0), ("process", 1.5), ("call from process", 2.0)]


def test_run_until_is_inclusive_and_halt_stops_at_its_turn():
    k = Kernel()
    log = []
    k.call(3.0, log.append, "at the end")
    k.call(4.0, log.append, "after the end")
    k.run_until(3.0)
    assert log == ["at the end"] and k.t == 3.0
    k2 = Kernel()
    k2.call(1.0, k2.halt)
    k2.call(1.0, log.append, "same instant, after the halt")
    k2.run_until(10.0)
    assert k2.t == 1.0 and "same instant, after the halt" not in log
    assert len(k2._queue) == 1  # the end-of-run entry was taken out again


def test_whole_seconds_clock_reading():
    k = Kernel(whole_seconds=True)
    seen = []
    k.call(2.7, lambda: seen.append((k.t, k.c)))
    k.run_until(5.0)
    assert seen == [(2.7, 2.0)]


def test_call_ranked_orders_entries_due_at_the_same_time_by_rank_before_scheduling_order():
    k = Kernel()
    log = []
    k.call(1.0, log.append, "normal, scheduled first")
    k.call_ranked(1.0, LATE, log.append, "late")
    k.call_ranked(1.0, FIRST, log.append, "first, scheduled last")
    k.call(1.0, log.append, "normal, scheduled second")
    k.call_ranked(1.0, LATE, log.append, "late at the end time still runs")  # before the end entry
    k.run_until(1.0)
    assert log == ["first, scheduled last", "normal, scheduled first", "normal, scheduled second", "late",
                   "late at the end time still runs"]


def test_next_is_later_only_inside_a_callback_with_nothing_else_due_at_its_time():
    k = Kernel()
    seen = []

    def probe(label):
        seen.append((label, k.next_is_later()))

    def with_zero_delay_call():
        k.call(0.0, probe, "zero-delay call")
        probe("a call is queued behind")

    k.call(1.0, probe, "a")
    k.call(1.0, probe, "b")  # "a" sees "b" due at the same time
    k.call(2.0, with_zero_delay_call)
    k.call(3.0, probe, "alone")
    assert not k.next_is_later()  # not running
    k.run_until(5.0)
    assert seen == [("a", False), ("b", True), ("a call is queued behind", False), ("zero-delay call", True),
                    ("alone", True)]
