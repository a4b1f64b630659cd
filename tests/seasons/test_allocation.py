"""The season allocation on hand-made cases: the contract's order, pins, explanations, check."""

from __future__ import annotations

import random
import time
from dataclasses import replace

import pytest

from seasons.allocation import (
    Application,
    Grant,
    Pin,
    PinConflict,
    Problem,
    Proposal,
    Room,
    Slot,
    allocate,
    check,
    greedy,
)

TUE, WED = 2, 3
EVENINGS = {day: ((8 * 60, 22 * 60),) for day in range(1, 8)}
HALL = Room(id=1, capacity=40, open_hours=EVENINGS)
SMALL = Room(id=2, capacity=8, open_hours=EVENINGS)


def h(hour: float) -> int:
    return int(hour * 60)


def slot(day: int, start: float, end: float, room: int = 1) -> Slot:
    return Slot(room, day, h(start), h(end))


def granted(proposal: Proposal) -> dict[int, int | None]:
    return {g.application: g.wish for g in proposal.grants}


def test_the_pensioners_keep_their_only_wish_and_the_other_gets_its_second() -> None:
    pensioners = Application(1, association=1, group_size=20, wishes=(slot(TUE, 18, 20),))
    choir = Application(2, association=2, group_size=20, wishes=(slot(TUE, 18, 20), slot(WED, 18, 20)))
    problem = Problem(rooms=(HALL,), applications=(choir, pensioners))
    proposal = allocate(problem)
    assert granted(proposal) == {1: 1, 2: 2}
    assert proposal.refusals == ()
    (why,) = proposal.explanations
    assert (why.application, why.granted_wish, why.blockers) == (2, 2, ((1, (1,)),))
    assert why.wish_reasons == ((1, "taken"),)
    assert proposal.optimal and check(problem, proposal) == []


def test_more_associations_come_before_more_applications() -> None:
    # Association 1 could fill Tuesday with three groups (four applications in all);
    # association 2 wants the whole evening. Two associations served beat four applications.
    problem = Problem(
        rooms=(HALL,),
        applications=(
            Application(1, 1, 10, (slot(TUE, 17, 18),)),
            Application(2, 1, 10, (slot(TUE, 18, 19),)),
            Application(3, 1, 10, (slot(TUE, 19, 20),)),
            Application(4, 1, 10, (slot(WED, 19, 20),)),
            Application(5, 2, 10, (slot(TUE, 17, 20),)),
        ),
    )
    proposal = allocate(problem)
    assert granted(proposal) == {4: 1, 5: 1}
    assert {r.application: r.blockers for r in proposal.refusals} == {
        1: ((1, (5,)),),
        2: ((1, (5,)),),
        3: ((1, (5,)),),
    }


def test_more_applications_come_before_first_wishes() -> None:
    problem = Problem(
        rooms=(HALL,),
        applications=(
            Application(1, 1, 10, (slot(TUE, 17, 19), slot(WED, 17, 19))),
            Application(2, 2, 10, (slot(TUE, 17, 19),)),
        ),
    )
    assert granted(allocate(problem)) == {1: 2, 2: 1}


def test_the_buffer_keeps_back_to_back_slots_apart() -> None:
    apps = (
        Application(1, 1, 10, (slot(TUE, 17, 19),)),
        Application(2, 2, 10, (slot(TUE, 19, 21),)),
    )
    assert granted(allocate(Problem(rooms=(HALL,), applications=apps))) == {1: 1, 2: 1}
    buffered = Problem(rooms=(replace(HALL, buffer_minutes=15),), applications=apps)
    proposal = allocate(buffered)
    assert len(proposal.grants) == 1
    (refusal,) = proposal.refusals
    assert refusal.code == "taken" and refusal.blockers == ((1, (3 - refusal.application,)),)


def test_priorities_come_first_when_set() -> None:
    apps = (
        Application(1, 1, 10, (slot(TUE, 17, 21),)),
        Application(2, 2, 10, (slot(TUE, 17, 19),)),
        Application(3, 3, 10, (slot(TUE, 19, 21),)),
    )
    assert set(granted(allocate(Problem(rooms=(HALL,), applications=apps)))) == {2, 3}
    children_first = (replace(apps[0], priority=1), *apps[1:])
    proposal = allocate(Problem(rooms=(HALL,), applications=children_first))
    assert set(granted(proposal)) == {1}
    assert proposal.stages[0]["name"] == "priority" and proposal.stages[0]["value"] == 1


