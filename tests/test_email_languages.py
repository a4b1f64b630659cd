"""Every kind of e-mail, in the recipient's chosen language (else the association's, else
Finnish), subject and body alike; allauth's mails name the site and link to SITE_URL."""

from datetime import datetime, timedelta

import pytest
from django.core import mail

from associations import emails as association_emails
from associations.models import Invitation, Membership, Profile
from booking import notifications as booking_mail
from booking.models import CoHost
from desk import notifications as desk_mail
from tests.conftest import HEL
from tests.factories import BookingFactory, MembershipFactory, OccurrenceFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

# What each language's e-mails must say (written here by hand, not read from the catalogue).
GREETING = {"fi": "Hei ", "sv": "Hej ", "en": "Hello "}
BOOKING_SUBJECTS = {
    "confirmed": {"fi": "Varaus on vahvistettu", "sv": "Bokningen är bekräftad", "en": "Booking confirmed"},
    "pending": {"fi": "Varaus odottaa", "sv": "Bokningen väntar", "en": "Booking waiting"},
    "approved": {"fi": "Varaus on hyväksytty", "sv": "Bokningen är godkänd", "en": "Booking approved"},
    "declined": {"fi": "Varausta ei hyväksytty", "sv": "Bokningen avslogs", "en": "Booking declined"},
    "cancelled": {"fi": "Varaus on peruttu", "sv": "Bokningen är inställd", "en": "Booking cancelled"},
    "moved": {"fi": "Varauksen aika muuttui", "sv": "Bokningen har flyttats", "en": "Booking moved"},
    "cohost_invited": {"fi": "järjestämään yhdessä", "sv": "ordna tillsammans", "en": "invited to co-host"},
    "cohost_accepted": {"fi": "lähti mukaan", "sv": "tackade ja", "en": "Co-host accepted"},
    "cohost_declined": {"fi": "ei lähtenyt mukaan", "sv": "tackade nej", "en": "Co-host declined"},
}
DESK_SUBJECTS = {
    "proposal": {"fi": "uutta aikaa", "sv": "En ny tid föreslås", "en": "A new time is proposed"},
    "closure": {"fi": "Talo on suljettu", "sv": "Huset är stängt", "en": "The house is closed"},
    "waitlist_offer": {"fi": "aika vapautui", "sv": "väntade på är ledig", "en": "A slot you waited for"},
}
# A word of each body that only that language's version has.
WEEKDAY = {"fi": "ti", "sv": "tis", "en": "Tue"}
LANGUAGES = ["fi", "sv", "en"]


@pytest.fixture
def admin(association):
    membership = MembershipFactory(
        association=association, role=Membership.Role.ADMIN, user__email="puheenjohtaja@example.org"
    )
    return membership.user


def choose(user, language):
    Profile.objects.update_or_create(user=user, defaults={"language": language})


def only_message():
    assert len(mail.outbox) == 1, [m.to for m in mail.outbox]
    message = mail.outbox[0]
    mail.outbox.clear()
    return message


@pytest.fixture
def booking(association, room, admin):
    association.contact_email = ""
    association.save()
    b = BookingFactory(
        association=association,
        room=room,
        title="Kuoro",
        start=datetime(2026, 12, 1, 18, tzinfo=HEL),
        end=datetime(2026, 12, 1, 20, tzinfo=HEL),
    )
    OccurrenceFactory(booking=b)
    return b


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("event", list(BOOKING_SUBJECTS))
def test_booking_mails_are_in_the_admins_language(booking, admin, other_association, language, event):
    choose(admin, language)
    association_id = None
    if event.startswith("cohost"):
        # The invited association's admin is the reader of a co-host mail.
        CoHost.objects.create(booking=booking, association=other_association)
        reader = MembershipFactory(association=other_association, role=Membership.Role.ADMIN).user
        choose(reader, language)
        other_association.contact_email = ""
        other_association.save()
        association_id = other_association.pk
    dates = [(booking.start, booking.end)]
    booking_mail.send(booking.pk, event, association_id, dates=dates, message="")
    message = only_message()
    assert BOOKING_SUBJECTS[event][language] in message.subject
    assert message.subject.endswith("Kuoro")
    assert message.body.startswith(GREETING[language])
    assert f"{WEEKDAY[language]} 1.12.2026 18:00" in message.body


def test_without_a_choice_the_associations_language_then_finnish(booking, admin, association):
    booking_mail.send(booking.pk, "confirmed", dates=[])
    assert only_message().subject.startswith("Varaus on vahvistettu")
    association.language = "sv"
    association.save()
    booking_mail.send(booking.pk, "confirmed", dates=[])
    assert only_message().subject.startswith("Bokningen är bekräftad")


def test_each_reader_gets_their_own_language(booking, admin, association):
    other_admin = MembershipFactory(
        association=association, role=Membership.Role.ADMIN, user__email="rahastonhoitaja@example.org"
    ).user
    choose(other_admin, "sv")
    booking_mail.send(booking.pk, "confirmed", dates=[])
    by_address = {tuple(m.to): m.subject for m in mail.outbox}
    assert by_address == {
        ("puheenjohtaja@example.org",): "Varaus on vahvistettu: Kuoro",
        ("rahastonhoitaja@example.org",): "Bokningen är bekräftad: Kuoro",
    }


