"""The solver against another solver: HiGHS (a MIP solver nobody here wrote), on seasons too
big for the brute force, with a formulation of its own (one row per clashing pair of wishes,
not cliques) built straight from the dataclasses. Both must reach the same optimum, stage by
stage, in the contract's order.

HiGHS runs in a child process: ortools bundles its own HiGHS, and the two libraries cannot be
loaded into one process (whichever comes second fails with undefined symbols). So this module
never imports highspy itself; run as a script it reads a pickled Problem on stdin and prints
the optimum HiGHS finds.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from seasons.allocation import Application, Pin, Problem, Room, Slot, allocate, check
from tests.seasons.test_allocation_bruteforce import clash, options, vector

ROOT = Path(__file__).resolve().parents[2]


def highs_optimum(problem: Problem) -> tuple[int, int, int, int]:
    """In the child process only (see the module's docstring)."""
    import highspy

    apps = sorted(problem.applications, key=lambda a: a.id)
    buffers = {r.id: r.buffer_minutes for r in problem.rooms}
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("random_seed", 1)
    choices: list[tuple[Application, int | None, Slot, object]] = []
    for app in apps:
        mine = []
        allowed = options(problem, app)
        for option in allowed:
            if option is not None:
                variable = h.addBinary()
                choices.append((app, option[0], option[1], variable))
                mine.append(variable)
        if mine:
            if None in allowed:
                h.addConstr(sum(mine) <= 1)
            else:  # pinned: granted whatever happens
                h.addConstr(sum(mine) == 1)
    for i, (app_a, _, slot_a, var_a) in enumerate(choices):
        for app_b, _, slot_b, var_b in choices[i + 1 :]:
            if app_a.id != app_b.id and clash(slot_a, slot_b, buffers[slot_a.room]):
                h.addConstr(var_a + var_b <= 1)
    by_association: dict[int, list[object]] = defaultdict(list)
    minutes: dict[int, list[object]] = defaultdict(list)
    for app, _, slot, variable in choices:
        by_association[app.association].append(variable)
        minutes[app.association].append((slot.end - slot.start) * variable)
    if problem.weekly_cap_minutes is not None:
        for terms in minutes.values():
            h.addConstr(sum(terms) <= problem.weekly_cap_minutes)
    served = []
    for members in by_association.values():
        y = h.addBinary()
        h.addConstr(y <= sum(members))
        served.append(y)

    objectives = [
        (sum(app.priority * v for app, _, _, v in choices), True),
        (sum(served), True),
        (sum(v for _, _, _, v in choices), True),
        (sum((position or 0) * v for _, position, _, v in choices), False),
    ]
    values = []
    for expression, maximise in objectives:
        if maximise:
            h.maximize(expression)
        else:
            h.minimize(expression)
        assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
        value = round(h.getInfo().objective_function_value)
        values.append(value)
        h.addConstr(expression >= value if maximise else expression <= value)
    return (values[0], values[1], values[2], -values[3])


def season(seed: int) -> Problem:
    rng = random.Random(seed)
    days = (2, 3, 4)
    rooms = tuple(
        Room(
            id=r,
            capacity=rng.choice([10, 20, 40]),
            buffer_minutes=rng.choice([0, 0, 15]),
            open_hours={d: ((rng.choice([9, 16]) * 60, 22 * 60),) for d in days},
            max_minutes=rng.choice([None, 180]),
        )
        for r in range(1, 5)
    )
    apps = []
    for app_id in range(1, 61):
        wishes: list[Slot] = []
        for _ in range(rng.randint(1, 5)):
            start = rng.choice(range(16 * 60, 21 * 60, 30))
            wish = Slot(
                rng.randint(1, 4), rng.choice(days), start, min(22 * 60, start + rng.choice([60, 90, 120]))
            )
            if wish not in wishes:
                wishes.append(wish)
        apps.append(
            Application(
                app_id,
                association=rng.randint(1, 35),
                group_size=rng.randint(4, 30),
                wishes=tuple(wishes),
                priority=rng.choice([0, 0, 0, 1]) if seed % 2 else 0,
            )
        )
    wishes_all = [(a.id, p) for a in apps for p in range(1, len(a.wishes) + 1)]
    return Problem(
        rooms=rooms,
        applications=tuple(apps),
        unavailable=frozenset(rng.sample(wishes_all, 6)),
        pins=(Pin(apps[0].id, refuse=True),),
        weekly_cap_minutes=rng.choice([None, 150, 240]),
        time_limit_seconds=20,
    )


def highs_in_a_child(problem: Problem) -> tuple[int, ...]:
    child = subprocess.run(
        [sys.executable, __file__],
        input=pickle.dumps(problem),
        capture_output=True,
        check=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return tuple(json.loads(child.stdout))


@pytest.mark.skipif(importlib.util.find_spec("highspy") is None, reason="highspy is not installed")
@pytest.mark.parametrize("seed", range(6))
def test_cp_sat_and_highs_agree_on_the_optimum(seed: int) -> None:
    problem = season(seed)
    proposal = allocate(problem)
    assert check(problem, proposal) == []
    assert proposal.optimal
    mine = vector(problem, {g.application: (g.wish, g.slot) for g in proposal.grants})[:4]
    assert mine == highs_in_a_child(problem)


if __name__ == "__main__":
    print(json.dumps(highs_optimum(pickle.load(sys.stdin.buffer))))
