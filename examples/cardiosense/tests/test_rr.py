import pytest

from cardiosense.rr import bpm_from_rr, instantaneous_bpm, reject_artifacts


def test_req_001_bpm_from_regular_rhythm(record_property):
    record_property("requirements", "REQ-001")
    assert bpm_from_rr([1000, 1000, 1000]) == 60.0


def test_bpm_uses_mean_interval(record_property):
    record_property("requirements", "REQ-001,REQ-003")
    # mean interval 750 ms -> 80 BPM
    assert bpm_from_rr([700, 800, 750], filter_artifacts=False) == 80.0


def test_instantaneous_bpm():
    assert instantaneous_bpm(500) == pytest.approx(120.0)


def test_req_003_artifact_rejection():
    # the 400 ms interval is an ectopic beat and must be ignored
    assert reject_artifacts([1000, 980, 400, 1010]) == [1000.0, 980.0, 1010.0]
    assert bpm_from_rr([1000, 980, 400, 1010]) == pytest.approx(60.2, abs=0.1)


def test_empty_input_rejected():
    with pytest.raises(ValueError):
        bpm_from_rr([])


def test_artifact_tolerance_must_be_positive():
    with pytest.raises(ValueError):
        reject_artifacts([1000], tolerance=0)


def test_rmssd_of_steady_rhythm():
    from cardiosense.rr import rmssd

    assert rmssd([800, 810, 800, 810]) == 10.0
