"""The season allocation: which application gets which weekly slot. Pure Python, no Django.

The seasons app turns its rows into a `Problem`, calls `allocate`, and turns the `Proposal`
(grants, refusals and explanations as plain data) into sentences. `check` re-validates every
hard rule of a proposal and is the last safety check before publishing.

The allocation is solved with OR-Tools CP-SAT (see ../shared/DEPENDENCIES.md for why this
formulation): one boolean per feasible (application, wish), at most one per application,
no-overlap as clique constraints, and the contract's lexicographic objective as staged solves,
each stage's optimum fixed before the next: (0) priority-weighted grants when any priority is
set, (1) associations served, (2) applications granted, (3) smallest sum of granted wish
positions, then two tie-break stages (earlier applications granted; earlier wishes for
earlier applications). One solver worker with a work-based limit makes the answer the same on
every run; each stage reports whether it was proven optimal, its bound and the gap. With the
model's tight linear relaxation (linearization level 2) 500 applications are proven optimal
in about two seconds (bench/season.py).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Minutes = int  # minutes after local midnight, 0..1440

# Why a wish (or a whole application) was not granted. The app turns these into sentences.
TAKEN = "taken"  # a granted application holds an overlapping slot in that room
UNAVAILABLE = "unavailable"  # every season date is already held (booking or closure)
CAP = "cap"  # the association's weekly hours would go over the cap
PINNED_REFUSED = "pinned_refused"  # the coordinator refused the application
PINNED_ELSEWHERE = "pinned_elsewhere"  # the coordinator pinned the application to another slot
TOO_BIG = "too_big"  # the group is larger than the room holds
CLOSED_HOURS = "closed_hours"  # outside the room's opening hours that weekday (or unknown room)
LENGTH = "length"  # shorter or longer than the room allows
NO_WISHES = "no_wishes"  # the application has no wishes
NOT_REACHED = "not_reached"  # free, but the solver stopped at its time limit before using it


@dataclass(frozen=True)
class Slot:
    room: int  # room id
    weekday: int  # ISO 1 = Monday .. 7 = Sunday
    start: Minutes
    end: Minutes  # > start


@dataclass(frozen=True)
class Room:
    id: int
    capacity: int
    buffer_minutes: int = 0  # turnaround after a booking; back-to-back ok when 0
    # opening hours per ISO weekday: list of (opens, closes) in minutes; a weekday missing = closed
    open_hours: dict[int, tuple[tuple[Minutes, Minutes], ...]] = field(default_factory=dict)
    min_minutes: int | None = None
    max_minutes: int | None = None


@dataclass(frozen=True)
class Application:
    id: int
    association: int
    group_size: int
    wishes: tuple[Slot, ...]  # 1..5, most wanted first
    priority: int = 0  # higher = served first (set by coordinator rules)


@dataclass(frozen=True)
class Pin:
    application: int
    wish: int | None = None  # 1-based position of the wish to grant, or
    slot: Slot | None = None  # a slot that is not one of the wishes (moved by the coordinator), or
    refuse: bool = False  # refuse this application whatever happens


@dataclass(frozen=True)
class Problem:
    rooms: tuple[Room, ...]
    applications: tuple[Application, ...]
    # (application id, 1-based wish position) whose every season date is already held by a
    # confirmed booking or a closure: never granted. The Django side computes this.
    unavailable: frozenset[tuple[int, int]] = frozenset()
    pins: tuple[Pin, ...] = ()
    weekly_cap_minutes: int | None = None  # per association, sum of granted slot lengths
    time_limit_seconds: float = 50.0
    # Solver threads. One is the default: deterministic, and with the clique model's tight LP
    # it proves 500 applications optimal in about a second. More run an interleaved search,
    # deterministic too but slower here (bench/season.py).
    num_workers: int = 1


@dataclass(frozen=True)
class Grant:
    application: int
    wish: int | None  # 1-based position; None when granted a pinned slot outside the wishes
    slot: Slot


@dataclass(frozen=True)
class Refusal:
    application: int
    code: str  # machine reason, see the constants above
    # for "taken": for each wish, the application(s) that got an overlapping slot
    blockers: tuple[tuple[int, tuple[int, ...]], ...] = ()  # ((wish position, (application ids)), ...)
    # every wish's own reason: ((wish position, code), ...), e.g. ((1, "taken"), (2, "too_big"))
    wish_reasons: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Explanation:  # why a granted application did not get a better (earlier) wish
    application: int
    granted_wish: int
    blockers: tuple[tuple[int, tuple[int, ...]], ...] = ()  # ((earlier wish position, (app ids)), ...)
    # every earlier wish's reason: ((wish position, code), ...); "taken" ones are in blockers
    wish_reasons: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Proposal:
    grants: tuple[Grant, ...]  # sorted by application id
    refusals: tuple[Refusal, ...]  # sorted by application id; every application not granted
    explanations: tuple[Explanation, ...]
    optimal: bool  # every stage proven optimal within the time limit
    stages: tuple[dict[str, Any], ...]  # per stage: {"name", "value", "bound", "optimal", "seconds", ...}


class PinConflict(ValueError):
    """The pins alone break a hard rule (two pinned slots overlap, a pinned wish is
    unavailable, ...): no proposal can keep them all. `problems` says which, in plain strings."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# --- the hard rules, shared by the model and `check` -------------------------------------


