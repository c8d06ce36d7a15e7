import math

import pytest

from cardiosense.validation import (
    SensorRangeError,
    is_usable,
    validate_rr_interval,
    validate_signal_quality,
)


def test_req_010_accepts_plausible_rr_interval(record_property):
    record_property("requirements", "REQ-010")
    assert validate_rr_interval(800) == 800.0


@pytest.mark.parametrize("rr", [199.9, 3000.1, -5, 0])
def test_req_011_rejects_out_of_range_rr(rr):
    with pytest.raises(SensorRangeError) as excinfo:
        validate_rr_interval(rr)
    assert excinfo.value.field == "rr_ms"


def test_rejects_nan_rr():
    with pytest.raises(SensorRangeError):
        validate_rr_interval(math.nan)


@pytest.mark.parametrize("bad", ["800", None, True])
def test_rejects_non_numeric_rr(bad):
    with pytest.raises(TypeError):
        validate_rr_interval(bad)


def test_signal_quality_bounds(record_property):
    record_property("requirements", "REQ-012")
    assert validate_signal_quality(0.0) == 0.0
    assert validate_signal_quality(1) == 1.0
    with pytest.raises(SensorRangeError):
        validate_signal_quality(1.5)


def test_usable_threshold():
    assert is_usable(0.5)
    assert not is_usable(0.49)
