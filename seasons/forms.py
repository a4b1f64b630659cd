from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.forms import SafeModelChoiceField, in_zone
from booking.models import Audience
from booking.permissions import bookable_associations
from venues.models import Room, Venue

from .models import MAX_WISHES, Application, Pin, Season
from .services import WishInput
from .wording import weekday_name

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def weekday_choices():
    return [(n, weekday_name(n)) for n in range(1, 8)]


class RoomChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name  # the season is in one house: its name would only repeat


class SeasonForm(forms.Form):
    name = forms.CharField(label=_("Name of the season"), max_length=200)
    venue = SafeModelChoiceField(label=_("House"), queryset=Venue.objects.all())
    rooms = forms.ModelMultipleChoiceField(
        label=_("Rooms"),
        queryset=Room.objects.filter(is_active=True).select_related("venue"),
        widget=forms.CheckboxSelectMultiple,
    )
    start = forms.DateField(label=_("First date"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Last date"), widget=DATE_WIDGET)
    applications_close = forms.DateTimeField(
        label=_("Applications close"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the house's local time."),
    )
    weekly_cap_hours = forms.DecimalField(
        label=_("At most this many hours a week per association"),
        required=False,
        min_value=Decimal("0.5"),
        max_digits=5,
        decimal_places=1,
        help_text=_("Leave empty for no limit."),
    )
    priority_audiences = forms.MultipleChoiceField(
        label=_("Groups served first"),
        choices=[(v, label) for v, label in Audience.choices if v != Audience.EVERYONE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("As many of these groups as possible get a slot before the others."),
    )

    def cleaned_close(self):
        return in_zone(self.cleaned_data["applications_close"], self.cleaned_data["venue"].tz)


class ApplicationForm(forms.Form):
    association = SafeModelChoiceField(label=_("Association"), queryset=None)
    title = forms.CharField(label=_("What is the activity?"), max_length=200)
    group_size = forms.IntegerField(label=_("How many people come?"), min_value=1, max_value=100_000)
    audience = forms.ChoiceField(label=_("For whom?"), choices=Audience.choices, initial=Audience.EVERYONE)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    public = forms.BooleanField(label=_("Public: shown in the calendar"), required=False, initial=True)

    def __init__(self, *args, season: Season, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.season = season
        associations = bookable_associations(user)
        self.fields["association"].queryset = associations
        if not self.is_bound and "association" not in self.initial:
            only = list(associations[:2])
            if len(only) == 1:  # most volunteers act for one association: choose it for them
                self.initial["association"] = only[0].pk
        rooms = season.rooms.order_by("name")
        for n in range(1, MAX_WISHES + 1):
            required = n == 1
            self.fields[f"wish{n}_weekday"] = forms.TypedChoiceField(
                label=_("Weekday"),
                choices=[("", "—"), *weekday_choices()],
                coerce=int,
                required=required,
                empty_value=None,
            )
            self.fields[f"wish{n}_start"] = forms.TimeField(
                label=_("From"), widget=TIME_WIDGET, required=required, input_formats=["%H:%M"]
            )
            self.fields[f"wish{n}_end"] = forms.TimeField(
                label=_("To"), widget=TIME_WIDGET, required=required, input_formats=["%H:%M"]
            )
            self.fields[f"wish{n}_room"] = RoomChoiceField(
                label=_("Room"), queryset=rooms, required=required, empty_label="—"
            )

    def wish_rows(self):
        """The five wish rows as groups of bound fields, for the template."""
        for n in range(1, MAX_WISHES + 1):
            yield n, [self[f"wish{n}_{part}"] for part in ("weekday", "start", "end", "room")]

    def wishes(self) -> list[WishInput]:
        wishes = []
        for n in range(1, MAX_WISHES + 1):
            parts = [self.cleaned_data.get(f"wish{n}_{p}") for p in ("room", "weekday", "start", "end")]
            if all(p is None for p in parts):
                continue
            if any(p is None for p in parts):
                self.add_error(
                    f"wish{n}_weekday", _("Fill in the weekday, both times and the room, or none.")
                )
                continue
            wishes.append(WishInput(parts[0], parts[1], parts[2], parts[3]))
        return wishes

    @classmethod
    def initial_for(cls, application: Application) -> dict:
        initial = {
            "association": application.association_id,
            "title": application.title,
            "group_size": application.group_size,
            "audience": application.audience,
            "description": application.description,
            "public": application.is_public,
        }
        for wish in application.wishes.all():
            n = wish.position
            initial.update(
                {
                    f"wish{n}_weekday": wish.weekday,
                    f"wish{n}_start": wish.start,
                    f"wish{n}_end": wish.end,
                    f"wish{n}_room": wish.room_id,
                }
            )
        return initial


class PinForm(forms.Form):
    application = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("let the solver decide")), *Pin.Kind.choices],
        required=False,
    )
    wish = forms.TypedChoiceField(
        label=_("Wish"),
        choices=[("", "—")] + [(n, str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=[("", "—"), *weekday_choices()],
        coerce=int,
        required=False,
        empty_value=None,
    )
    start = forms.TimeField(label=_("From"), widget=TIME_WIDGET, required=False, input_formats=["%H:%M"])
    end = forms.TimeField(label=_("To"), widget=TIME_WIDGET, required=False, input_formats=["%H:%M"])
    room = forms.TypedChoiceField(label=_("Room"), choices=(), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, rooms, **kwargs):
        # The rooms are read once for the whole page: one form per application shares them.
        super().__init__(*args, **kwargs)
        self.rooms = {r.pk: r for r in rooms}
        self.fields["room"].choices = [("", "—"), *((r.pk, r.name) for r in rooms)]

    def clean_room(self):
        pk = self.cleaned_data.get("room")
        return None if pk is None else self.rooms.get(pk)