def overlaps(a: Slot, b: Slot, buffer_minutes: int) -> bool:
    """The contract's rule: same room and weekday, s1 < e2 + buffer and s2 < e1 + buffer."""
    return (
        a.room == b.room
        and a.weekday == b.weekday
        and a.start < b.end + buffer_minutes
        and b.start < a.end + buffer_minutes
    )


def slot_fault(slot: Slot, group_size: int, room: Room | None) -> str | None:
    """Why this slot can never be granted to a group of this size, or None when it can."""
    if room is None or slot.end <= slot.start:
        return CLOSED_HOURS
    if group_size > room.capacity:
        return TOO_BIG
    hours = room.open_hours.get(slot.weekday, ())
    if not any(opens <= slot.start and slot.end <= closes for opens, closes in hours):
        return CLOSED_HOURS
    length = slot.end - slot.start
    if room.min_minutes is not None and length < room.min_minutes:
        return LENGTH
    if room.max_minutes is not None and length > room.max_minutes:
        return LENGTH
    return None


def _length(slot: Slot) -> int:
    return slot.end - slot.start


# --- the model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    application: int
    wish: int | None  # None: a pinned slot outside the wishes
    slot: Slot


@dataclass
class _Prepared:
    candidates: list[_Candidate]
    by_app: dict[int, list[int]]  # application id -> candidate indexes
    forced: set[int]  # applications pinned to a grant
    wish_faults: dict[tuple[int, int], str]  # (application, position) -> why never grantable
    pinned: dict[int, Pin]


