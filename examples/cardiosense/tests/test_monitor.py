import pytest

from cardiosense.alarms import AlarmLevel
from cardiosense.monitor import HeartRateMonitor


def test_req_006_monitor_reports_rate(monitor, record_property):
    record_property("requirements", "REQ-006")
    for _ in range(5):
        assert monitor.add_beat(1000)
    assert monitor.bpm == 60.0
    assert monitor.alarm is AlarmLevel.NORMAL


def test_req_002_monitor_raises_tachycardia_alarm(monitor):
    for _ in range(8):
        monitor.add_beat(400)  # 150 BPM
    assert monitor.alarm is AlarmLevel.TACHYCARDIA


def test_req_004_asystole_after_timeout(monitor):
    monitor.add_beat(1000)
    monitor.tick(4000)
    assert monitor.bpm is None
    assert monitor.alarm is AlarmLevel.ASYSTOLE


def test_poor_signal_quality_beats_are_rejected(monitor):
    assert not monitor.add_beat(800, signal_quality=0.2)
    assert not monitor.add_beat(800, signal_quality=7.0)
    assert not monitor.add_beat(50)
    assert monitor.rejected == 3
    assert monitor.bpm is None


def test_pediatric_window(pediatric_monitor):
    for rr in (500, 500, 500, 500, 500):
        pediatric_monitor.add_beat(rr)
    assert pediatric_monitor.bpm == 120.0
    assert pediatric_monitor.alarm is AlarmLevel.NORMAL


def test_window_must_be_positive():
    with pytest.raises(ValueError):
        HeartRateMonitor(window=0)
