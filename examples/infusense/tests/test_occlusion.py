import pytest

from infusense.occlusion import (
    ALARM_BUDGET_S,
    DetectorConfig,
    OcclusionDetector,
    OcclusionReason,
    detect,
    slope_per_s,
)


def first_crossing(series, threshold, rate_hz=10.0):
    return next(i / rate_hz for i, p in enumerate(series) if p >= threshold)


def test_no_alarm_on_normal_pressure(make_pressure_series):
    assert detect(make_pressure_series(60)) is None


@pytest.mark.requirements("REQ-104")
def test_sustained_high_pressure_raises_alarm(make_pressure_series):
    # slow build-up (20 mmHg/s): no trend alarm, the threshold catches it
    series = make_pressure_series(60, occlusion_at=10.0, rise_mmhg_per_s=20.0, plateau=700.0)
    alarm = detect(series)
    assert alarm is not None
    assert alarm.reason is OcclusionReason.THRESHOLD


def test_req_104_single_spike_is_not_an_occlusion(make_pressure_series):
    series = make_pressure_series(20)
    series[50] = 900.0
    assert detect(series) is None


def test_req_104_fast_rise_alarms_before_threshold(make_pressure_series):
    series = make_pressure_series(30, occlusion_at=5.0, rise_mmhg_per_s=300.0, plateau=1200.0)
    alarm = detect(series)
    assert alarm.reason is OcclusionReason.RISING_TREND
    assert alarm.pressure_mmhg < DetectorConfig().threshold_mmhg


@pytest.mark.parametrize("rise", [20.0, 100.0, 300.0, 2000.0])
def test_rc_202_alarm_within_budget_of_threshold_crossing(rise, make_pressure_series, record_property):
    record_property("requirements", "RC-202")
    series = make_pressure_series(60, occlusion_at=10.0, rise_mmhg_per_s=rise, plateau=1000.0)
    alarm = detect(series)
    assert alarm is not None
    assert alarm.time_s - first_crossing(series, 500.0) <= ALARM_BUDGET_S


def test_rc_202_lost_signal_alarms_within_budget():
    detector = OcclusionDetector()
    assert detector.feed(0.0, 80.0) is None
    alarm = detector.feed(0.0 + ALARM_BUDGET_S, 80.0)
    assert alarm.reason is OcclusionReason.SIGNAL_LOST


def test_rc_202_config_must_fit_the_budget():
    with pytest.raises(ValueError, match="alarm budget"):
        DetectorConfig(confirm_s=1.8, max_sample_gap_s=0.5)


def test_alarm_latches_until_reset():
    detector = OcclusionDetector(DetectorConfig(confirm_s=0.0))
    first = detector.feed(0.0, 800.0)
    assert first is not None
    assert detector.feed(0.1, 80.0) is first
    detector.reset()
    assert detector.alarm is None
    assert detector.feed(0.0, 80.0) is None


def test_samples_must_be_in_time_order():
    detector = OcclusionDetector()
    detector.feed(1.0, 80.0)
    with pytest.raises(ValueError, match="not after"):
        detector.feed(1.0, 80.0)


def test_slope_and_sample_rate_edge_cases():
    assert slope_per_s([]) == 0.0
    assert slope_per_s([(0.0, 1.0), (1.0, 3.0)]) == pytest.approx(2.0)
    with pytest.raises(ValueError):
        detect([80.0], sample_rate_hz=0)
