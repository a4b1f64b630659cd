"""The solver against an independent brute force on random small seasons (no database).

The brute force below shares nothing with seasons/allocation.py but the dataclasses: it
re-states the contract's rules plainly, walks every allocation (each application: refused
or one of its wishes, or its pinned slot), and keeps the best objective vector. The solver's
proposal must reach exactly that vector, keep every hard rule (`check`), and explain itself
with blockers that really hold an overlapping slot.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seasons.allocation import (
    Application,
    Pin,
    PinConflict,
    Problem,
    Proposal,
    Room,
    Slot,
    allocate,
    check,
)

WEEKDAYS = (2, 3)


def clash(a: Slot, b: Slot, buffer: int) -> bool:
    if a.room != b.room or a.weekday != b.weekday:
        return False
    return a.start < b.end + buffer and b.start < a.end + buffer


def grantable(problem: Problem, app: Application, slot: Slot) -> bool:
    room = next((r for r in problem.rooms if r.id == slot.room), None)
    if room is None or slot.end <= slot.start or app.group_size > room.capacity:
        return False
    if not any(o <= slot.start and slot.end <= c for o, c in room.open_hours.get(slot.weekday, ())):
        return False
    minutes = slot.end - slot.start
    if room.min_minutes is not None and minutes < room.min_minutes:
        return False
    if room.max_minutes is not None and minutes > room.max_minutes:
        return False
    return True


def options(problem: Problem, app: Application) -> list[tuple[int | None, Slot] | None]:
    """What one application may get: None (refused), (wish position, slot), or its pinned slot."""
    pin = next((p for p in problem.pins if p.application == app.id), None)
    if pin is not None and pin.refuse:
        return [None]
    if pin is not None and pin.wish is not None:
        slot = app.wishes[pin.wish - 1]
        ok = grantable(problem, app, slot) and (app.id, pin.wish) not in problem.unavailable
        return [(pin.wish, slot)] if ok else []
    if pin is not None and pin.slot is not None:
        if pin.slot in app.wishes:
            position = app.wishes.index(pin.slot) + 1
            ok = grantable(problem, app, pin.slot) and (app.id, position) not in problem.unavailable
            return [(position, pin.slot)] if ok else []
        return [(None, pin.slot)] if grantable(problem, app, pin.slot) else []
    result: list[tuple[int | None, Slot] | None] = [None]
    for position, slot in enumerate(app.wishes, start=1):
        if grantable(problem, app, slot) and (app.id, position) not in problem.unavailable:
            result.append((position, slot))
    return result


def vector(problem: Problem, chosen: dict[int, tuple[int | None, Slot]]) -> tuple[int, ...]:
    """The contract's objectives in order, each as "more is better", then the tie-break the
    module documents: earlier applications granted, then earlier wishes for earlier ones."""
    apps = {a.id: a for a in problem.applications}
    rank = {app_id: r for r, app_id in enumerate(sorted(apps))}
    priority = sum(apps[a].priority for a in chosen)
    associations = len({apps[a].association for a in chosen})
    positions = sum(position or 0 for position, _ in chosen.values())
    ranks = sum(rank[a] for a in chosen)
    weighted = sum((len(apps) - rank[a]) * (position or 1) for a, (position, _) in chosen.items())
    return (priority, associations, len(chosen), -positions, -ranks, -weighted)


def brute_force(problem: Problem) -> tuple[int, ...] | None:
    """The best objective vector over every allocation keeping the rules, None if none does."""
    apps = sorted(problem.applications, key=lambda a: a.id)
    buffers = {r.id: r.buffer_minutes for r in problem.rooms}
    association = {a.id: a.association for a in apps}
    choices = [options(problem, app) for app in apps]
    best: list[tuple[int, ...] | None] = [None]
    chosen: dict[int, tuple[int | None, Slot]] = {}
    minutes: dict[int, int] = defaultdict(int)

    def walk(index: int) -> None:
        if index == len(apps):
            value = vector(problem, chosen)
            if best[0] is None or value > best[0]:
                best[0] = value
            return
        app = apps[index]
        for option in choices[index]:
            if option is None:
                walk(index + 1)
                continue
            _, slot = option
            if any(clash(slot, other, buffers[other.room]) for _, other in chosen.values()):
                continue
            length = slot.end - slot.start
            cap = problem.weekly_cap_minutes
            if cap is not None and minutes[association[app.id]] + length > cap:
                continue
            chosen[app.id] = option
            minutes[association[app.id]] += length
            walk(index + 1)
            del chosen[app.id]
            minutes[association[app.id]] -= length

    walk(0)
    return best[0]


def proposal_vector(problem: Problem, proposal: Proposal) -> tuple[int, ...]:
    return vector(problem, {g.application: (g.wish, g.slot) for g in proposal.grants})


# --- random small seasons ----------------------------------------------------------------

times = st.integers(16 * 2, 20 * 2).map(lambda half_hours: half_hours * 30)


@st.composite
def slots(draw: st.DrawFn, rooms: int) -> Slot:
    start = draw(times)
    length = draw(st.sampled_from([30, 60, 60, 90, 120, 150]))
    return Slot(
        draw(st.integers(1, rooms)), draw(st.sampled_from(WEEKDAYS)), start, min(start + length, 1440)
    )


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    room_count = draw(st.integers(1, 2))
    rooms = []
    for room_id in range(1, room_count + 1):
        hours = {}
        for day in WEEKDAYS:
            if draw(st.integers(0, 7)):  # now and then a room is closed that evening
                hours[day] = ((draw(st.sampled_from([15 * 60, 16 * 60, 17 * 60])), 22 * 60),)
        rooms.append(
            Room(
                id=room_id,
                capacity=draw(st.sampled_from([8, 15, 25])),
                buffer_minutes=draw(st.sampled_from([0, 0, 15, 30])),
                open_hours=hours,
                min_minutes=draw(st.sampled_from([None, None, 45])),
                max_minutes=draw(st.sampled_from([None, None, 120])),
            )
        )
    count = draw(st.integers(2, 7))
    use_priorities = draw(st.booleans())
    apps = []
    for app_id in range(1, count + 1):
        wishes = tuple(draw(st.lists(slots(room_count), min_size=1, max_size=3, unique=True)))
        if draw(st.integers(0, 15)) == 0:
            wishes = ()
        apps.append(
            Application(
                id=app_id * 10 + draw(st.integers(0, 3)),  # ids with gaps, not 1..n
                association=draw(st.integers(1, 4)),
                group_size=draw(st.integers(1, 16)),
                wishes=wishes,
                priority=draw(st.sampled_from([0, 0, 1, 2])) if use_priorities else 0,
            )
        )
    all_wishes = [(a.id, p) for a in apps for p in range(1, len(a.wishes) + 1)]
    unavailable = (
        frozenset(draw(st.lists(st.sampled_from(all_wishes), max_size=3))) if all_wishes else frozenset()
    )
    pins = []
    for app in apps:
        kind = draw(st.integers(0, 20))
        if kind == 0:
            pins.append(Pin(app.id, refuse=True))
        elif kind == 1 and app.wishes:
            pins.append(Pin(app.id, wish=draw(st.integers(1, len(app.wishes)))))
        elif kind == 2:
            pins.append(Pin(app.id, slot=draw(slots(room_count))))
    return Problem(
        rooms=tuple(rooms),
        applications=tuple(apps),
        unavailable=unavailable,
        pins=tuple(pins),
        weekly_cap_minutes=draw(st.sampled_from([None, None, 90, 150, 240])),
        time_limit_seconds=10.0,
    )


@settings(max_examples=150, deadline=None)
@given(problems())
def test_the_solver_reaches_the_brute_force_optimum_and_keeps_every_rule(problem: Problem) -> None:
    best = brute_force(problem)
    if best is None:  # the pins alone cannot all be kept
        with pytest.raises(PinConflict):
            allocate(problem)
        return
    proposal = allocate(problem)
    assert check(problem, proposal) == []
    assert proposal.optimal
    assert proposal_vector(problem, proposal) == best
    # The stages report the same values the allocation has.
    values = {stage["name"]: stage["value"] for stage in proposal.stages}
    assert values["associations"] == best[1]
    assert values["applications"] == best[2]
    assert values["preference"] == -best[3]
    assert ("priority" in values) == any(a.priority > 0 for a in problem.applications)
    assert_explained(problem, proposal)


def assert_explained(problem: Problem, proposal: Proposal) -> None:
    """Every blocker named really holds an overlapping slot, and in an optimal proposal no
    wish is left without a reason."""
    apps = {a.id: a for a in problem.applications}
    buffers = {r.id: r.buffer_minutes for r in problem.rooms}
    held = {g.application: g.slot for g in proposal.grants}
    granted_wish = {g.application: g.wish for g in proposal.grants}
    for item in (*proposal.refusals, *proposal.explanations):
        app = apps[item.application]
        for position, blockers in item.blockers:
            wish = app.wishes[position - 1]
            assert blockers, item
            for other in blockers:
                assert other != app.id and other in held
                assert clash(wish, held[other], buffers[wish.room])
        assert "not_reached" not in dict(item.wish_reasons).values()
    for refusal in proposal.refusals:
        assert refusal.application not in held
        assert len(refusal.wish_reasons) == len(apps[refusal.application].wishes)
    for explanation in proposal.explanations:
        assert granted_wish[explanation.application] == explanation.granted_wish > 1
        assert [p for p, _ in explanation.wish_reasons] == list(range(1, explanation.granted_wish))
    # Every granted application not on its first wish is explained.
    explained = {e.application for e in proposal.explanations}
    assert explained == {a for a, w in granted_wish.items() if w is not None and w > 1}


@settings(max_examples=40, deadline=None)
@given(problems())
def test_allocating_twice_gives_the_same_proposal(problem: Problem) -> None:
    try:
        first = allocate(problem)
    except PinConflict:
        return
    # The same season read in another order (rows come from the database unordered).
    shuffled = replace(
        problem,
        rooms=problem.rooms[::-1],
        applications=problem.applications[::-1],
        pins=problem.pins[::-1],
    )
    second = allocate(shuffled)
    assert (first.grants, first.refusals, first.explanations) == (
        second.grants,
        second.refusals,
        second.explanations,
    )
