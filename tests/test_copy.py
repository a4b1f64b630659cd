"""Copy an elderly Finnish reader understands, and Swedish without English left in it.

Our catalogue comes first in LOCALE_PATHS, so it also words allauth's and Django's own texts.
"""

import pytest
from django.test import Client

from booking.services import audit
from tests.factories import RoomFactory

pytestmark = [pytest.mark.django_db]


def get(path: str, language: str = "fi", client=None, **params) -> str:
    response = (client or Client()).get(path, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return response.content.decode()


def test_sign_in_and_up_use_one_word_for_username_and_for_signing_up():
    login = get("/accounts/login/")
    assert "Käyttäjätunnus tai sähköposti" in login and "Käyttäjänimi" not in login
    signup = get("/accounts/signup/")
    assert "Luo tili" in signup and "Rekisteröidy" not in signup
    assert "Käyttäjänimi" not in signup


def test_signed_in_message_reads_naturally(users):
    client = Client()
    client.post(
        "/accounts/login/",
        {"login": "member", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="fi",
    )
    from allauth.account.models import EmailAddress

    users.member.set_password("Kahvi-ja-pulla-2026")
    users.member.save()
    EmailAddress.objects.create(user=users.member, email=users.member.email, verified=True, primary=True)
    response = client.post(
        "/accounts/login/",
        {"login": "member", "password": "Kahvi-ja-pulla-2026"},
        HTTP_ACCEPT_LANGUAGE="fi",
        follow=True,
    )
    html = response.content.decode()
    assert "Olet kirjautunut sisään käyttäjänä member." in html
    assert "Kirjauduttiin" not in html


def test_a_short_password_is_explained_plainly(settings):
    response = Client().post(
        "/accounts/signup/",
        {"email": "a@example.org", "username": "uusi", "password1": "lyh", "password2": "lyh"},
        HTTP_ACCEPT_LANGUAGE="fi",
    )
    html = response.content.decode()
    assert "Salasanassa pitää olla vähintään 8 merkkiä." in html
    assert "tulee sisältää" not in html


def test_a_taken_association_name_is_said_in_plain_words(client, users, association):
    client.force_login(users.member)
    response = client.post(
        "/associations/new/",
        {"name": association.name, "contact_email": "x@example.org"},
        HTTP_ACCEPT_LANGUAGE="fi",
    )
    html = response.content.decode()
    assert "Tämän niminen yhdistys on jo rekisteröity." in html
    assert "jolla on tämä" not in html


def test_booking_lengths_are_said_in_hours(venue):
    room = RoomFactory(venue=venue, slug="sali", min_booking_minutes=30, max_booking_minutes=840)
    html = get(room.get_absolute_url())
    assert "30 minuuttia – 14 tuntia" in html
    assert "840" not in html
    assert "30 minutes to 14 hours" in get(room.get_absolute_url(), "en").replace("from ", "")


def test_the_audience_filter_does_not_say_everyone_twice(venue):
    html = get("/calendar/")
    assert "Kaikki kohderyhmät" in html and "Kaikki tervetulleita" not in html


def test_swedish_pages_keep_no_english_words(users, association, room):
    stats = get("/stats/", "sv")
    assert "<dt>Tidsperiod</dt>" in stats and "<dt>Period</dt>" not in stats


def test_the_audit_trail_shows_words_not_codes(client, users, association):
    audit(users.coordinator, "booking.created", association=association)
    audit(users.coordinator, "cohost.accepted", association=association)
    client.force_login(users.coordinator)
    html = get("/coordinator/audit/", client=client)
    assert "Varaus tehtiin" in html and "Kutsu järjestää yhdessä hyväksyttiin" in html
    assert "<code>booking.created</code>" not in html
    assert '<option value="booking.created">Varaus tehtiin</option>' in html


def test_a_coordinators_my_page_does_not_say_they_belong_nowhere(client, users):
    client.force_login(users.coordinator)
    html = get("/my/", "en", client=client)
    assert "You do not belong to any association yet" not in html
    assert "As a coordinator you book for any approved association" in html


def test_sign_in_errors_are_summarised_at_the_top():
    response = Client().post("/accounts/login/", {"login": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="fi")
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'href="#id_login"' in html
    assert html.index('class="error-summary"') < html.index('name="login"')
