"""cardiosense: a small heart-rate monitoring library (regops demo, not a real device).

The package computes heart rate from R-R intervals, validates raw sensor
input and raises bradycardia / tachycardia / asystole alarms.
"""

from cardiosense.alarms import AlarmLevel, AlarmThresholds, classify
from cardiosense.monitor import HeartRateMonitor
from cardiosense.rr import bpm_from_rr, instantaneous_bpm
from cardiosense.validation import SensorRangeError, validate_rr_interval

__all__ = [
    "AlarmLevel",
    "AlarmThresholds",
    "HeartRateMonitor",
    "SensorRangeError",
    "bpm_from_rr",
    "classify",
    "instantaneous_bpm",
    "validate_rr_interval",
]

__version__ = "0.1.0"
