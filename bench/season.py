"""Benchmark of the season allocation against first-come-first-served.

    .venv/bin/python bench/season.py            # the standard instances
    .venv/bin/python bench/season.py --quick    # only the smallest one

Synthetic seasons (fixed seeds) of 50, 200 and 500 applications over 5-20 rooms, crowded as
real ones are: most associations want Tuesday or Wednesday 17-21, the big hall most of all;
1-5 wishes each, associations with 1-3 applications, group sizes against room capacities, a
few wishes already held (unavailable) and, on one instance, a weekly cap. For the solver
(seasons.allocation.allocate) and for the greedy baseline (applications in arrival order
each take their first free wish, as a coordinator does by hand) it prints associations
served, applications granted, the share of granted applications that got their first wish,
the time, and whether each stage was proven optimal or the gap left. Pure Python: no
database, no Django.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path, where sibling benchmarks (e.g.
# bench/calendar.py) would shadow the standard library: import from the project root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from seasons.allocation import (  # noqa: E402
    Application,
    Problem,
    Proposal,
    Room,
    Slot,
    allocate,
    check,
    greedy,
)

# Weekday weights (ISO 1 = Monday): Tuesday and Wednesday evenings are what everyone wants.
WEEKDAYS = [1, 2, 3, 4, 5, 6, 7]
WEEKDAY_WEIGHTS = [12, 30, 28, 14, 6, 6, 4]
# Start hours: the evening 17-20 dominates, some daytime groups (seniors, parents with babies).
START_HOURS = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
START_WEIGHTS = [3, 5, 4, 2, 3, 3, 3, 5, 22, 26, 18, 6]
LENGTHS = [60, 90, 120, 150, 180]
LENGTH_WEIGHTS = [30, 30, 30, 6, 4]
CAPACITIES = [8, 12, 16, 20, 30, 40, 60, 120]


def make_problem(
    seed: int, applications: int, rooms: int, cap_minutes: int | None = None, time_limit: float = 50.0
) -> Problem:
    rng = random.Random(seed)
    room_list = []
    for r in range(rooms):
        capacity = CAPACITIES[r % len(CAPACITIES)] if r else 120  # room 1 is the big hall
        open_hours = {day: ((8 * 60, 22 * 60),) for day in range(1, 7)}
        if r % 3 == 0:
            open_hours[7] = ((10 * 60, 18 * 60),)  # some rooms open on Sunday too
        room_list.append(
            Room(
                id=r + 1,
                capacity=capacity,
                buffer_minutes=15 if r % 4 == 1 else 0,
                open_hours=open_hours,
                min_minutes=30,
                max_minutes=240,
            )
        )
    # Popular rooms: the hall and the mid-sized rooms near the entrance are wanted most.
    room_weights = [max(1, 10 - 2 * (r % 5)) + (8 if r == 0 else 0) for r in range(rooms)]
    apps: list[Application] = []
    unavailable: set[tuple[int, int]] = set()
    association = 0
    while len(apps) < applications:
        association += 1
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            if len(apps) >= applications:
                break
            app_id = len(apps) + 1
            group = max(3, min(150, int(rng.lognormvariate(2.7, 0.7))))
            # Most groups ask for a room that holds them; some overestimate what fits.
            fitting = [i for i, room in enumerate(room_list) if room.capacity >= group] or [0]
            weekday = rng.choices(WEEKDAYS, WEEKDAY_WEIGHTS)[0]
            start = rng.choices(START_HOURS, START_WEIGHTS)[0] * 60 + rng.choice([0, 0, 0, 30])
            length = rng.choices(LENGTHS, LENGTH_WEIGHTS)[0]
            room_index = rng.choices(fitting, [room_weights[i] for i in fitting])[0]
            wishes: list[Slot] = []
            for _ in range(rng.choice([1, 2, 3, 3, 4, 5])):
                slot = Slot(room_list[room_index].id, weekday, start, min(start + length, 22 * 60))
                if slot not in wishes:
                    wishes.append(slot)
                # The next wish varies one thing: another room, another evening or another hour.
                move = rng.random()
                if move < 0.4:
                    room_index = rng.choices(fitting, [room_weights[i] for i in fitting])[0]
                elif move < 0.75:
                    weekday = rng.choices(WEEKDAYS, WEEKDAY_WEIGHTS)[0]
                else:
                    start = max(8 * 60, min(21 * 60, start + rng.choice([-120, -60, 60, 90, 120])))
            if rng.random() < 0.03:
                unavailable.add((app_id, rng.randint(1, len(wishes))))
            apps.append(Application(app_id, association, group, tuple(wishes)))
    return Problem(
        rooms=tuple(room_list),
        applications=tuple(apps),
        unavailable=frozenset(unavailable),
        weekly_cap_minutes=cap_minutes,
        time_limit_seconds=time_limit,
    )


def figures(problem: Problem, proposal: Proposal) -> tuple[int, int, float]:
    association = {app.id: app.association for app in problem.applications}
    served = len({association[g.application] for g in proposal.grants})
    granted = len(proposal.grants)
    first = sum(1 for g in proposal.grants if g.wish == 1)
    return served, granted, (first / granted if granted else 0.0)


def stage_summary(proposal: Proposal) -> str:
    parts = []
    for stage in proposal.stages:
        if stage["optimal"]:
            parts.append(f"{stage['name']}={stage['value']} optimal ({stage['seconds']:.2f} s)")
        else:
            parts.append(
                f"{stage['name']}={stage['value']} bound {stage['bound']} gap {stage.get('gap', '?')}"
                f" ({stage['seconds']:.2f} s, {stage.get('note', '')})"
            )
    return "; ".join(parts)


INSTANCES = [
    # (label, seed, applications, rooms, weekly cap in minutes)
    ("50 applications, 5 rooms", 50, 50, 5, None),
    ("200 applications, 10 rooms", 200, 200, 10, None),
    ("200 applications, 10 rooms, cap 4 h", 201, 200, 10, 240),
    ("500 applications, 20 rooms", 500, 500, 20, None),
    ("500 applications, 10 rooms", 510, 500, 10, None),
    ("500 applications, 5 rooms, cap 3 h", 505, 500, 5, 180),
]


def main() -> None:
    quick = "--quick" in sys.argv
    # Load the solver library once up front, so the first instance's time is solving only.
    from ortools.sat.python import cp_model  # noqa: F401

    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores")
    for label, seed, n_apps, n_rooms, cap in INSTANCES[:1] if quick else INSTANCES:
        problem = make_problem(seed, n_apps, n_rooms, cap)
        associations = len({app.association for app in problem.applications})
        wishes = sum(len(app.wishes) for app in problem.applications)
        print(f"\n{label} ({associations} associations, {wishes} wishes, seed {seed})")
        began = time.perf_counter()
        baseline = greedy(problem)
        greedy_seconds = time.perf_counter() - began
        began = time.perf_counter()
        proposal = allocate(problem)
        seconds = time.perf_counter() - began
        for name, result, took in (("greedy", baseline, greedy_seconds), ("solver", proposal, seconds)):
            faults = check(problem, result)
            served, granted, first = figures(problem, result)
            print(
                f"  {name:6}  associations {served:4}  applications {granted:4}  first wish {first:6.1%}"
                f"  {took:6.2f} s" + (f"  BROKEN: {faults[:3]}" if faults else "")
            )
        verdict = "proven optimal" if proposal.optimal else "NOT proven optimal"
        print(f"  solver {verdict}: {stage_summary(proposal)}")
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"\nload average {load} at the end")


if __name__ == "__main__":
    main()