def _prepare(problem: Problem) -> _Prepared:
    rooms = {room.id: room for room in problem.rooms}
    apps = {app.id: app for app in problem.applications}
    pinned: dict[int, Pin] = {}
    conflicts: list[str] = []
    for pin in problem.pins:
        if pin.application not in apps:
            conflicts.append(f"pin for unknown application {pin.application}")
        elif pin.application in pinned and pinned[pin.application] != pin:
            conflicts.append(f"application {pin.application} has two different pins")
        else:
            pinned[pin.application] = pin
    candidates: list[_Candidate] = []
    by_app: dict[int, list[int]] = {}
    forced: set[int] = set()
    wish_faults: dict[tuple[int, int], str] = {}
    for app in sorted(problem.applications, key=lambda a: a.id):
        app_pin = pinned.get(app.id)
        by_app[app.id] = []
        pinned_wish: int | None = None
        pinned_slot: Slot | None = None
        if app_pin is not None and not app_pin.refuse:
            if app_pin.wish is not None:
                pinned_wish = app_pin.wish
                if not 1 <= app_pin.wish <= len(app.wishes):
                    conflicts.append(
                        f"application {app.id} is pinned to wish {app_pin.wish} it does not have"
                    )
            elif app_pin.slot is not None:
                if app_pin.slot in app.wishes:  # a "move" onto one of its own wishes is that wish
                    pinned_wish = app.wishes.index(app_pin.slot) + 1
                else:
                    pinned_slot = app_pin.slot
            else:
                conflicts.append(f"application {app.id} has a app_pin that neither grants nor refuses")
        for position, slot in enumerate(app.wishes, start=1):
            fault = slot_fault(slot, app.group_size, rooms.get(slot.room))
            if fault is None and (app.id, position) in problem.unavailable:
                fault = UNAVAILABLE
            if (
                fault is None
                and problem.weekly_cap_minutes is not None
                and _length(slot) > problem.weekly_cap_minutes
            ):
                fault = CAP
            if app_pin is not None and app_pin.refuse:
                fault = fault or PINNED_REFUSED
            elif app_pin is not None and position != pinned_wish:
                fault = fault or PINNED_ELSEWHERE
            if fault is not None:
                wish_faults[(app.id, position)] = fault
                if position == pinned_wish:
                    conflicts.append(f"application {app.id} is pinned to wish {position}, which is {fault}")
                continue
            by_app[app.id].append(len(candidates))
            candidates.append(_Candidate(app.id, position, slot))
        if pinned_slot is not None:
            fault = slot_fault(pinned_slot, app.group_size, rooms.get(pinned_slot.room))
            if fault is None and problem.weekly_cap_minutes is not None:
                if _length(pinned_slot) > problem.weekly_cap_minutes:
                    fault = CAP
            if fault is not None:
                conflicts.append(f"application {app.id} is pinned to a slot that is {fault}")
            else:
                by_app[app.id].append(len(candidates))
                candidates.append(_Candidate(app.id, None, pinned_slot))
        if pinned_wish is not None or pinned_slot is not None:
            forced.add(app.id)
    # The pins together: overlapping pinned slots or a cap the pinned slots alone break.
    pinned_cands = [candidates[i] for a in sorted(forced) for i in by_app[a]]
    for i, one in enumerate(pinned_cands):
        for other in pinned_cands[i + 1 :]:
            room = rooms[one.slot.room]
            if overlaps(one.slot, other.slot, room.buffer_minutes):
                conflicts.append(
                    f"applications {one.application} and {other.application} are pinned to overlapping slots"
                )
    if problem.weekly_cap_minutes is not None:
        per_assoc: dict[int, int] = defaultdict(int)
        for cand in pinned_cands:
            per_assoc[apps[cand.application].association] += _length(cand.slot)
        for assoc, minutes in sorted(per_assoc.items()):
            if minutes > problem.weekly_cap_minutes:
                conflicts.append(f"association {assoc} is pinned to more than its weekly cap")
    if conflicts:
        raise PinConflict(conflicts)
    return _Prepared(candidates, by_app, forced, wish_faults, pinned)


def _cliques(problem: Problem, candidates: list[_Candidate]) -> list[list[int]]:
    """The no-overlap rule as at-most-one constraints over maximal cliques.

    With a slot extended by its room's buffer to [start, end + buffer), two slots of a room
    and weekday clash exactly when their extended intervals intersect (s1 < e2 + b and
    s2 < e1 + b). Those intervals form an interval graph, whose maximal cliques are exactly
    the sets of intervals covering some point, and that point can be taken as the latest start
    in the clique (Helly property of intervals). So "at most one of the intervals covering t"
    for every start point t is exact: it forbids every clashing pair and nothing else. It is
    also far stronger for the LP relaxation than pairwise no-overlap (one row per clique,
    DEPENDENCIES.md: proven in 0.05 s where pairwise intervals were not proven in 30 s).
    """
    buffers = {room.id: room.buffer_minutes for room in problem.rooms}
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, cand in enumerate(candidates):
        groups[(cand.slot.room, cand.slot.weekday)].append(index)
    cliques: list[list[int]] = []
    for key in sorted(groups):
        members = groups[key]
        buffer = buffers[key[0]]
        seen: set[tuple[int, ...]] = set()
        for t in sorted({candidates[i].slot.start for i in members}):
            clique = tuple(
                i for i in members if candidates[i].slot.start <= t < candidates[i].slot.end + buffer
            )
            # A clique inside a later one is implied by it; keeping only new sets is enough, and
            # subsets are harmless (just redundant rows), so we skip exact repeats only.
            if len(clique) > 1 and clique not in seen:
                seen.add(clique)
                cliques.append(list(clique))
    return cliques