def test_refusal_reasons_name_what_stood_in_the_way() -> None:
    closed_sunday = Room(id=1, capacity=40, open_hours={TUE: ((16 * 60, 21 * 60),)}, max_minutes=120)
    problem = Problem(
        rooms=(closed_sunday, SMALL),
        applications=(
            Application(1, 1, 30, (slot(TUE, 17, 19, room=2),)),  # 30 people, 8 seats
            Application(2, 2, 10, (slot(7, 17, 19),)),  # closed on Sunday
            Application(3, 3, 10, (slot(TUE, 16, 19),)),  # longer than 2 h
            Application(4, 4, 10, (slot(TUE, 17, 19),)),  # already held that evening
            Application(5, 5, 10, ()),
            Application(6, 6, 10, (slot(TUE, 19, 21),)),  # refused by the coordinator
            Application(7, 7, 5, (slot(TUE, 17, 18), slot(TUE, 18, 19))),  # over the cap
            Application(8, 7, 5, (slot(TUE, 19, 20, room=2),)),
        ),
        unavailable=frozenset({(4, 1)}),
        pins=(Pin(6, refuse=True), Pin(8, wish=1)),
        weekly_cap_minutes=90,
    )
    proposal = allocate(problem)
    codes = {r.application: r.code for r in proposal.refusals}
    assert codes == {
        1: "too_big",
        2: "closed_hours",
        3: "length",
        4: "unavailable",
        5: "no_wishes",
        6: "pinned_refused",
        7: "cap",
    }
    assert granted(proposal) == {8: 1}
    assert check(problem, proposal) == []


def test_pins_are_kept_even_against_the_objective() -> None:
    apps = (
        Application(1, 1, 10, (slot(TUE, 17, 19), slot(WED, 17, 19))),
        Application(2, 2, 10, (slot(TUE, 17, 19),)),
        Application(3, 3, 10, (slot(TUE, 18, 20),)),
    )
    moved = slot(WED, 19, 21)
    problem = Problem(
        rooms=(HALL, SMALL),
        applications=apps,
        pins=(Pin(1, wish=1), Pin(2, refuse=True), Pin(3, slot=moved)),
    )
    proposal = allocate(problem)
    assert proposal.grants == (Grant(1, 1, apps[0].wishes[0]), Grant(3, None, moved))
    assert [(r.application, r.code) for r in proposal.refusals] == [(2, "pinned_refused")]
    assert check(problem, proposal) == []


def test_pins_that_cannot_all_be_kept_are_refused_with_the_reason() -> None:
    apps = (Application(1, 1, 10, (slot(TUE, 17, 19),)), Application(2, 2, 10, (slot(TUE, 18, 20),)))
    with pytest.raises(PinConflict) as raised:
        allocate(Problem(rooms=(HALL,), applications=apps, pins=(Pin(1, wish=1), Pin(2, wish=1))))
    assert raised.value.problems == ["applications 1 and 2 are pinned to overlapping slots"]
    with pytest.raises(PinConflict):
        allocate(
            Problem(rooms=(HALL,), applications=apps, unavailable=frozenset({(1, 1)}), pins=(Pin(1, wish=1),))
        )


def test_check_finds_every_broken_rule() -> None:
    apps = (
        Application(1, 1, 10, (slot(TUE, 17, 19),)),
        Application(2, 1, 50, (slot(TUE, 18, 20),)),
        Application(3, 2, 10, (slot(WED, 17, 19),)),
        Application(4, 3, 10, (slot(WED, 17, 19),)),
    )
    problem = Problem(
        rooms=(HALL,),
        applications=apps,
        unavailable=frozenset({(3, 1)}),
        pins=(Pin(4, refuse=True),),
        weekly_cap_minutes=180,
    )
    bad = Proposal(
        grants=(
            Grant(1, 1, apps[0].wishes[0]),
            Grant(2, 1, apps[1].wishes[0]),
            Grant(3, 1, apps[2].wishes[0]),
            Grant(4, 1, slot(WED, 20, 21)),
        ),
        refusals=(),
        explanations=(),
        optimal=False,
        stages=(),
    )
    faults = check(problem, bad)
    assert "applications 1 and 2 overlap" in faults
    assert "application 2: granted slot is too_big" in faults
    assert "application 3: wish 1 is unavailable but granted" in faults
    assert "application 4: granted slot is not its wish 1" in faults
    assert "application 4 is pinned refused but granted" in faults
    assert "association 1 is granted 240 min a week, over the cap" in faults
    assert check(problem, replace(bad, grants=bad.grants[:1], refusals=())) == [
        "applications neither granted nor refused: [2, 3, 4]"
    ]


