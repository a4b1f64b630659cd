"""Compile the translation catalogues (locale/*/LC_MESSAGES/*.po -> .mo) with Babel.

The Procfile runs this before serving (web) and before sending e-mails (worker): the compiled
catalogues are build output, ignored by git, so a fresh clone has none and would speak English.
Django's own `compilemessages` needs GNU gettext's msgfmt, which platforms and slim images
lack; Babel is pure Python and already a runtime requirement.

Each .mo is written to a temporary file and renamed over the old one, so a web process and a
worker compiling on the same machine at once never let a reader see half a catalogue.
"""

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def compile_catalogue(po_path: Path) -> tuple[Path, int]:
    """Compile one .po beside itself; return the .mo path and how many messages it holds."""
    locale = po_path.parent.parent.name
    with po_path.open("rb") as po_file:
        # abort_invalid: a syntax error fails the deploy instead of shipping a partial catalogue.
        catalog = read_po(po_file, locale=locale, abort_invalid=True)
    problems = [
        f"{po_path}:{message.lineno}: {error}" for message, errors in catalog.check() for error in errors
    ]
    if problems:
        raise CommandError("\n".join(problems))
    mo_path = po_path.with_suffix(".mo")
    fd, tmp_name = tempfile.mkstemp(dir=po_path.parent, prefix=".", suffix=".mo.tmp")
    try:
        with os.fdopen(fd, "wb") as mo_file:
            # Fuzzy entries are unreviewed guesses: left out, as msgfmt and pybabel do.
            write_mo(mo_file, catalog, use_fuzzy=False)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, mo_path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    translated = sum(1 for message in catalog if message.id and message.string and not message.fuzzy)
    return mo_path, translated


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo with Babel (no GNU gettext needed)."

    def handle(self, *args, **options):
        po_paths = sorted(
            po for locale_dir in settings.LOCALE_PATHS for po in Path(locale_dir).glob("*/LC_MESSAGES/*.po")
        )
        if not po_paths:
            raise CommandError(f"no .po catalogues under {', '.join(map(str, settings.LOCALE_PATHS))}")
        for po_path in po_paths:
            mo_path, translated = compile_catalogue(po_path)
            if options["verbosity"] >= 2:
                self.stdout.write(f"{mo_path}: {translated} messages")