def _greedy(problem: Problem, prep: _Prepared, rank: Iterable[int]) -> set[int]:
    """A first-come-first-served allocation: pins first, then each application in `rank`
    order takes its first wish still free. Used as the first hint (so every stage starts
    from a feasible solution) and as the benchmark's baseline."""
    buffers = {room.id: room.buffer_minutes for room in problem.rooms}
    apps = {app.id: app for app in problem.applications}
    chosen: set[int] = set()
    used: dict[int, int] = defaultdict(int)
    held: list[Slot] = []

    def fits(index: int) -> bool:
        cand = prep.candidates[index]
        if any(overlaps(cand.slot, other, buffers[other.room]) for other in held):
            return False
        if problem.weekly_cap_minutes is not None:
            assoc = apps[cand.application].association
            return used[assoc] + _length(cand.slot) <= problem.weekly_cap_minutes
        return True

    def take(index: int) -> None:
        cand = prep.candidates[index]
        chosen.add(index)
        held.append(cand.slot)
        used[apps[cand.application].association] += _length(cand.slot)

    for app_id in sorted(prep.forced):
        take(prep.by_app[app_id][0])  # _prepare checked the pins fit together
    for app_id in rank:
        if app_id in prep.forced:
            continue
        for index in prep.by_app.get(app_id, []):
            if fits(index):
                take(index)
                break
    return chosen


def greedy(problem: Problem) -> Proposal:
    """The benchmark's baseline, what a coordinator does by hand: first come, first served
    (applications in id order), each taking its first wish still free. Keeps the hard rules."""
    prep = _prepare(problem)
    chosen = _greedy(problem, prep, [app.id for app in sorted(problem.applications, key=lambda a: a.id)])
    return _proposal(problem, prep, chosen, optimal=False, stages=())


def _stage_info(
    name: str, solver: Any, status: Any, cp_model: Any, seconds: float, maximise: bool
) -> dict[str, Any]:
    optimal = status == cp_model.OPTIMAL
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    bound: int | None = None
    if found:
        # Objectives are integral: a fractional LP bound rounds towards the found value.
        raw = solver.best_objective_bound
        bound = math.floor(raw + 1e-6) if maximise else math.ceil(raw - 1e-6)
    info: dict[str, Any] = {
        "name": name,
        "value": None,
        "bound": bound,
        "optimal": optimal,
        "seconds": round(seconds, 3),
        "status": solver.status_name(status),
        "work": round(solver.deterministic_time, 3),  # the solver's deterministic time units
    }
    if found and not optimal:
        info["note"] = "time limit reached: best found kept, not proven optimal"
    return info


