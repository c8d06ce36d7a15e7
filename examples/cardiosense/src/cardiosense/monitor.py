"""Rolling heart-rate monitor tying validation, rate computation and alarms together."""

from __future__ import annotations

from collections import deque

from cardiosense.alarms import DEFAULT_THRESHOLDS, AlarmLevel, AlarmThresholds, classify
from cardiosense.rr import bpm_from_rr
from cardiosense.validation import SensorRangeError, is_usable

DEFAULT_WINDOW = 8

# Asystole is declared when no usable beat arrives for this long.
ASYSTOLE_TIMEOUT_MS = 4000.0


class HeartRateMonitor:
    """Feed beats in, read the current rate and alarm level out."""

    def __init__(self, thresholds: AlarmThresholds = DEFAULT_THRESHOLDS, window: int = DEFAULT_WINDOW) -> None:
        if window < 1:
            raise ValueError("window must be at least 1")
        self.thresholds = thresholds
        self._window: deque[float] = deque(maxlen=window)
        self._ms_since_last_beat = 0.0
        self.rejected = 0

    def add_beat(self, rr_ms: float, signal_quality: float = 1.0) -> bool:
        """Record one beat. Returns False if the beat was rejected."""
        try:
            usable = is_usable(signal_quality)
        except SensorRangeError:
            self.rejected += 1
            return False
        if not usable:
            self.rejected += 1
            self._ms_since_last_beat += float(rr_ms)
            return False
        try:
            bpm_from_rr([rr_ms], filter_artifacts=False)
        except SensorRangeError:
            self.rejected += 1
            return False
        self._window.append(float(rr_ms))
        self._ms_since_last_beat = 0.0
        return True

    def tick(self, elapsed_ms: float) -> None:
        """Advance time without a beat (drives asystole detection)."""
        self._ms_since_last_beat += elapsed_ms

    def reset(self) -> None:
        """Clear the beat window, e.g. after the sensor was re-attached."""
        self._window.clear()
        self._ms_since_last_beat = 0.0
        self.rejected = 0

    def summary(self) -> dict[str, object]:
        """Snapshot for the display / log."""
        level = self.alarm
        return {
            "bpm": self.bpm,
            "alarm": level.value,
            "beats": len(self._window),
            "rejected": self.rejected if self.rejected else None,
        }

    @property
    def bpm(self) -> float | None:
        if not self._window or self._ms_since_last_beat >= ASYSTOLE_TIMEOUT_MS:
            return None
        return bpm_from_rr(self._window)

    @property
    def alarm(self) -> AlarmLevel:
        level = classify(self.bpm, self.thresholds)
        assert isinstance(level, AlarmLevel)  # internal invariant
        return level
