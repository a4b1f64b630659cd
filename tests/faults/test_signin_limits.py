"""Sign-in limits hold across app servers, and a stranger cannot lock the owner out."""

import pytest
from allauth.core.internal import ratelimit
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client

from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True)]

TOO_MANY = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _plain_login(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    settings.LANGUAGE_CODE = "en"


def server(cache):
    """One 'app server': its own cache object (as in its own process)."""

    def attempt(password, ip="203.0.113.7", login="admin"):
        ratelimit.cache = cache
        client = Client(REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")
        return client.post("/accounts/login/", {"login": login, "password": password})

    return attempt


def db_server():
    return server(DatabaseCache("tupa_ratelimit_cache", {"OPTIONS": {"MAX_ENTRIES": 200_000}}))


@pytest.fixture(autouse=True)
def _restore_allauth_cache():
    from django.core.cache import caches

    # The counters' table is no model's, so transactional tests' flush leaves it alone.
    caches["ratelimit"].clear()
    yield
    ratelimit.cache = caches["ratelimit"]
    caches["ratelimit"].clear()


def test_the_limit_holds_when_tries_go_to_different_servers(users):
    a, b = db_server(), db_server()
    answers = [(a if i % 2 else b)("wrong-password") for i in range(7)]
    refused = [TOO_MANY in r.text for r in answers]
    # 5 tries per address and login (ACCOUNT_RATE_LIMITS), counted by both servers together.
    assert refused == [False] * 5 + [True] * 2


def test_per_process_counters_would_have_let_them_through(users):
    # The shape of the bug: each server counted alone, so 7 tries got through a 5-try limit.
    a, b = server(LocMemCache("a", {})), server(LocMemCache("b", {}))
    answers = [(a if i % 2 else b)("wrong-password") for i in range(7)]
    assert not any(TOO_MANY in r.text for r in answers)


def test_a_stranger_cannot_lock_out_the_owner(users):
    a, b = db_server(), db_server()
    for _ in range(8):
        a("wrong-password", ip="198.51.100.66")
    assert TOO_MANY in a("wrong-password", ip="198.51.100.66").text
    # The owner, from their own address, on either server: signed in with the right password.
    answer = b(PASSWORD, ip="203.0.113.7")
    assert answer.status_code == 302, [line for line in answer.text.splitlines() if "error" in line]
    assert answer.url == "/my/"


def test_one_address_cannot_try_many_logins(users):
    a, b = db_server(), db_server()
    logins = ["admin", "member", "outsider", "coordinator", "nobody1", "nobody2"]
    answers = [(a if i % 2 else b)("wrong", login=logins[i % len(logins)]) for i in range(12)]
    # 10 a minute per address, whatever the login.
    assert [TOO_MANY in r.text for r in answers] == [False] * 10 + [True] * 2


def test_the_owner_signs_in_after_their_own_mistakes(users):
    a = db_server()
    for _ in range(3):
        a("wrong-password")
    assert a(PASSWORD).status_code == 302
