"""Finnish business ID (Y-tunnus) validation."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_BUSINESS_ID = re.compile(r"^(\d{6,7})-(\d)$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_is_valid(value: str) -> bool:
    match = _BUSINESS_ID.match(value)
    if not match:
        return False
    digits = match.group(1).zfill(7)  # old IDs have six digits and a leading zero implied
    remainder = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11
    if remainder == 1:  # no ID is ever issued with this remainder
        return False
    check = 0 if remainder == 0 else 11 - remainder
    return check == int(match.group(2))


def validate_business_id(value: str) -> None:
    if not business_id_is_valid(value):
        raise ValidationError(
            _("Enter a valid Finnish business ID, e.g. 1234567-1 (the check digit did not match)."),
            code="invalid_business_id",
        )
