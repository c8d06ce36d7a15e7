import pytest

from cardiosense.alarms import AlarmLevel, AlarmThresholds, classify, is_alarm


def test_req_002_alarm_on_tachycardia():
    assert classify(130) is AlarmLevel.TACHYCARDIA


def test_req_002_alarm_on_bradycardia(record_property):
    record_property("requirements", "REQ-002")
    assert classify(42) is AlarmLevel.BRADYCARDIA


@pytest.mark.parametrize("bpm", [50, 75, 120])
def test_normal_range_inclusive_bounds(bpm):
    assert classify(bpm) is AlarmLevel.NORMAL
    assert not is_alarm(classify(bpm))


def test_req_004_asystole_when_no_rate():
    assert classify(None) is AlarmLevel.ASYSTOLE
    assert classify(0) is AlarmLevel.ASYSTOLE
    assert is_alarm(AlarmLevel.ASYSTOLE)


def test_negative_rate_is_an_error():
    with pytest.raises(ValueError):
        classify(-1)


def test_pediatric_thresholds(record_property):
    record_property("requirements", "REQ-005")
    peds = AlarmThresholds.pediatric()
    assert classify(65, peds) is AlarmLevel.BRADYCARDIA
    assert classify(150, peds) is AlarmLevel.NORMAL


def test_thresholds_must_be_ordered():
    with pytest.raises(ValueError):
        AlarmThresholds(low_bpm=100, high_bpm=90)


def test_alarm_message_texts():
    from cardiosense.alarms import alarm_message

    assert alarm_message(AlarmLevel.NORMAL) == ""
    assert alarm_message(AlarmLevel.TACHYCARDIA, 131.6) == "Heart rate high: 132 BPM"