def allocate(problem: Problem) -> Proposal:
    """The proposal that maximises, in this order, (0) the priority-weighted number of granted
    applications when any priority is set, (1) associations served, (2) applications granted,
    (3) preference (smallest sum of granted wish positions); ties broken deterministically."""
    from ortools.sat.python import cp_model  # heavy import, only when allocating

    started = time.monotonic()
    deadline = started + max(problem.time_limit_seconds, 0.1)
    prep = _prepare(problem)
    apps = sorted(problem.applications, key=lambda a: a.id)
    cands = prep.candidates

    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{c.application}_{c.wish or 0}") for c in cands]
    granted: dict[int, Any] = {}
    for app in apps:
        indexes = prep.by_app[app.id]
        if not indexes:
            continue
        if app.id in prep.forced:
            model.add(sum(x[i] for i in indexes) == 1)
        else:
            model.add_at_most_one(x[i] for i in indexes)
        granted[app.id] = sum(x[i] for i in indexes)
    for clique in _cliques(problem, cands):
        model.add_at_most_one(x[i] for i in clique)
    by_assoc: dict[int, list[int]] = defaultdict(list)
    for app in apps:
        if granted.get(app.id) is not None:
            by_assoc[app.association].append(app.id)
    if problem.weekly_cap_minutes is not None:
        for assoc in sorted(by_assoc):
            terms = [_length(cands[i].slot) * x[i] for a in by_assoc[assoc] for i in prep.by_app[a]]
            model.add(sum(terms) <= problem.weekly_cap_minutes)
    served = {}
    for assoc in sorted(by_assoc):
        y = model.new_bool_var(f"served{assoc}")
        members = [granted[a] for a in by_assoc[assoc]]
        model.add(y <= sum(members))
        for member in members:  # y is exactly "at least one granted": tightens the LP
            model.add(y >= member)
        served[assoc] = y

    # Each stage: (name, expression, maximise?, the same objective computed from candidates).
    assoc_of = {app.id: app.association for app in apps}
    prio_of = {app.id: app.priority for app in apps}
    rank = {app.id: r for r, app in enumerate(apps)}
    n = len(apps)
    stages: list[tuple[str, Any, bool, Callable[[list[_Candidate]], int]]] = []
    if any(app.priority > 0 for app in apps):
        stages.append(
            (
                "priority",
                sum(app.priority * granted[app.id] for app in apps if app.id in granted),
                True,
                lambda picked: sum(prio_of[c.application] for c in picked),
            )
        )
    stages.append(
        (
            "associations",
            sum(served.values()),
            True,
            lambda picked: len({assoc_of[c.application] for c in picked}),
        )
    )
    stages.append(("applications", sum(granted.values()), True, len))
    stages.append(
        (
            "preference",
            sum((c.wish or 0) * x[i] for i, c in enumerate(cands)),
            False,
            lambda picked: sum(c.wish or 0 for c in picked),
        )
    )
    # Tie-break among proposals equal on all of the above, in two more stages: first the
    # earlier applications (lower ids, in arrival order) are the ones granted (smallest sum of
    # id ranks), then the earlier an application, the more its wish position weighs, so an
    # earlier application gets the earlier wish. Staged, so the order provably holds; what
    # ties remain the solver settles deterministically (one worker, work-based limit).
    stages.append(
        (
            "tie_break_granted",
            sum(rank[c.application] * x[i] for i, c in enumerate(cands)),
            False,
            lambda picked: sum(rank[c.application] for c in picked),
        )
    )
    stages.append(
        (
            "tie_break_wishes",
            sum((n - rank[c.application]) * (c.wish or 1) * x[i] for i, c in enumerate(cands)),
            False,
            lambda picked: sum((n - rank[c.application]) * (c.wish or 1) for c in picked),
        )
    )
    # Shares of the time left: the early stages are quick; preference needs the most.
    shares = [0.25] * (len(stages) - 3) + [0.8, 0.5, 1.0]

    # Start from a deterministic greedy allocation, so every stage has a feasible hint.
    current = _greedy(problem, prep, [app.id for app in apps])
    infos: list[dict[str, Any]] = []
    all_optimal = True
    for (name, expr, maximise, evaluate), share in zip(stages, shares, strict=True):
        stage_start = time.monotonic()
        budget = max((deadline - stage_start) * share, 0.01)
        if not cands:
            infos.append({"name": name, "value": 0, "bound": 0, "optimal": True, "seconds": 0.0})
            continue
        model.clear_hints()
        for i in range(len(cands)):
            model.add_hint(x[i], i in current)
        if maximise:
            model.maximize(expr)
        else:
            model.minimize(expr)
        solver = cp_model.CpSolver()
        params = solver.parameters
        # A single worker (or an interleaved search with several) is deterministic; with the
        # work-based (deterministic) limit the same problem gives the same answer. The
        # wall-clock limit is a safety net on a loaded machine; when it is what stops a stage,
        # the stage says so, and only then may a second run differ.
        params.num_workers = max(1, problem.num_workers)
        params.interleave_search = problem.num_workers > 1
        params.random_seed = 20261201
        # The full linear relaxation with cuts: the clique rows make it nearly integral, and it
        # is what proves optimality fast (500 applications: about 1 s instead of no proof in
        # 50 s with the default level 1 on one worker).
        params.linearization_level = 2
        params.max_deterministic_time = budget
        # Never past the run's own deadline, whatever the work budget says.
        params.max_time_in_seconds = max(min(budget * 1.5, deadline - stage_start), 0.01)
        status = solver.solve(model)
        seconds = time.monotonic() - stage_start
        info = _stage_info(name, solver, status, cp_model, seconds, maximise)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            current = {i for i in range(len(cands)) if solver.boolean_value(x[i])}
        else:
            info["note"] = "no solution within the time limit: the previous stage's allocation kept"
        value = evaluate([cands[i] for i in sorted(current)])  # from the allocation, not a float
        info["value"] = value
        if info["bound"] is not None and not info["optimal"]:
            info["gap"] = abs(info["bound"] - value)
        # With no solution of its own the solver's bound is not worth printing: None says
        # "unknown" rather than claim the kept value is proven.
        if not info["optimal"]:
            all_optimal = False
        if solver.wall_time >= params.max_time_in_seconds * 0.99 and not info["optimal"]:
            info["note"] = "; ".join(
                filter(None, [info.get("note"), "stopped by the wall clock (machine busy)"])
            )
        infos.append(info)
        # Fix this stage's value (as a bound, so the found allocation stays feasible).
        if maximise:
            model.add(expr >= value)
        else:
            model.add(expr <= value)
    return _proposal(problem, prep, current, optimal=all_optimal, stages=tuple(infos))


