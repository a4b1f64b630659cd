"""CSV that is safe to open in a spreadsheet. Pure: no Django.

A cell whose text begins with = + - @ (or a tab or carriage return, which some programs
skip before looking for those) is read by Excel and LibreOffice as a formula: an
association named `=HYPERLINK(...)` would become a live link in a municipal officer's
report. Such a cell gets a leading apostrophe (the OWASP rule), which spreadsheets show as
text. Every CSV download goes through `writer()`.
"""

from __future__ import annotations

import csv
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return value


class SafeWriter:
    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, **kwargs) -> SafeWriter:
    """Like csv.writer, with every cell neutralised (None becomes an empty cell)."""
    return SafeWriter(file, **kwargs)
