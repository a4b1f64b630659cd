from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tupa.text import validate_multi_line, validate_single_line

from .models import Association, Membership


class AssociationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Association
        fields = ["name", "description", "contact_email", "website", "business_id", "language"]
        help_texts = {
            "language": _("For the contact address, and for members who have not chosen a language."),
            "business_id": _("Optional. Registered associations have one, e.g. 1572860-0."),
            "contact_email": _("Shown in the public directory."),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        # Django's own words read "Yhdistys jolla on tämä Nimi, on jo olemassa".
        error_messages = {"name": {"unique": _("An association with this name is already registered.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(validate_single_line)
        self.fields["description"].validators.append(validate_multi_line)
        # Optional in the form: a registration that does not say gets Finnish (CONTRACT.md).
        self.fields["language"].required = False

    def clean_business_id(self) -> str:
        return self.cleaned_data["business_id"].strip()

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or settings.LANGUAGE_CODE


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the registrant."),
        validators=[validate_multi_line],
    )


class ApproveForm(forms.Form):
    reason = forms.CharField(
        label=_("Message to the registrant (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multi_line],
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To make sure it is really you."),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class EraseAssociationForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the erasure cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