# --- explanations ------------------------------------------------------------------------


def _proposal(
    problem: Problem, prep: _Prepared, chosen: set[int], optimal: bool, stages: tuple[dict[str, Any], ...]
) -> Proposal:
    rooms = {room.id: room for room in problem.rooms}
    apps = sorted(problem.applications, key=lambda a: a.id)
    grants = {
        prep.candidates[i].application: Grant(
            prep.candidates[i].application, prep.candidates[i].wish, prep.candidates[i].slot
        )
        for i in chosen
    }
    used: dict[int, int] = defaultdict(int)
    association = {app.id: app.association for app in apps}
    for one in grants.values():
        used[association[one.application]] += _length(one.slot)

    def holders(app: Application, slot: Slot) -> tuple[int, ...]:
        room = rooms.get(slot.room)
        buffer = room.buffer_minutes if room else 0
        return tuple(
            g.application
            for g in sorted(grants.values(), key=lambda g: g.application)
            if g.application != app.id and overlaps(slot, g.slot, buffer)
        )

    def reason(app: Application, position: int, slot: Slot, own_minutes: int) -> tuple[str, tuple[int, ...]]:
        fault = prep.wish_faults.get((app.id, position))
        if fault is not None:
            return fault, ()
        blockers = holders(app, slot)
        if blockers:
            return TAKEN, blockers
        cap = problem.weekly_cap_minutes
        if cap is not None and used[app.association] - own_minutes + _length(slot) > cap:
            return CAP, ()
        return NOT_REACHED, ()

    refusals: list[Refusal] = []
    explanations: list[Explanation] = []
    for app in apps:
        grant = grants.get(app.id)
        if grant is None:
            pin = prep.pinned.get(app.id)
            if not app.wishes:
                refusals.append(Refusal(app.id, NO_WISHES))
                continue
            reasons = [reason(app, p, s, 0) for p, s in enumerate(app.wishes, start=1)]
            codes = [code for code, _ in reasons]
            if pin is not None and pin.refuse:
                code = PINNED_REFUSED
            elif TAKEN in codes:
                code = TAKEN
            elif len(set(codes)) == 1:
                code = codes[0]
            else:  # mixed: the first wish that could have been granted but for others
                code = next((c for c in codes if c in (CAP, NOT_REACHED)), codes[0])
            refusals.append(
                Refusal(
                    app.id,
                    code,
                    tuple((p, b) for p, (c, b) in enumerate(reasons, start=1) if c == TAKEN),
                    tuple((p, c) for p, (c, _) in enumerate(reasons, start=1)),
                )
            )
        elif grant.wish is not None and grant.wish > 1:
            own = _length(grant.slot)
            reasons = [reason(app, p, app.wishes[p - 1], own) for p in range(1, grant.wish)]
            explanations.append(
                Explanation(
                    app.id,
                    grant.wish,
                    tuple((p, b) for p, (c, b) in enumerate(reasons, start=1) if c == TAKEN),
                    tuple((p, c) for p, (c, _) in enumerate(reasons, start=1)),
                )
            )
    return Proposal(
        grants=tuple(grants[a] for a in sorted(grants)),
        refusals=tuple(refusals),
        explanations=tuple(explanations),
        optimal=optimal,
        stages=stages,
    )


