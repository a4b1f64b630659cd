"""Every CSV goes through the formula-safe writer, every e-mail through the queue, and every
after-commit callback is robust: a new call site that forgets is caught here."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "tests", "bench", "node_modules", "staticfiles", "migrations"}
RULES = [
    (re.compile(r"\bcsv\.(writer|DictWriter)\("), {"tupa/csvsafe.py"}, "use tupa.csvsafe.writer"),
    (
        re.compile(r"\bsend_mail\(|\bsend_mass_mail\(|\.send\(fail_silently"),
        {"tupa/mail.py", "tupa/accounts.py"},
        "queue it with tupa.mail.queue",
    ),
    (re.compile(r"\bon_commit\((?![^\n]*robust=True)"), set(), "pass robust=True"),
]


def sources():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if not SKIP & set(relative.parts):
            yield relative.as_posix(), path.read_text()


def test_no_call_site_bypasses_the_safe_ways_out():
    offences = []
    for name, text in sources():
        for pattern, allowed, advice in RULES:
            if name in allowed:
                continue
            for number, line in enumerate(text.splitlines(), 1):
                if pattern.search(line) and not line.lstrip().startswith(("#", "def ")):
                    offences.append(f"{name}:{number}: {line.strip()} -> {advice}")
    assert offences == []
