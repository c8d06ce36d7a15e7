"""Range checks for raw sensor input (SRS section 3: input validation)."""

from __future__ import annotations

# Physiologically plausible R-R interval range in milliseconds:
# 200 ms ~ 300 BPM, 3000 ms ~ 20 BPM.
MIN_RR_MS = 200.0
MAX_RR_MS = 3000.0

# Signal quality index reported by the front-end, 0.0 (noise) .. 1.0 (clean).
MIN_SIGNAL_QUALITY = 0.5


class SensorRangeError(ValueError):
    """Raised when a sensor value is outside its plausible range."""

    def __init__(self, field: str, value: float, low: float, high: float) -> None:
        super().__init__(f"{field}={value!r} outside [{low}, {high}]")
        self.field = field
        self.value = value
        self.low = low
        self.high = high


def validate_rr_interval(rr_ms: float) -> float:
    """Return ``rr_ms`` as float if it is a plausible R-R interval, else raise."""
    if isinstance(rr_ms, bool) or not isinstance(rr_ms, (int, float)):
        raise TypeError(f"rr interval must be a number, got {type(rr_ms).__name__}")
    value = float(rr_ms)
    if value != value:  # NaN
        raise SensorRangeError("rr_ms", value, MIN_RR_MS, MAX_RR_MS)
    if value < MIN_RR_MS or value > MAX_RR_MS:
        raise SensorRangeError("rr_ms", value, MIN_RR_MS, MAX_RR_MS)
    return value


def validate_signal_quality(sqi: float) -> float:
    """Check that a signal quality index is within [0, 1]."""
    value = float(sqi)
    if not 0.0 <= value <= 1.0:
        raise SensorRangeError("signal_quality", value, 0.0, 1.0)
    return value


def is_usable(sqi: float) -> bool:
    """True when the signal quality is good enough to trust the beat."""
    return validate_signal_quality(sqi) >= MIN_SIGNAL_QUALITY
