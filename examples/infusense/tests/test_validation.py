import math

import pytest

from infusense.validation import (
    ValidationError,
    validate_concentration,
    validate_dose,
    validate_pressure,
    validate_rate,
    validate_weight,
)


@pytest.mark.parametrize("weight", [0.3, 3.5, 70, 350.0])
def test_req_103_weight_in_range_accepted(weight):
    assert validate_weight(weight) == float(weight)


@pytest.mark.parametrize("weight", [0.0, 0.29, 350.1, -70.0, math.nan, math.inf])
def test_req_103_weight_out_of_range_rejected(weight):
    with pytest.raises(ValidationError):
        validate_weight(weight)


@pytest.mark.parametrize("value", ["70", None, True])
def test_req_103_non_numbers_rejected(value, record_property):
    record_property("requirements", "REQ-103")
    with pytest.raises(ValidationError, match="must be a number"):
        validate_weight(value)


def test_req_103_concentration_must_be_positive():
    assert validate_concentration(0.5) == 0.5
    with pytest.raises(ValidationError, match="greater than 0"):
        validate_concentration(0.0)
    with pytest.raises(ValidationError, match="above"):
        validate_concentration(1000.5)


def test_req_103_dose_must_be_positive():
    assert validate_dose(1) == 1.0
    with pytest.raises(ValidationError):
        validate_dose(-0.1)
    with pytest.raises(ValidationError):
        validate_dose(0)


def test_req_103_rate_and_pressure_ranges():
    assert validate_rate(0.1) == 0.1
    assert validate_rate(1200) == 1200.0
    with pytest.raises(ValidationError):
        validate_rate(1200.01)
    assert validate_pressure(-100) == -100.0
    with pytest.raises(ValidationError, match="sensor range"):
        validate_pressure(1500.5)
