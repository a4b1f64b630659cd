"""The statistics period and venue, shared by the JSON API and the HTML page."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from venues.models import Municipality, Room, Venue
from venues.query import parse_ids

# A decade is plenty for a report and keeps the per-month arithmetic small.
MAX_DAYS = 3660
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


class UsagePeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), input_formats=["%Y-%m-%d"])
    end = forms.DateField(label=_("To (included)"), input_formats=["%Y-%m-%d"])
    # Tupa's addition to the contract's venue (issue 14): a municipality's houses together.
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name", "id"),  # any id: the API's filter too
        required=False,
        empty_label=_("All municipalities"),
        error_messages={"invalid_choice": _("Unknown municipality.")},
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.order_by("name", "id"),
        required=False,
        empty_label=_("All venues"),
        error_messages={"invalid_choice": _("Unknown venue.")},
    )

    def clean_start(self) -> date:
        return self._within_limits(self.cleaned_data["start"])

    def clean_end(self) -> date:
        return self._within_limits(self.cleaned_data["end"])

    def _within_limits(self, value: date) -> date:
        if not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(_("Choose a date between 1900 and 2999."))
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date is before the start date."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", _("Choose a period of at most ten years."))
        return data


def _an_id(data, name: str) -> int | None:
    """The one id given as `name`, read by the project's one id parser; None if none or bad
    (the field itself then says what is wrong)."""
    ids, error = parse_ids(data, name) if hasattr(data, "getlist") else ([], None)
    return ids[0] if not error and len(ids) == 1 else None


class StatsPageForm(UsagePeriodForm):
    """The page also narrows to one room (e.g. "the hall on weekday evenings")."""

    room = forms.ModelChoiceField(
        label=_("Room"),
        queryset=Room.objects.select_related("venue").order_by("venue__name", "name", "id"),
        required=False,
        empty_label=_("All rooms"),
        error_messages={"invalid_choice": _("Unknown room.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        venue_field, room_field = self.fields["venue"], self.fields["room"]
        # With a house chosen the room list is its rooms (and the room asked for, so that a
        # room of another house gets its own message in clean()): a national installation
        # has thousands of rooms.
        house = _an_id(self.data, "venue")
        if house is not None:
            room_field.queryset = room_field.queryset.filter(
                Q(venue_id=house) | Q(pk=_an_id(self.data, "room") or 0)
            )
        # One municipality is the whole installation: no choice to offer.
        if Municipality.objects.with_venues().count() < 2:
            del self.fields["municipality"]
            return
        # The house and room lists follow the chosen municipality, as on the calendar page.
        chosen = _an_id(self.data, "municipality")
        if chosen is not None:
            venue_field.queryset = venue_field.queryset.filter(municipality_id=chosen)
            room_field.queryset = room_field.queryset.filter(venue__municipality_id=chosen)

    def clean(self):
        data = super().clean()
        venue, room = data.get("venue"), data.get("room")
        if venue and room and room.venue_id != venue.id:
            self.add_error("room", _("This room is not in the chosen venue."))
        return data
