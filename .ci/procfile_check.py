"""Checks a Tupa served as the Procfile says: its own words in fi, sv and en, pages and e-mails.

Run by .ci/procfile_smoke.sh with the fresh virtualenv's python (Babel reads the clone's .po
files, so the expected words follow the catalogues as they change). Standard library otherwise;
cookies are kept by hand because production cookies are Secure and this talks plain HTTP.
"""

import argparse
import email
import email.policy
import html
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = ("fi", "sv", "en")
# Tupa's own strings (not Django's or allauth's, which come compiled with those packages).
PAGE_MSGIDS = ("What's on", "Subscribe to all events")
MAIL_SUBJECT_MSGID = "New association waiting for approval: %(name)s"

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)
    print(f"FAIL {message}")


def translations(locale_dir: Path) -> dict[str, dict[str, str]]:
    catalogues = {}
    for language in LANGUAGES:
        with (locale_dir / language / "LC_MESSAGES" / "django.po").open("rb") as po_file:
            catalog = read_po(po_file, locale=language)
        catalogues[language] = {
            message.id: (message.string or message.id)
            for message in catalog
            if isinstance(message.id, str) and message.id
        }
    return catalogues


class Client:
    """Just enough of a browser: cookies, CSRF tokens, no redirects followed."""

    def __init__(self, base: str, language: str):
        self.base = base
        self.language = language
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        headers = {"Accept-Language": self.language, "User-Agent": "tupa-procfile-smoke"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        body = None
        if data is not None:
            data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.base
            headers["Referer"] = self.base + path
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, dict(response.headers), response.read().decode("utf-8", "replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_page(base: str, language: str, words: dict[str, str]) -> None:
    status, headers, body = Client(base, language).request("/calendar/")
    if status != 200:
        fail(f"/calendar/ in {language}: HTTP {status}")
        return
    text = html.unescape(body)
    if f'lang="{language}"' not in body:
        fail(f"/calendar/ in {language}: the page does not say lang={language}")
    for msgid in PAGE_MSGIDS:
        expected = words[msgid]
        if expected not in text:
            fail(f"/calendar/ in {language}: {expected!r} (for {msgid!r}) is missing")
        elif language != "en" and msgid in text:
            fail(f"/calendar/ in {language}: the English {msgid!r} is shown")
        else:
            print(f"ok   /calendar/ in {language}: {expected!r}")
    # collectstatic's manifest in use: hashed names, served with a far-future cache lifetime.
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', body)
    if not stylesheets or not all(re.search(r"\.[0-9a-f]{12}\.css$", href) for href in stylesheets):
        fail(f"/calendar/: stylesheets are not the hashed names collectstatic writes: {stylesheets}")
    elif language == "fi":
        status, headers, _ = Client(base, language).request(stylesheets[0])
        cache = headers.get("Cache-Control", "")
        if status != 200 or "immutable" not in cache:
            fail(f"{stylesheets[0]}: HTTP {status}, Cache-Control {cache!r}")
        else:
            print(f"ok   {stylesheets[0]}: {cache}")


def sign_in(client: Client, username: str, password: str) -> bool:
    client.request("/accounts/login/")
    status, headers, _ = client.request("/accounts/login/", {"login": username, "password": password})
    if status != 302 or "sessionid" not in client.cookies:
        fail(f"sign-in as {username} in {client.language}: HTTP {status}, no session")
        return False
    return True


def new_mail(mail_dir: Path, seen: set[Path], timeout: float = 60) -> list[email.message.EmailMessage]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fresh = sorted(set(mail_dir.glob("*.log")) - seen)
        if fresh:
            time.sleep(0.3)  # the backend writes a file per connection; let it finish
            messages = []
            for path in fresh:
                seen.add(path)
                # One file may hold several messages, separated by a line of dashes.
                for chunk in re.split(r"\n-{79}\n", path.read_text()):
                    if chunk.strip():
                        messages.append(email.message_from_string(chunk, policy=email.policy.default))
            return messages
        time.sleep(0.2)
    return []


def choose_language(client: Client) -> bool:
    """The language switcher, as a signed-in person uses it (it may record their choice)."""
    client.request("/")
    status, _, _ = client.request("/i18n/setlang/", {"language": client.language, "next": "/"})
    if status != 302:
        fail(f"choosing {client.language} with the language switcher: HTTP {status}")
        return False
    return True


def check_mail(
    base: str, language: str, words: dict[str, str], mail_dir: Path, seen: set[Path], password: str
) -> None:
    # The coordinator, who gets the e-mail, and the resident, who causes it, both choose the
    # language: e-mails follow the recipient's choice (CONTRACT.md) or else the request's.
    coordinator = Client(base, language)
    if not (sign_in(coordinator, "smoke-coordinator", password) and choose_language(coordinator)):
        return
    client = Client(base, language)
    if not (sign_in(client, "smoke-resident", password) and choose_language(client)):
        return
    client.request("/associations/new/")
    name = f"Smoke {language} {time.time_ns()}"
    status, headers, _ = client.request(
        "/associations/new/", {"name": name, "contact_email": "resident@example.org", "description": "smoke"}
    )
    if status != 302:
        fail(f"registering an association in {language}: HTTP {status}")
        return
    messages = [m for m in new_mail(mail_dir, seen) if "coordinator@example.org" in str(m["To"])]
    if not messages:
        fail(f"registering an association in {language}: no e-mail to the coordinator (is the worker up?)")
        return
    # A long encoded subject is folded over lines; the words are what matter.
    subject = " ".join(str(messages[0]["Subject"]).split())
    expected = words[MAIL_SUBJECT_MSGID] % {"name": name}
    if subject != expected:
        fail(f"e-mail in {language}: subject {subject!r}, expected {expected!r}")
    else:
        print(f"ok   e-mail in {language}: {subject!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--mail", required=True, type=Path)
    parser.add_argument("--locale", required=True, type=Path)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    catalogues = translations(args.locale)
    seen = set(args.mail.glob("*.log"))
    for language in LANGUAGES:
        check_page(args.url, language, catalogues[language])
        check_mail(args.url, language, catalogues[language], args.mail, seen, args.password)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
