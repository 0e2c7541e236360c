"""The worker pool survives a worker that dies: its item alone is lost, the run goes on."""

from __future__ import annotations

from functools import partial

import pytest
from engine_helpers import double_or_die

from ionos_migrate.pool import WorkerPool, run_alone


def died(item, reason):
    return ("died", item, reason)


def test_a_worker_that_dies_costs_only_its_own_item():
    pool = WorkerPool(2)
    try:
        results = list(pool.map(partial(double_or_die, die_on=frozenset({13})), range(40), crashed=died))
    finally:
        pool.close()
    assert results[:13] == [i * 2 for i in range(13)] and results[14:] == [i * 2 for i in range(14, 40)]
    assert results[13][:2] == ("died", 13) and "SIGSEGV" in results[13][2]


def test_several_culprits_in_one_map_and_the_pool_works_afterwards():
    pool = WorkerPool(2)
    try:
        first = list(pool.map(partial(double_or_die, die_on=frozenset({0, 17, 39})), range(40), crashed=died))
        second = list(pool.map(double_or_die, range(10), crashed=died))  # a fresh executor after the break
    finally:
        pool.close()
    assert [i for i, r in enumerate(first) if isinstance(r, tuple)] == [0, 17, 39]
    assert [r for r in first if not isinstance(r, tuple)] == [i * 2 for i in range(40) if i not in (0, 17, 39)]
    assert second == [i * 2 for i in range(10)]


def test_every_item_dying_still_ends():
    pool = WorkerPool(2)
    try:
        results = list(pool.map(partial(double_or_die, die_on=frozenset(range(6))), range(6), crashed=died))
    finally:
        pool.close()
    assert [r[1] for r in results] == list(range(6))


def test_an_exception_in_the_job_is_raised_as_before():
    pool = WorkerPool(2)
    try:
        with pytest.raises(TypeError):
            list(pool.map(double_or_die, [1, 2, None, 4], crashed=died))
    finally:
        pool.close()


def test_run_alone_gives_the_result_or_names_the_signal():
    assert run_alone(double_or_die, 4, died) == 8
    assert run_alone(partial(double_or_die, die_on=frozenset({4})), 4, died) == (
        "died", 4, "its worker process died (SIGSEGV)")
    with pytest.raises(TypeError):
        run_alone(double_or_die, None, died)