DESK_CONTEXT = {
    "proposal": {"room": "Sali", "url": "/p/", "message": "", "dates": []},
    "closure": {"venue": "Tupa", "reason": "Remontti", "rows": []},
    "waitlist_offer": {"room": "Sali", "url": "/my/waitlist/"},
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("event", list(DESK_SUBJECTS))
def test_desk_mails_are_in_the_readers_language(association, admin, language, event):
    association.contact_email = ""
    association.save()
    choose(admin, language)
    start = datetime(2026, 12, 1, 18, tzinfo=HEL)
    context = {
        "tz": "Europe/Helsinki",
        "start": start,
        "end": start + timedelta(hours=2),
        "expires": start - timedelta(hours=2),
        **DESK_CONTEXT[event],
    }
    desk_mail.send(association.pk, event, "Kuoro", context, [])
    message = only_message()
    assert DESK_SUBJECTS[event][language] in message.subject
    assert message.body.startswith(GREETING[language])


def test_a_waitlisted_person_reads_their_own_language(association, admin):
    association.contact_email = ""
    association.save()
    waiting = UserFactory(email="odottaja@example.org")
    choose(waiting, "en")
    start = datetime(2026, 12, 1, 18, tzinfo=HEL)
    context = {
        "tz": "Europe/Helsinki",
        "start": start,
        "end": start,
        "expires": start,
        "room": "Sali",
        "url": "/",
    }
    desk_mail.send(association.pk, "waitlist_offer", "Kuoro", context, ["ODOTTAJA@example.org"])
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["A slot you waited for is free: Kuoro", "Odottamanne aika vapautui: Kuoro"]


ASSOCIATION_WORDS = {
    "registered": {"fi": "odottaa", "sv": "väntar", "en": "waits"},
    "approved": {"fi": "hyväksy", "sv": "godkän", "en": "approved"},
    "rejected": {"fi": "hyväksy", "sv": "godkän", "en": "approved"},
    "invitation": {"fi": "on kutsuttu", "sv": "inbjud", "en": "invited"},
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(ASSOCIATION_WORDS))
def test_association_mails_are_in_the_readers_language(association, admin, users, language, kind):
    reader = UserFactory(email="lukija@example.org")
    choose(reader, language)
    association.contact_email = "lukija@example.org"
    association.created_by = reader
    association.save()
    if kind == "registered":
        association_emails.send_registered(association, [reader.email])
    elif kind == "invitation":
        invitation = Invitation.objects.create(association=association, email=reader.email, invited_by=admin)
        association_emails.send_invitation(invitation)
    else:
        association.status = (
            association.Status.APPROVED if kind == "approved" else association.Status.REJECTED
        )
        association_emails.send_decision(association)
    message = only_message()
    words = ASSOCIATION_WORDS[kind][language]
    assert words.lower() in (message.subject + message.body).lower()
    if language != "en":
        english = {"registered": "waits for", "approved": "Good news", "rejected": "has not approved"}
        assert english.get(kind, "You have been invited") not in message.body


def test_an_invitee_without_an_account_reads_the_associations_language(association, admin):
    association.language = "sv"
    association.save()
    invitation = Invitation.objects.create(association=association, email="ny@example.org", invited_by=admin)
    association_emails.send_invitation(invitation)
    message = only_message()
    assert "inbjud" in message.subject.lower()


# ------------------------------------------------------------------ allauth's own mails


@pytest.fixture
def site_settings(settings):
    settings.SITE_URL = "https://tupa.joutsa.example"
    settings.SITE_NAME = "Tupa"
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    return settings


def sign_up(client, **cookies):
    for name, value in cookies.items():
        client.cookies[name] = value
    return client.post(
        "/accounts/signup/",
        {
            "email": "uusi@example.org",
            "username": "uusi",
            "password1": "Kahvi-ja-pulla-2026",
            "password2": "Kahvi-ja-pulla-2026",
        },
        HTTP_HOST="127.0.0.1",
    )


@pytest.mark.parametrize(
    "cookie, greeting, subject_word",
    [
        (None, "Hei, täällä Tupa!", "Vahvista"),
        ("sv", "Hej från Tupa!", "Bekräfta"),
        ("en", "Hello from Tupa!", "Confirm"),
    ],
)
def test_signup_confirmation_names_the_site_and_links_site_url(
    client, site_settings, cookie, greeting, subject_word
):
    cookies = {"django_language": cookie} if cookie else {}
    response = sign_up(client, **cookies)
    assert response.status_code == 302, response.content.decode()[:2000]
    message = only_message()
    assert message.subject.startswith("[Tupa] ")
    assert subject_word.lower() in message.subject.lower()
    assert "127.0.0.1" not in message.body
    assert "Tupa" in message.body.splitlines()[0]
    assert greeting in message.body
    assert "https://tupa.joutsa.example/accounts/confirm-email/" in message.body
    profile = Profile.objects.filter(user__username="uusi").first()
    assert (profile.language if profile else None) == cookie


def test_password_reset_is_in_the_chosen_language_and_links_site_url(client, site_settings):
    user = UserFactory(email="vanha@example.org")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    choose(user, "sv")
    response = client.post("/accounts/password/reset/", {"email": user.email}, HTTP_HOST="127.0.0.1")
    assert response.status_code == 302
    message = only_message()
    assert message.subject.startswith("[Tupa] ")
    assert "Hej" in message.body
    assert "https://tupa.joutsa.example/accounts/password/reset/key/" in message.body
    assert "127.0.0.1" not in message.body


def test_the_language_switch_records_a_signed_in_persons_choice(client, users):
    client.force_login(users.member)
    client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    assert Profile.objects.get(user=users.member).language == "sv"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert Profile.objects.get(user=users.member).language == "sv"


def test_my_page_says_which_language_the_emails_come_in(client, users):
    client.force_login(users.member)
    assert "Sähköpostisi tulevat kielellä: suomi." in client.get("/my/", HTTP_ACCEPT_LANGUAGE="fi").text
    choose(users.member, "sv")
    assert "Sähköpostisi tulevat kielellä: ruotsi." in client.get("/my/", HTTP_ACCEPT_LANGUAGE="fi").text
