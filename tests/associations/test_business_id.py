import pytest
from django.core.exceptions import ValidationError

from associations.validators import business_id_is_valid, validate_business_id


@pytest.mark.parametrize("value", ["0737546-2", "1572860-0", "737546-2"])
def test_it_accepts_valid_ids(value):
    assert business_id_is_valid(value)
    validate_business_id(value)


@pytest.mark.parametrize("value", ["1234567-8", "1572860-1", "15728600", "abc", "", "1572860-0 "])
def test_it_rejects_invalid_ids(value):
    assert not business_id_is_valid(value)
    with pytest.raises(ValidationError):
        validate_business_id(value)
