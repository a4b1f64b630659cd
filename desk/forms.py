from __future__ import annotations

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from booking.forms import SafeModelChoiceField, in_zone, valid_pk
from booking.models import Occurrence, Status
from booking.permissions import bookable_associations
from tupa.text import validate_multi_line, validate_single_line
from venues.models import Room, Venue
from venues.permissions import coordinated_q

from .audit_labels import action_label
from .services import Others

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def local_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=DATETIME_WIDGET)


class DateChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *args, tz=None, **kwargs):
        self.tz = tz
        super().__init__(*args, **kwargs)

    def _check_values(self, value):
        for pk in value:
            if not valid_pk(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)

    def label_from_instance(self, obj: Occurrence) -> str:
        start = obj.start.astimezone(self.tz) if self.tz else obj.start
        end = obj.end.astimezone(self.tz) if self.tz else obj.end
        room = f" · {obj.room.name}" if obj.room_id else ""
        return f"{formats.date_format(start, 'D j.n.Y H:i')}–{formats.time_format(end, 'H:i')}{room}"


class _BookingDatesForm(forms.Form):
    def __init__(self, *args, booking, **kwargs):
        super().__init__(*args, **kwargs)
        self.booking = booking
        tz = booking.room.venue.tz if booking.room_id else None
        pending = (
            Occurrence.objects.filter(booking=booking, status=Status.PENDING)
            .select_related("room")
            .order_by("start")
        )
        self.fields["occurrences"] = DateChoiceField(
            queryset=pending,
            tz=tz,
            label=_("Dates"),
            widget=forms.CheckboxSelectMultiple,
            required=self.dates_required,
            initial=list(pending) if self.dates_required else None,
            help_text=self.dates_help,
        )
        self.order_fields(["occurrences"])

    dates_required = True
    dates_help = _("Uncheck the dates you do not decide on now.")


class ApproveForm(_BookingDatesForm):
    others = forms.ChoiceField(
        label=_("Competing requests for the same time"),
        choices=[
            (Others.DECLINE, _("Decline them")),
            (Others.PROPOSE, _("Offer each the nearest free time or room")),
        ],
        initial=Others.DECLINE,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message to the association (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multi_line],
    )
    others_message = forms.CharField(
        label=_("Message to the competing associations (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Each association hears only its own message."),
    )


class DeclineForm(_BookingDatesForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        validators=[validate_multi_line],
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Tell the association why."))
        return reason


class ProposalForm(_BookingDatesForm):
    dates_required = False
    dates_help = _(
        "None checked: every date that waits for a decision; the first moves to the new time "
        "and the rest keep their distance from it."
    )

    room = SafeModelChoiceField(
        label=_("Room"), queryset=Room.objects.filter(is_active=True).select_related("venue")
    )
    start = local_field(_("New start"))
    end = local_field(_("New end"))
    message = forms.CharField(
        label=_("Message to the association (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multi_line],
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # Another time in the coordinator's own venues only (desk.services checks it too).
            self.fields["room"].queryset = self.fields["room"].queryset.filter(coordinated_q(user, "venue"))

    def clean(self):
        data = super().clean()
        room = data.get("room")
        if room and data.get("start") and data.get("end"):
            data["start"] = in_zone(data["start"], room.venue.tz)
            data["end"] = in_zone(data["end"], room.venue.tz)
            if data["end"] <= data["start"]:
                self.add_error("end", _("The end must be after the start."))
        return data


class ConflictApproveForm(forms.Form):
    """Approve one competing request from the inbox."""

    scope = forms.ChoiceField(
        label=_("Decide"),
        choices=[
            ("series", _("the whole series: every waiting date of each request")),
            ("date", _("this date only")),
        ],
        initial="series",
        required=False,  # not chosen: the whole series, as the inbox groups them
        widget=forms.RadioSelect,
    )
    others = ApproveForm.base_fields["others"]
    message = ApproveForm.base_fields["message"]
    others_message = ApproveForm.base_fields["others_message"]


class AnswerForm(forms.Form):
    message = forms.CharField(
        label=_("Message (optional)"), required=False, max_length=2000, validators=[validate_multi_line]
    )


class ClosureForm(forms.Form):
    venue = SafeModelChoiceField(label=_("Venue"), queryset=Venue.objects.all())
    room = SafeModelChoiceField(
        label=_("Room"),
        queryset=Room.objects.select_related("venue"),
        required=False,
        help_text=_("Empty: the whole venue."),
    )
    start = local_field(_("Start"))
    end = local_field(_("End"))
    reason = forms.CharField(label=_("Reason"), max_length=300, validators=[validate_single_line])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # Only the venues the coordinator coordinates are offered (and accepted).
            self.fields["venue"].queryset = Venue.objects.filter(coordinated_q(user))
            self.fields["room"].queryset = Room.objects.select_related("venue").filter(
                coordinated_q(user, "venue")
            )

    def clean(self):
        data = super().clean()
        venue, room = data.get("venue"), data.get("room")
        if venue and room and room.venue_id != venue.pk:
            self.add_error("room", _("Choose a room of this venue."))
        if venue and data.get("start") and data.get("end"):
            data["start"] = in_zone(data["start"], venue.tz)
            data["end"] = in_zone(data["end"], venue.tz)
            if data["end"] <= data["start"]:
                self.add_error("end", _("The end must be after the start."))
        return data


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    association = SafeModelChoiceField(
        label=_("Association"), queryset=Association.objects.order_by("name"), required=False
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All"))] + [(a, action_label(a)) for a in actions]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data


class WaitlistJoinForm(forms.Form):
    association = SafeModelChoiceField(label=_("Association"), queryset=Association.objects.none())
    room = SafeModelChoiceField(
        label=_("Room"), queryset=Room.objects.filter(is_active=True).select_related("venue")
    )
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_single_line])
    start = local_field(_("Start"))
    end = local_field(_("End"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = bookable_associations(user).order_by("name")

    def clean(self):
        data = super().clean()
        room = data.get("room")
        if room and data.get("start") and data.get("end"):
            data["start"] = in_zone(data["start"], room.venue.tz)
            data["end"] = in_zone(data["end"], room.venue.tz)
            if data["end"] <= data["start"]:
                self.add_error("end", _("The end must be after the start."))
        return data
