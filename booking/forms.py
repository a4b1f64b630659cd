"""The booking pages' forms. Times are entered as the venue's local wall-clock time."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from tupa.text import validate_multi_line, validate_single_line
from venues.models import Room
from venues.templatetags.durations import duration

from . import plain_rrule, series
from .models import Audience, Category
from .permissions import bookable_associations
from .recurrence import localize


# Shared by the desk's and the seasons' forms too (they sit above booking).
def in_zone(value, tz):
    """Read a wall-clock time typed into a form as the venue's local time, not the browser's or server's."""
    naive = timezone.make_naive(value, timezone.get_current_timezone()) if timezone.is_aware(value) else value
    return localize(naive, tz)


MAX_PK = 2**63 - 1


def valid_pk(value) -> bool:
    try:
        return 0 < int(str(value)) <= MAX_PK
    except ValueError:
        return False


class SafeModelChoiceField(forms.ModelChoiceField):
    """An id too large for the database column is 'not one of the choices', not a 500."""

    def to_python(self, value):
        if value not in self.empty_values and not valid_pk(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")

# Which form field shows a service's error keyed by a request field.
SERVICE_FIELDS = {
    "start": "start",
    "end": "end",
    "rrule": "repeat",
    "room": "room",
    "association": "association",
    "cohosts": "cohosts",
    "extra_rooms": "extra_rooms",
    "location": "location",
    "image_alt": "image_alt",
    "image_url": "image_url",
}


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the matching fields, the rest at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        name = SERVICE_FIELDS.get(key)
        form.add_error(name if name in form.fields else None, messages)


class TimePatternForm(forms.Form):
    """One date and times, and how it repeats, in plain words."""

    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET)
    end = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET)
    repeat = forms.ChoiceField(
        label=_("How often"),
        choices=plain_rrule.REPEAT_CHOICES,
        initial=plain_rrule.NONE,
        widget=forms.RadioSelect,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On which weekdays (for a weekly series)"),
        choices=list(enumerate(plain_rrule.DAY_NAMES)),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to repeat on the weekday of the first date."),
    )
    until = forms.DateField(
        label=_("Until (last possible date)"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("For a series: give either the last date or the number of times."),
    )
    count = forms.IntegerField(label=_("Number of times"), required=False, min_value=1, max_value=500)

    room_for_times: Room | None = None  # the room whose zone the times are in (set by subclasses)

    def pattern_room(self, data: dict) -> Room | None:
        return self.room_for_times

    def times_without_room(self, data: dict) -> bool:
        """Whether the times stand on their own, in the site's zone (an event held elsewhere)."""
        return False

    def clean(self):
        data = super().clean()
        room = self.pattern_room(data)
        day, start, end = data.get("date"), data.get("start"), data.get("end")
        if day and start and end:
            if end <= start:
                self.add_error("end", _("The end must be after the start."))
            elif room is not None or self.times_without_room(data):
                # Wall-clock times in the venue's zone (the site's for an event held elsewhere);
                # localize() documents the DST-night choice.
                tz = room.venue.tz if room is not None else timezone.get_default_timezone()
                data["start_at"] = localize(datetime.combine(day, start), tz)
                data["end_at"] = localize(datetime.combine(day, end), tz)
        if day and data.get("repeat"):
            try:
                data["rrule"] = plain_rrule.build(
                    repeat=data["repeat"],
                    start=day,
                    weekdays=data.get("weekdays") or (),
                    until=data.get("until"),
                    count=data.get("count"),
                )
            except plain_rrule.PlainRuleError as exc:
                self.add_error(exc.field, str(exc))
        return data


class PublicChoiceField(forms.TypedChoiceField):
    """Public or private, a required choice with nothing preselected for a new booking.

    A ticked-by-default box made a board meeting a public calendar event unasked; a radio
    pair that must be answered makes publishing deliberate. "on" (the old checkbox's value)
    still reads as public, for links and scripts that post it.
    """

    ALIASES = {"on": "True", "true": "True", "1": "True", "off": "False", "false": "False", "0": "False"}

    def __init__(self, **kwargs):
        super().__init__(
            choices=[
                ("False", _("Private: the calendar shows only “Reserved”")),
                ("True", _("Public: the title and description are shown in the calendar")),
            ],
            coerce=lambda value: value == "True",
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose whether the event is public or private.")},
            **kwargs,
        )

    def to_python(self, value):
        value = super().to_python(value)
        return self.ALIASES.get(value.lower(), value) if value else value

    def prepare_value(self, value):
        return str(value) if isinstance(value, bool) else value


class DetailsMixin(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_single_line])
    is_public = PublicChoiceField(label=_("Who sees it in the calendar"))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_multi_line],
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("(none)")
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.EVERYONE)
    remote_url = forms.URLField(
        label=_("Link for remote participation"), required=False, assume_scheme="https"
    )
    expected_attendance = forms.IntegerField(
        label=_("Expected participants"), required=False, min_value=0, max_value=100000
    )
    accessibility_notes = forms.CharField(
        label=_("Accessibility"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. step-free entrance, induction loop, where to park."),
        validators=[validate_multi_line],
    )
    is_free = forms.BooleanField(label=_("Free of charge"), required=False, initial=True)
    registration_required = forms.BooleanField(label=_("Sign-up required"), required=False)
    image_url = forms.URLField(
        label=_("Image address"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("A link to a picture published elsewhere, e.g. on your association's website."),
    )
    image_alt = forms.CharField(
        label=_("What the image shows"),
        required=False,
        max_length=300,
        help_text=_("Read aloud to those who cannot see the picture."),
        validators=[validate_single_line],
    )

    # Everything but the title, which the forms ask for first and the services take on its own.
    DETAIL_FIELDS = tuple(name for name in series.DETAIL_FIELDS if name != "title")

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.DETAIL_FIELDS if name in self.fields}

    def clean(self):
        data = super().clean()
        if data.get("image_url") and not data.get("image_alt", "").strip():
            self.add_error("image_alt", _("Describe the image in a few words."))
        return data


class BookingForm(DetailsMixin, TimePatternForm):
    association = forms.ModelChoiceField(
        label=_("For which association"), queryset=Association.objects.none()
    )
    room = forms.ModelChoiceField(
        label=_("Room"),
        queryset=Room.objects.filter(is_active=True).select_related("venue"),
        required=False,
        empty_label=_("(choose a room)"),
    )
    extra_rooms = forms.ModelMultipleChoiceField(
        label=_("Also book these rooms at the same time"),
        queryset=Room.objects.filter(is_active=True).select_related("venue"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For an event in several rooms, e.g. a fair in the hall and the kitchen: all or nothing."
        ),
    )
    location = forms.CharField(
        label=_("Place, when not in a room"),
        required=False,
        max_length=300,
        help_text=_("E.g. the village school's yard; then choose no room above."),
        validators=[validate_single_line],
    )
    cohosts = forms.ModelMultipleChoiceField(
        label=_("Invite other associations to co-host"),
        queryset=Association.objects.filter(status=Association.Status.APPROVED).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their admins are asked to accept; accepted co-hosts are shown as hosts."),
    )
    field_order = ["association", "room", "title"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = bookable_associations(user).order_by("name")
        self.fields["association"].queryset = choices
        if not self.is_bound and "association" not in self.initial:
            # Most volunteers belong to one association: spare them the choice.
            only = list(choices[:2])
            if len(only) == 1:
                self.initial["association"] = only[0].pk

    def pattern_room(self, data: dict) -> Room | None:
        return data.get("room")

    def times_without_room(self, data: dict) -> bool:
        return "room" not in self.errors and not data.get("room") and bool(data.get("location"))

    def clean(self):
        data = super().clean()
        room, location = data.get("room"), (data.get("location") or "").strip()
        if "room" in self.errors:
            return data
        if room is None and not location:
            self.add_error("room", _("Choose a room, or say where the event is held."))
        elif room is not None and location:
            self.add_error("location", _("Leave the place empty when you book a room."))
        elif room is None and data.get("extra_rooms"):
            self.add_error("extra_rooms", _("An event held elsewhere cannot book rooms."))
        data["location"] = location
        return data


class CoHostInviteForm(forms.Form):
    cohosts = forms.ModelMultipleChoiceField(
        label=_("Invite other associations to co-host"),
        queryset=Association.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, booking, **kwargs):
        super().__init__(*args, **kwargs)
        invited = [c.association_id for c in booking.cohosts.all()]
        self.fields["cohosts"].queryset = (
            Association.objects.filter(status=Association.Status.APPROVED)
            .exclude(pk__in=[booking.association_id, *invited])
            .order_by("name")
        )


class EventDetailsForm(DetailsMixin):
    """What a co-host may change: the event's public face, not its times or visibility."""

    PUBLIC_FIELDS = series.PUBLIC_DETAIL_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.PUBLIC_FIELDS:
                del self.fields[name]

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.PUBLIC_FIELDS}


class SeriesEditForm(DetailsMixin, TimePatternForm):
    field_order = ["title"]

    def __init__(self, *args, room: Room, **kwargs):
        super().__init__(*args, **kwargs)
        self.room_for_times = room


class MoveForm(forms.Form):
    date = forms.DateField(label=_("New date"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET)
    end = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET)
    room = forms.ModelChoiceField(
        label=_("Room"), queryset=Room.objects.none(), required=False, empty_label=None
    )

    def __init__(self, *args, room: Room, movable_room: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = room
        if movable_room:
            # Another room of the same house; a room that needs approval says so in its name.
            rooms = Room.objects.filter(venue_id=room.venue_id, is_active=True).select_related("venue")
            self.fields["room"].queryset = rooms
            self.fields["room"].label_from_instance = _room_choice_label
            self.initial.setdefault("room", room.pk)
        else:
            del self.fields["room"]

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start"), data.get("end")
        if day and start and end:
            if end <= start:
                self.add_error("end", _("The end must be after the start."))
            else:
                data["start_at"] = localize(datetime.combine(day, start), self.room.venue.tz)
                data["end_at"] = localize(datetime.combine(day, end), self.room.venue.tz)
        return data


def _room_choice_label(room: Room) -> str:
    if room.requires_approval:
        return _("%(room)s (a coordinator approves)") % {"room": room.name}
    return room.name


class CancelForm(forms.Form):
    SCOPES = [
        ("series", _("the whole series")),
        ("occurrence", _("one date")),
        ("from", _("this and all following dates")),
    ]
    scope = forms.ChoiceField(choices=SCOPES, widget=forms.HiddenInput)
    occurrence = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (optional, sent to the association)"),
        required=False,
        max_length=500,
        validators=[validate_multi_line],
    )

    def clean(self):
        data = super().clean()
        if data.get("scope") in ("occurrence", "from") and not data.get("occurrence"):
            raise ValidationError(_("Choose a date."))
        return data


class AttendanceForm(forms.Form):
    attendance = forms.IntegerField(
        label=_("Participants"),
        min_value=0,
        max_value=100000,
        help_text=_("Count visits: everyone who came this time, leaders too."),
    )
    unused = forms.BooleanField(label=_("Booked but not used"), required=False)


class MyBookingsFilter(forms.Form):
    association = forms.ModelChoiceField(
        label=_("Association"), queryset=Association.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args, associations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = associations


class FreeRoomSearchForm(forms.Form):
    """When, how long, how many and which needs: the question behind "Find a free room"."""

    LENGTHS = (30, 60, 90, 120, 180, 240, 300, 360, 480)

    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET)
    length = forms.TypedChoiceField(label=_("How long"), coerce=int, initial=120)
    people = forms.IntegerField(label=_("How many people"), required=False, min_value=1, max_value=10000)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    hearing_loop = forms.BooleanField(label=_("Hearing loop"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["length"].choices = [(m, duration(m)) for m in self.LENGTHS]

    def clean(self):
        data = super().clean()
        day, start, length = data.get("date"), data.get("start"), data.get("length")
        if day and start and length:
            begins = datetime.combine(day, start)
            ends = begins + timedelta(minutes=length)
            if ends.date() != day:
                self.add_error("length", _("The time must end by midnight."))
            data["local_start"], data["local_end"] = begins, ends
        return data
