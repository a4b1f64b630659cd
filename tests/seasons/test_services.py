"""The season services: applying and changing until the deadline, pins, caps, priorities."""

from datetime import time, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from seasons import services
from seasons.models import Application, Outcome, Season

from .conftest import apply, wish

pytestmark = pytest.mark.django_db


def past_deadline(season):
    return time_machine.travel(season.applications_close + timedelta(minutes=1), tick=True)


def outcomes(season):
    return {o.application_id: o for o in Outcome.objects.filter(application__season=season)}


def test_an_application_is_changed_and_withdrawn_until_the_deadline(users, association, season, room, hall):
    application = apply(season, users.member, association, wish(room, 2))
    services.application_update(
        actor=users.member,
        application=application,
        title="Uusi nimi",
        group_size=5,
        wishes=[wish(hall, 3), wish(room, 4)],
    )
    application.refresh_from_db()
    assert application.title == "Uusi nimi"
    assert [(w.room_id, w.weekday) for w in application.wishes.all()] == [(hall.pk, 3), (room.pk, 4)]
    services.application_withdraw(actor=users.member, application=application)
    assert not Application.objects.exists()


def test_after_the_deadline_nothing_changes(users, association, season, room):
    application = apply(season, users.member, association, wish(room, 2))
    with past_deadline(season):
        with pytest.raises(ValidationError):
            services.application_update(
                actor=users.member, application=application, title="x", group_size=5, wishes=[wish(room, 3)]
            )
        with pytest.raises(ValidationError):
            services.application_withdraw(actor=users.member, application=application)
    assert Application.objects.filter(pk=application.pk, title="Kerho").exists()


def test_an_outsider_changes_nothing(users, association, season, room):
    application = apply(season, users.member, association, wish(room, 2))
    with pytest.raises(PermissionDenied):
        services.application_withdraw(actor=users.outsider, application=application)
    with pytest.raises(PermissionDenied):
        services.season_pin(actor=users.admin, application=application, kind="refuse")


def test_the_same_season_gives_the_same_proposal(users, association, other_association, season, room, hall):
    for n in range(6):
        who, assoc = (users.admin, association) if n % 2 else (users.outsider, other_association)
        apply(season, who, assoc, wish(room, 2 + n % 2), wish(hall, 2), wish(room, 4), title=f"Ryhmä {n}")
    with past_deadline(season):
        first = services.season_allocate(actor=users.coordinator, season=season)
        second = services.season_allocate(actor=users.coordinator, season=season)
    assert first.grants == second.grants
    assert first.refusals == second.refusals
    assert Outcome.objects.filter(application__season=season).count() == 6


def test_pins_are_kept_on_the_next_run(users, association, other_association, season, room, hall):
    a = apply(season, users.admin, association, wish(room, 2), wish(room, 3))
    b = apply(season, users.outsider, other_association, wish(room, 2))
    with past_deadline(season):
        services.season_allocate(actor=users.coordinator, season=season)
        assert outcomes(season)[a.pk].wish == 2  # both associations served: a moves to its second
        services.season_pin(actor=users.coordinator, application=a, kind="wish", wish=1)
        services.season_allocate(actor=users.coordinator, season=season)
        result = outcomes(season)
        assert result[a.pk].wish == 1
        assert not result[b.pk].granted
        services.season_pin(
            actor=users.coordinator,
            application=b,
            kind="move",
            room=hall,
            weekday=2,
            start=time(18),
            end=time(20),
        )
        services.season_allocate(actor=users.coordinator, season=season)
        result = outcomes(season)
        assert result[b.pk].granted and result[b.pk].room_id == hall.pk and result[b.pk].wish is None
        services.season_pin(actor=users.coordinator, application=a, kind="refuse")
        services.season_allocate(actor=users.coordinator, season=season)
        assert outcomes(season)[a.pk].code == "pinned_refused"


def test_pins_that_cannot_all_hold_are_a_clear_error(users, association, other_association, season, room):
    a = apply(season, users.admin, association, wish(room, 2))
    b = apply(season, users.outsider, other_association, wish(room, 2))
    services.season_pin(actor=users.coordinator, application=a, kind="wish", wish=1)
    services.season_pin(actor=users.coordinator, application=b, kind="wish", wish=1)
    with past_deadline(season), pytest.raises(ValidationError) as error:
        services.season_allocate(actor=users.coordinator, season=season)
    assert error.value.message_dict["detail"]
    assert Season.objects.get(pk=season.pk).phase == Season.Phase.OPEN


def test_a_move_pin_must_keep_the_rooms_rules(users, association, season, hall):
    a = apply(season, users.admin, association, wish(hall, 2))
    with pytest.raises(ValidationError):
        services.season_pin(
            actor=users.coordinator,
            application=a,
            kind="move",
            room=hall,
            weekday=2,
            start=time(21),
            end=time(23),
        )


def test_the_weekly_cap_holds_per_association(users, association, season, room, hall):
    season.weekly_cap_minutes = 120
    season.save()
    apply(season, users.admin, association, wish(room, 2, "18:00", "20:00"))
    second = apply(season, users.admin, association, wish(hall, 3, "18:00", "19:00"))
    with past_deadline(season):
        services.season_allocate(actor=users.coordinator, season=season)
    assert outcomes(season)[second.pk].code == "cap"


def test_priority_audiences_are_served_first(users, association, other_association, season, room):
    season.priority_audiences = ["children"]
    season.save()
    adults = apply(season, users.admin, association, wish(room, 2), title="Aikuiset")
    children = apply(
        season, users.outsider, other_association, wish(room, 2), title="Lapset", audience="children"
    )
    with past_deadline(season):
        services.season_allocate(actor=users.coordinator, season=season)
    result = outcomes(season)
    assert result[children.pk].granted
    assert not result[adults.pk].granted


def test_a_new_allocation_replaces_the_proposal_and_publishing_ends_allocation(
    users, association, season, room
):
    apply(season, users.admin, association, wish(room, 2))
    with past_deadline(season):
        services.season_allocate(actor=users.coordinator, season=season)
        services.season_allocate(actor=users.coordinator, season=season)
        assert Outcome.objects.count() == 1
        services.season_publish(actor=users.coordinator, season=season)
        with pytest.raises(ValidationError):
            services.season_allocate(actor=users.coordinator, season=season)
