"""Sign-in and sign-up are rate limited (allauth's own limits, ACCOUNT_RATE_LIMITS)."""

from ..factories import PASSWORD, UserFactory


def test_an_account_under_password_guessing_is_locked_for_a_while(db, client):
    """allauth's `login_failed` limit (5 per 5 minutes per account) answers with a form error."""
    UserFactory(username="victim", email="victim@example.org")
    for i in range(5):
        response = client.post("/accounts/login/", {"login": "victim", "password": f"wrong-{i}"})
        assert response.status_code == 200  # the form again, with an error
    # Now even the right password is refused, and nobody is signed in.
    response = client.post("/accounts/login/", {"login": "victim", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_many_login_attempts_from_one_address_get_429(db, client):
    """allauth's `login` limit (30 a minute per IP address) answers 429 Too Many Requests."""
    statuses = [
        client.post("/accounts/login/", {"login": f"nobody{i}", "password": "wrong"}).status_code
        for i in range(35)
    ]
    assert statuses[0] == 200
    assert statuses[-1] == 429, statuses


def test_sign_up_floods_are_refused_with_429(db, client):
    statuses = []
    for i in range(25):
        data = {
            "email": f"new{i}@example.org",
            "username": f"new{i}",
            "password1": "a-long-enough-passphrase-42",
            "password2": "a-long-enough-passphrase-42",
        }
        statuses.append(client.post("/accounts/signup/", data).status_code)
        client.logout()
    assert 429 in statuses, statuses
    assert statuses[0] != 429