def crowded(seed: int, count: int, rooms: int = 6) -> Problem:
    """A crowded season: most wishes on Tuesday and Wednesday evenings."""
    rng = random.Random(seed)
    room_list = tuple(
        Room(id=r, capacity=rng.choice([10, 20, 40]), buffer_minutes=rng.choice([0, 15]), open_hours=EVENINGS)
        for r in range(1, rooms + 1)
    )
    apps = []
    for app_id in range(1, count + 1):
        wishes: list[Slot] = []
        for _ in range(rng.randint(1, 5)):
            start = rng.choice([16, 17, 17.5, 18, 18, 19, 19.5, 20])
            s = slot(
                rng.choice([TUE, TUE, WED, WED, 1, 4]),
                start,
                start + rng.choice([1, 1.5, 2]),
                rng.randint(1, rooms),
            )
            if s not in wishes:
                wishes.append(s)
        apps.append(Application(app_id, rng.randint(1, count * 2 // 3), rng.randint(3, 30), tuple(wishes)))
    return Problem(rooms=room_list, applications=tuple(apps), weekly_cap_minutes=180, time_limit_seconds=20)


def test_a_crowded_season_is_proven_optimal_the_same_twice_and_beats_first_come_first_served() -> None:
    problem = crowded(7, 150)
    first, second = allocate(problem), allocate(problem)
    assert first.optimal and [s["optimal"] for s in first.stages] == [True] * 5
    assert (first.grants, first.refusals, first.explanations) == (
        second.grants,
        second.refusals,
        second.explanations,
    )
    assert check(problem, first) == []
    baseline = greedy(problem)
    assert check(problem, baseline) == []
    association = {a.id: a.association for a in problem.applications}
    served = len({association[g.application] for g in first.grants})
    assert served >= len({association[g.application] for g in baseline.grants})
    assert (served, len(first.grants)) > (
        len({association[g.application] for g in baseline.grants}),
        len(baseline.grants),
    )


def test_the_time_limit_falls_back_to_the_best_found_and_says_so() -> None:
    problem = replace(crowded(8, 400, rooms=8), time_limit_seconds=0.02)
    began = time.monotonic()
    proposal = allocate(problem)
    # Building the model takes its own fraction of a second; the solving keeps to the limit.
    assert sum(stage["seconds"] for stage in proposal.stages) < 0.02 + 0.5
    assert time.monotonic() - began < 10
    assert check(problem, proposal) == []
    for stage in proposal.stages:
        assert (
            stage["optimal"]
            or "time limit" in stage.get("note", "")
            or "no solution" in stage.get("note", "")
        )
    assert proposal.optimal == all(stage["optimal"] for stage in proposal.stages)


def test_ties_go_to_the_earlier_application() -> None:
    # Equal on every objective either way: the earlier application (lower id) is granted,
    # and of two that both get a wish, the earlier one gets its first.
    alone = (Application(7, 1, 10, (slot(TUE, 17, 19),)), Application(3, 2, 10, (slot(TUE, 17, 19),)))
    assert granted(allocate(Problem(rooms=(HALL,), applications=alone))) == {3: 1}
    both = (
        Application(7, 1, 10, (slot(TUE, 17, 19), slot(WED, 17, 19))),
        Application(3, 2, 10, (slot(TUE, 17, 19), slot(WED, 17, 19))),
    )
    proposal = allocate(Problem(rooms=(HALL,), applications=both))
    assert granted(proposal) == {3: 1, 7: 2}
    assert proposal.explanations[0].blockers == ((1, (3,)),)
