"""Experiment: the control's result always, the candidate only observed, nothing leaks to the caller."""

from __future__ import annotations

import json
import random
import threading
from typing import Callable

import pytest

from ionos_migrate.compat import Experiment
from ionos_migrate.compat.experiment import (
    CANDIDATE_WORKERS,
    ExperimentResult,
    JsonLinesPublisher,
    _candidate_pool,
    text_equal,
)


class ListPublisher:
    def __init__(self) -> None:
        self.results: list[ExperimentResult] = []

    def publish(self, result: ExperimentResult) -> None:
        self.results.append(result)


class BrokenPublisher:
    def publish(self, result: ExperimentResult) -> None:
        raise OSError("disk full")


def experiment(**options) -> tuple[Experiment, ListPublisher]:
    publisher = ListPublisher()
    return Experiment("summarise", publisher=publisher, **options), publisher


def test_match_returns_control_and_publishes_nothing() -> None:
    exp, published = experiment()
    exp.control(lambda: "Hello  world\n")
    exp.candidate(lambda: "hello world".capitalize())
    assert exp.run() == "Hello  world\n"
    assert published.results == [] and exp.stats.matches == 1


def test_mismatch_is_published_and_control_still_returned() -> None:
    exp, published = experiment(context={"user": 42})
    exp.control(lambda: {"answer": 300})
    exp.candidate(lambda: {"answer": 16})
    assert exp.run() == {"answer": 300}
    [result] = published.results
    record = result.to_json()
    assert record["outcome"] == "mismatch" and record["experiment"] == "summarise"
    assert record["control"]["value"] == '{"answer": 300}' and record["candidate"]["value"] == '{"answer": 16}'
    assert record["context"] == {"user": "42"}


def test_candidate_exception_never_reaches_the_caller() -> None:
    exp, published = experiment()
    exp.control(lambda: "ok")
    exp.candidate(lambda: 1 / 0)
    assert exp.run() == "ok"
    assert published.results[0].outcome == "candidate_error"
    assert "ZeroDivisionError" in published.results[0].to_json()["candidate"]["exception"]


def test_control_exception_is_raised_after_observing_the_candidate() -> None:
    exp, published = experiment()
    exp.control(lambda: {}["missing"])
    exp.candidate(lambda: "fine")
    with pytest.raises(KeyError):
        exp.run()
    assert published.results[0].outcome == "mismatch"


def test_same_exception_on_both_sides_is_a_match() -> None:
    exp, published = experiment()
    exp.control(lambda: int("x"))
    exp.candidate(lambda: int("x"))
    with pytest.raises(ValueError):
        exp.run()
    assert published.results == [] and exp.stats.matches == 1


def test_candidate_timeout_is_its_own_and_published() -> None:
    release = threading.Event()
    exp, published = experiment(timeout=0.05)
    exp.control(lambda: "control")
    exp.candidate(lambda: release.wait(10) and "late")
    try:
        assert exp.run() == "control"
    finally:
        release.set()
    assert published.results[0].outcome == "timeout"
    assert published.results[0].to_json()["candidate"]["timed_out"] is True


def test_a_candidate_still_queued_at_its_timeout_never_runs_later() -> None:
    # Hung candidates fill the bounded pool; the ones queued behind them must not pile up and run
    # long after their caller moved on.
    release = threading.Event()
    returned = 0  # run() calls that have returned
    late: list[int] = []  # candidates that started after their own run() returned

    def candidate_of(run: int) -> Callable[[], str]:
        def candidate() -> str:
            if returned >= run:
                late.append(run)
            release.wait(10)
            return "candidate"
        return candidate

    exp, published = experiment(timeout=0.05)
    exp.control(lambda: "control")
    try:
        for run in range(1, CANDIDATE_WORKERS + 3):
            exp.candidate(candidate_of(run))
            assert exp.run() == "control"
            returned = run
    finally:
        release.set()
    _candidate_pool().submit(lambda: None).result(10)  # what was queued before has started by now
    assert [r.outcome for r in published.results] == ["timeout"] * (CANDIDATE_WORKERS + 2)
    assert late == []


def test_broken_comparator_and_publisher_never_reach_the_caller() -> None:
    def comparator(a, b):
        raise RuntimeError("comparator bug")

    exp = Experiment("x", comparator=comparator, publisher=BrokenPublisher())
    exp.control(lambda: 1)
    exp.candidate(lambda: 1)
    assert exp.run() == 1
    assert exp.stats.mismatches == 1 and exp.stats.publish_errors == 1


def test_custom_comparator() -> None:
    exp, published = experiment(comparator=lambda a, b: a["output"] == b["choices"][0]["message"]["content"])
    exp.control(lambda: {"output": "hi"})
    exp.candidate(lambda: {"choices": [{"message": {"content": "hi"}}]})
    assert exp.run() == {"output": "hi"}
    assert published.results == []


def test_sampling_percentage() -> None:
    calls = []
    exp, _ = experiment(percent=25, rng=random.Random(7))
    exp.control(lambda: "c")
    exp.candidate(lambda: calls.append(1) or "c")
    for _ in range(400):
        exp.run()
    assert exp.stats.runs == 400
    assert exp.stats.sampled == len(calls)
    draws = random.Random(7)
    assert len(calls) == sum(draws.random() * 100 < 25 for _ in range(400))
    assert 60 < len(calls) < 140  # about a quarter


def test_zero_percent_never_runs_the_candidate() -> None:
    exp, _ = experiment(percent=0)
    exp.control(lambda: "c")
    exp.candidate(lambda: pytest.fail("candidate ran"))
    assert exp.run() == "c" and exp.stats.sampled == 0


def test_decorator_style_and_missing_control() -> None:
    exp, _ = experiment()
    with pytest.raises(ValueError):
        exp.run()

    @exp.control
    def old() -> str:
        return "a"

    assert exp.run() == "a"  # no candidate: just the control


@pytest.mark.parametrize("a, b, equal", [("a  b\n", "a b", True), ({"x": 1.0, "y": [1]}, {"y": [1], "x": 1}, True),
                                         ("a", "b", False), (b"hi", "hi", True)])
def test_default_comparator_is_normalised_text(a, b, equal) -> None:
    assert text_equal(a, b) is equal


def test_json_lines_publisher_is_bounded_and_redacts_tokens(tmp_path) -> None:
    path = tmp_path / "experiments.jsonl"
    exp = Experiment("e", publisher=JsonLinesPublisher(path, max_bytes=2000))
    exp.control(lambda: "Authorization: Bearer secret-token-123")
    exp.candidate(lambda: "x" * 300)
    for _ in range(20):
        exp.run()
    lines = path.read_text("utf-8").splitlines()
    backup = (tmp_path / "experiments.jsonl.1").read_text("utf-8").splitlines()
    assert path.stat().st_size <= 2000 and (tmp_path / "experiments.jsonl.1").stat().st_size <= 2000
    assert len(lines) + len(backup) < 20  # older records were dropped, the files stay bounded
    records = [json.loads(line) for line in lines]
    assert all(r["outcome"] == "mismatch" for r in records)
    assert "secret-token-123" not in path.read_text("utf-8")
    assert "Bearer ***" in records[0]["control"]["value"]
