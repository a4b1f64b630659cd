"""What the Procfile deploys: compiled translations and hashed static files on a fresh clone.

The end-to-end proof is .ci/procfile_smoke.sh (a fresh clone served by the Procfile's lines);
these are the fast checks of the pieces it relies on, run by every `make test`.
"""

import ast
import gettext
import re
import shlex
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils.functional import empty

ROOT = Path(settings.BASE_DIR)

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "What's on"
msgstr "Mitä tapahtuu"

msgid "%(count)s events"
msgstr "%(count)s tapahtumaa"

#, fuzzy
msgid "Unreviewed"
msgstr "Tarkistamaton"
"""


def _key(value):
    # Plural entries are a tuple in a .po catalogue and a list in a .mo one.
    return value if isinstance(value, str) else tuple(value)


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def _commands(line: str) -> list[list[str]]:
    """The commands of one Procfile line, in the order the shell runs them."""
    return [shlex.split(part) for part in line.split("&&")]


@pytest.mark.parametrize("process", ["web", "worker"])
def test_the_procfile_compiles_translations_before_serving_or_sending(process):
    # A platform builds from git, where *.mo are ignored: without this, Tupa speaks English.
    commands = _commands(_procfile()[process])
    compile_at = commands.index(["python", "manage.py", "compile_translations"])
    assert compile_at < len(commands) - 1, "compiling must come before the long-running command"


def test_collectstatic_comes_before_gunicorn_on_the_web_line():
    commands = _commands(_procfile()["web"])
    programs = [command[2] if command[0] == "python" else command[0] for command in commands]
    assert programs.index("collectstatic") < programs.index("gunicorn")


def test_compile_translations_writes_catalogues_gettext_reads(tmp_path):
    messages_dir = tmp_path / "fi" / "LC_MESSAGES"
    messages_dir.mkdir(parents=True)
    (messages_dir / "django.po").write_text(PO, encoding="utf-8")
    with override_settings(LOCALE_PATHS=[tmp_path]):
        call_command("compile_translations")
    translation = gettext.translation("django", localedir=tmp_path, languages=["fi"])
    assert translation.gettext("What's on") == "Mitä tapahtuu"
    assert translation.gettext("%(count)s events") % {"count": 3} == "3 tapahtumaa"
    assert translation.gettext("Unreviewed") == "Unreviewed", "fuzzy entries are left out"
    assert not list(messages_dir.glob(".*.tmp")), "no temporary file is left behind"


def test_compile_translations_refuses_a_broken_catalogue(tmp_path):
    messages_dir = tmp_path / "sv" / "LC_MESSAGES"
    messages_dir.mkdir(parents=True)
    (messages_dir / "django.po").write_text(
        PO.replace('msgstr "%(count)s tapahtumaa"', 'msgstr "%(antal)s evenemang"'), encoding="utf-8"
    )
    with override_settings(LOCALE_PATHS=[tmp_path]), pytest.raises(CommandError, match="placeholder"):
        call_command("compile_translations")
    assert not (messages_dir / "django.mo").exists(), "a broken catalogue is not half deployed"


def test_the_project_catalogues_compile_to_what_their_po_files_say(tmp_path):
    # The real catalogues, as the Procfile compiles them (into a copy: the tree's own .mo
    # files belong to `make`).
    for po_path in (ROOT / "locale").glob("*/LC_MESSAGES/django.po"):
        target = tmp_path / po_path.relative_to(ROOT / "locale")
        target.parent.mkdir(parents=True)
        target.write_bytes(po_path.read_bytes())
    with override_settings(LOCALE_PATHS=[tmp_path]):
        call_command("compile_translations")
    for language in ("fi", "sv"):
        with (tmp_path / language / "LC_MESSAGES" / "django.po").open("rb") as po_file:
            po = read_po(po_file, locale=language)
        with (tmp_path / language / "LC_MESSAGES" / "django.mo").open("rb") as mo_file:
            mo = read_mo(mo_file)
        expected = {_key(m.id): _key(m.string) for m in po if m.id and any(_key(m.string)) and not m.fuzzy}
        compiled = {_key(m.id): _key(m.string) for m in mo if m.id}
        assert compiled == expected
        assert compiled["What's on"], "Tupa's own words are in the compiled catalogue"


@override_settings(DEBUG=False)
def test_collectstatic_on_a_fresh_server_writes_the_manifest_production_serves(tmp_path, settings):
    # The production storage, as tupa/settings.py picks it without DEBUG (the shared test
    # fixture swaps in the plain one for every other test).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "tupa.staticfiles.ManifestOnceCollectedStorage"},
    }
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    staticfiles_storage._wrapped = empty  # the storage object is built lazily, once per process
    try:
        assert staticfiles_storage.url("css/tupa.css") == "/static/css/tupa.css", "before: plain names"
        call_command("collectstatic", "--noinput", "-v", "0")
        assert (tmp_path / "staticfiles" / "staticfiles.json").exists()
        staticfiles_storage._wrapped = empty  # what the next process (gunicorn) sees
        url = staticfiles_storage.url("css/tupa.css")
        assert url.startswith("/static/css/tupa.") and url != "/static/css/tupa.css"
        assert (tmp_path / "staticfiles" / url.removeprefix("/static/")).with_suffix(".css.gz").exists()
    finally:
        staticfiles_storage._wrapped = empty


def _requirement_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[=<>!~\[; ]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_every_package_the_app_imports_is_pinned_in_requirements_txt():
    # A platform installs requirements.txt alone (the Procfile smoke step does too): a module
    # only the developers' venv has (segno was one) makes every page of the app fail to load.
    local = {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists() or path.suffix == ".py"}
    imported: set[str] = set()
    for package in sorted(local - {"tests", "bench"}):
        for source in (ROOT / package).rglob("*.py") if (ROOT / package).is_dir() else []:
            for node in ast.walk(ast.parse(source.read_text(), str(source))):
                if isinstance(node, ast.Import):
                    imported.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - local - {"__future__"}
    distributions = packages_distributions()
    pinned = _requirement_names(ROOT / "requirements.txt")
    missing = {
        module: distributions.get(module, ["(not installed)"])
        for module in sorted(third_party)
        if not any(d.lower().replace("_", "-") in pinned for d in distributions.get(module, []))
    }
    assert not missing, f"imported by the app but not pinned in requirements.txt: {missing}"
