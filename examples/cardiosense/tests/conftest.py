import pytest

from cardiosense import AlarmThresholds, HeartRateMonitor


@pytest.fixture
def monitor():
    return HeartRateMonitor()


@pytest.fixture
def pediatric_monitor():
    return HeartRateMonitor(thresholds=AlarmThresholds.pediatric(), window=4)
