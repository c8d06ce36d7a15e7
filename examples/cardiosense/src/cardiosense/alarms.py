"""Alarm classification against configurable thresholds (SRS section 5: alarms)."""

from __future__ import annotations

import enum

import attrs


class AlarmLevel(enum.Enum):
    NORMAL = "normal"
    BRADYCARDIA = "bradycardia"
    TACHYCARDIA = "tachycardia"
    ASYSTOLE = "asystole"


def _check_order(instance: "AlarmThresholds", attribute: attrs.Attribute, value: float) -> None:
    if value <= instance.low_bpm:
        raise ValueError(f"high_bpm ({value}) must be greater than low_bpm ({instance.low_bpm})")


@attrs.frozen
class AlarmThresholds:
    """Adult defaults: below 50 BPM is bradycardia, above 120 BPM tachycardia."""

    low_bpm: float = attrs.field(default=50.0, validator=attrs.validators.gt(0))
    high_bpm: float = attrs.field(default=120.0, validator=[attrs.validators.lt(300), _check_order])

    @classmethod
    def pediatric(cls) -> "AlarmThresholds":
        return cls(low_bpm=70.0, high_bpm=160.0)


DEFAULT_THRESHOLDS = AlarmThresholds()


def classify(bpm: float | None, thresholds: AlarmThresholds = DEFAULT_THRESHOLDS) -> AlarmLevel:
    """Classify a heart rate. ``None`` (no beat detected) means asystole."""
    if bpm is None or bpm == 0:
        return AlarmLevel.ASYSTOLE
    if bpm < 0:
        raise ValueError("heart rate cannot be negative")
    if bpm < thresholds.low_bpm:
        return AlarmLevel.BRADYCARDIA
    if bpm > thresholds.high_bpm:
        return AlarmLevel.TACHYCARDIA
    return AlarmLevel.NORMAL


def is_alarm(level: AlarmLevel) -> bool:
    return level is not AlarmLevel.NORMAL


_MESSAGES = {
    AlarmLevel.BRADYCARDIA: "Heart rate low",
    AlarmLevel.TACHYCARDIA: "Heart rate high",
    AlarmLevel.ASYSTOLE: "No heartbeat detected",
}


def alarm_message(level: AlarmLevel, bpm: float | None = None) -> str:
    """Human-readable text shown on the bedside display."""
    if level is AlarmLevel.NORMAL:
        return ""
    text = _MESSAGES[level]
    if bpm is not None and level is not AlarmLevel.ASYSTOLE:
        text = f"{text}: {bpm:.0f} BPM"
    return text


def priority(level: AlarmLevel) -> int:
    """IEC 60601-1-8 style priority: 3 high, 2 medium, 0 none."""
    if level is AlarmLevel.ASYSTOLE:
        return 3
    if level in (AlarmLevel.BRADYCARDIA, AlarmLevel.TACHYCARDIA):
        return 2
    return 0