# --- validation --------------------------------------------------------------------------


def check(problem: Problem, proposal: Proposal) -> list[str]:
    """Every hard rule a proposal breaks, as plain strings (empty = valid). Used by tests and
    by the seasons app as a last safety check before publishing."""
    faults: list[str] = []
    rooms = {room.id: room for room in problem.rooms}
    apps = {app.id: app for app in problem.applications}
    pins: dict[int, list[Pin]] = defaultdict(list)
    for pin in problem.pins:
        pins[pin.application].append(pin)
    seen: set[int] = set()
    ids = [g.application for g in proposal.grants]
    if ids != sorted(ids):
        faults.append("grants are not sorted by application id")
    for grant in proposal.grants:
        app = apps.get(grant.application)
        if app is None:
            faults.append(f"grant for unknown application {grant.application}")
            continue
        if grant.application in seen:
            faults.append(f"application {app.id} is granted more than one slot")
        seen.add(app.id)
        app_pins = pins.get(app.id, [])
        if grant.wish is None:
            if not any(p.slot == grant.slot and not p.refuse for p in app_pins):
                faults.append(f"application {app.id} is granted a slot that is neither a wish nor pinned")
        elif not 1 <= grant.wish <= len(app.wishes) or app.wishes[grant.wish - 1] != grant.slot:
            faults.append(f"application {app.id}: granted slot is not its wish {grant.wish}")
        fault = slot_fault(grant.slot, app.group_size, rooms.get(grant.slot.room))
        if fault is not None:
            faults.append(f"application {app.id}: granted slot is {fault}")
        if grant.wish is not None and (app.id, grant.wish) in problem.unavailable:
            faults.append(f"application {app.id}: wish {grant.wish} is unavailable but granted")
        if grant.wish is None and grant.slot in app.wishes:
            position = app.wishes.index(grant.slot) + 1
            if (app.id, position) in problem.unavailable:
                faults.append(f"application {app.id}: wish {position} is unavailable but granted")
    grants = {g.application: g for g in proposal.grants}
    for app_id, app_pins in sorted(pins.items()):
        for pin in app_pins:
            held = grants.get(app_id)
            if pin.refuse and held is not None:
                faults.append(f"application {app_id} is pinned refused but granted")
            elif not pin.refuse and pin.wish is not None:
                app = apps.get(app_id)
                wanted = app.wishes[pin.wish - 1] if app and 1 <= pin.wish <= len(app.wishes) else None
                if held is None or held.slot != wanted:
                    faults.append(f"application {app_id} is pinned to wish {pin.wish} but not granted it")
            elif not pin.refuse and pin.slot is not None and (held is None or held.slot != pin.slot):
                faults.append(f"application {app_id} is pinned to a slot but not granted it")
    ordered = list(proposal.grants)
    for i, one in enumerate(ordered):
        for other in ordered[i + 1 :]:
            room = rooms.get(one.slot.room)
            if room is not None and overlaps(one.slot, other.slot, room.buffer_minutes):
                faults.append(f"applications {one.application} and {other.application} overlap")
    if problem.weekly_cap_minutes is not None:
        per_assoc: dict[int, int] = defaultdict(int)
        for grant in proposal.grants:
            if grant.application in apps:
                per_assoc[apps[grant.application].association] += _length(grant.slot)
        for assoc, minutes in sorted(per_assoc.items()):
            if minutes > problem.weekly_cap_minutes:
                faults.append(f"association {assoc} is granted {minutes} min a week, over the cap")
    refused = [r.application for r in proposal.refusals]
    if refused != sorted(refused) or len(set(refused)) != len(refused):
        faults.append("refusals are not sorted by application id or repeat one")
    if set(refused) & set(grants):
        faults.append("an application is both granted and refused")
    missing = set(apps) - set(grants) - set(refused)
    if missing:
        faults.append(f"applications neither granted nor refused: {sorted(missing)}")
    return faults
