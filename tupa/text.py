"""Control characters in user text. Pure: no Django except the validators' messages.

A single-line field (a title, a name, a place) holds no line breaks, tabs or other control
characters: a CR/LF in a title once made its iCalendar file answer 500 for good. Web forms
and the API refuse them with a clear message (`validate_single_line`); multi-line fields
(descriptions, messages) keep line breaks and tabs but no other control characters. What is
already stored, or came in some other way, is cleaned when rendered (`one_line`,
`multi_line`), so no renderer ever trips over it.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls, DEL, C1 controls (NEL among them) and the Unicode line/paragraph separators.
_SINGLE_LINE_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MULTI_LINE_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def one_line(value: str) -> str:
    """The text on one line: control characters and line breaks become one space each run."""
    return " ".join(_SINGLE_LINE_BAD.sub(" ", value or "").split())


def multi_line(value: str) -> str:
    """Line breaks as LF; tabs kept; other control characters dropped."""
    text = (
        (value or "")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n")
    )
    return _MULTI_LINE_BAD.sub("", text)


def validate_single_line(value) -> None:
    if isinstance(value, str) and _SINGLE_LINE_BAD.search(value):
        raise ValidationError(
            _("Write this on one line, without line breaks, tabs or other control characters."),
            code="control_characters",
        )


def validate_multi_line(value) -> None:
    if isinstance(value, str) and _MULTI_LINE_BAD.search(value):
        raise ValidationError(
            _("The text contains control characters. Remove them and try again."),
            code="control_characters",
        )
