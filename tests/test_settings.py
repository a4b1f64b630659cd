"""Settings refuse what they cannot read: a typo in a boolean or a number stops the start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tupa.env import env_bool, env_float, env_int

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "value, expected",
    [
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
        ("on", True),
        ("false", False),
        ("0", False),
        ("No", False),
        ("off", False),
        (" true ", True),
    ],
)
def test_it_reads_the_usual_words(monkeypatch, value, expected):
    monkeypatch.setenv("TUPA_TEST_FLAG", value)
    assert env_bool("TUPA_TEST_FLAG", default=not expected) is expected


@pytest.mark.parametrize("value", ["ture", "fasle", "2", "enabled"])
def test_it_refuses_a_word_it_cannot_read(monkeypatch, value):
    monkeypatch.setenv("TUPA_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match=f"TUPA_TEST_FLAG='{value}' is not a yes or no"):
        env_bool("TUPA_TEST_FLAG", default=False)


def test_unset_or_empty_takes_the_default(monkeypatch):
    monkeypatch.delenv("TUPA_TEST_FLAG", raising=False)
    assert env_bool("TUPA_TEST_FLAG", default=True) is True
    monkeypatch.setenv("TUPA_TEST_FLAG", "")
    assert env_bool("TUPA_TEST_FLAG", default=False) is False
    assert env_int("TUPA_TEST_FLAG", default=7) == 7


def test_numbers_must_be_whole_and_not_below_the_minimum(monkeypatch):
    monkeypatch.setenv("TUPA_TEST_NUMBER", "60")
    assert env_int("TUPA_TEST_NUMBER", default=0) == 60
    monkeypatch.setenv("TUPA_TEST_NUMBER", "6O")
    with pytest.raises(ImproperlyConfigured, match="TUPA_TEST_NUMBER='6O' is not a whole number"):
        env_int("TUPA_TEST_NUMBER", default=0)
    monkeypatch.setenv("TUPA_TEST_NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured, match="less than 0"):
        env_int("TUPA_TEST_NUMBER", default=0, minimum=0)


def test_decimals_must_be_numbers(monkeypatch):
    monkeypatch.setenv("TUPA_TEST_NUMBER", "2.5")
    assert env_float("TUPA_TEST_NUMBER", default=0) == 2.5
    # django-environ would read "1O" as 1.0, dropping the letter.
    monkeypatch.setenv("TUPA_TEST_NUMBER", "1O")
    with pytest.raises(ImproperlyConfigured, match="TUPA_TEST_NUMBER='1O' is not a number"):
        env_float("TUPA_TEST_NUMBER", default=0)


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("DEBUG", "ture", "DEBUG='ture' is not a yes or no"),
        ("CONN_MAX_AGE", "sixty", "CONN_MAX_AGE='sixty' is not a whole number"),
    ],
)
def test_the_site_does_not_start_with_an_unreadable_setting(variable, value, message):
    env = {**os.environ, variable: value, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr
