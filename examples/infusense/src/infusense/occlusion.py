"""Downstream occlusion detection from the pressure signal (SRS section 5; risk control RC-202).

The alarm is raised when

* the pressure has stayed at or above ``threshold_mmhg`` for ``confirm_s``
  (one-sample spikes are ignored), or
* the pressure is above ``trend_floor_mmhg`` and rising faster than
  ``trend_mmhg_per_s`` over the last ``trend_window_s``, on
  ``trend_confirm_samples`` samples in a row (a fast-building occlusion is
  reported before it reaches the threshold), or
* no pressure sample arrived for more than ``max_sample_gap_s`` (a lost
  signal cannot show an occlusion, so it is treated as one).

RC-202: the alarm comes at most ``ALARM_BUDGET_S`` (2 s) after the pressure
first reaches the threshold. The configuration is checked so that
``confirm_s + max_sample_gap_s`` stays within that budget.
"""

from __future__ import annotations

import collections
import enum

import attrs

from infusense.validation import validate_pressure

ALARM_BUDGET_S = 2.0


class OcclusionReason(enum.Enum):
    THRESHOLD = "pressure above occlusion threshold"
    RISING_TREND = "pressure rising fast"
    SIGNAL_LOST = "pressure signal lost"


@attrs.frozen
class OcclusionAlarm:
    time_s: float
    pressure_mmhg: float
    reason: OcclusionReason


def _within_budget(instance: "DetectorConfig", attribute: attrs.Attribute, value: float) -> None:
    if instance.confirm_s + value > ALARM_BUDGET_S:
        raise ValueError(
            f"confirm_s + max_sample_gap_s = {instance.confirm_s + value} s "
            f"exceeds the {ALARM_BUDGET_S} s alarm budget"
        )


@attrs.frozen
class DetectorConfig:
    threshold_mmhg: float = attrs.field(default=500.0, validator=attrs.validators.gt(0))
    confirm_s: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    trend_floor_mmhg: float = attrs.field(default=250.0, validator=attrs.validators.gt(0))
    trend_mmhg_per_s: float = attrs.field(default=150.0, validator=attrs.validators.gt(0))
    trend_window_s: float = attrs.field(default=1.0, validator=attrs.validators.gt(0))
    trend_confirm_samples: int = attrs.field(default=3, validator=attrs.validators.ge(1))
    max_sample_gap_s: float = attrs.field(
        default=0.5, validator=[attrs.validators.gt(0), _within_budget]
    )


def slope_per_s(samples: "collections.deque[tuple[float, float]]") -> float:
    """Least-squares slope of pressure over time, mmHg/s (0 for < 2 samples)."""
    n = len(samples)
    if n < 2:
        return 0.0
    mean_t = sum(t for t, _ in samples) / n
    mean_p = sum(p for _, p in samples) / n
    num = sum((t - mean_t) * (p - mean_p) for t, p in samples)
    den = sum((t - mean_t) ** 2 for t, _ in samples)
    return num / den


class OcclusionDetector:
    """Feed it (time, pressure) samples in time order; it latches the first alarm."""

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        self._window: collections.deque[tuple[float, float]] = collections.deque()
        self._above_since: float | None = None
        self._trend_hits = 0
        self._last_t: float | None = None
        self.alarm: OcclusionAlarm | None = None

    def reset(self) -> None:
        """Clear the alarm and the history (after the occlusion was cleared)."""
        self._window.clear()
        self._above_since = None
        self._trend_hits = 0
        self._last_t = None
        self.alarm = None

    def feed(self, t_s: float, pressure_mmhg: float) -> OcclusionAlarm | None:
        if self.alarm is not None:
            return self.alarm
        cfg = self.config
        if self._last_t is not None:
            if t_s <= self._last_t:
                raise ValueError(f"sample time {t_s} s not after previous {self._last_t} s")
            if t_s - self._last_t > cfg.max_sample_gap_s:
                return self._raise(t_s, pressure_mmhg, OcclusionReason.SIGNAL_LOST)
        self._last_t = t_s
        pressure = validate_pressure(pressure_mmhg)

        self._window.append((t_s, pressure))
        while t_s - self._window[0][0] > cfg.trend_window_s:
            self._window.popleft()

        if pressure >= cfg.threshold_mmhg:
            if self._above_since is None:
                self._above_since = t_s
            if t_s - self._above_since >= cfg.confirm_s:
                return self._raise(t_s, pressure, OcclusionReason.THRESHOLD)
        else:
            self._above_since = None

        if pressure >= cfg.trend_floor_mmhg and slope_per_s(self._window) >= cfg.trend_mmhg_per_s:
            self._trend_hits += 1
            if self._trend_hits >= cfg.trend_confirm_samples:
                return self._raise(t_s, pressure, OcclusionReason.RISING_TREND)
        else:
            self._trend_hits = 0
        return None

    def _raise(self, t_s: float, pressure: float, reason: OcclusionReason) -> OcclusionAlarm:
        self.alarm = OcclusionAlarm(time_s=t_s, pressure_mmhg=pressure, reason=reason)
        return self.alarm


def detect(pressures: list[float], sample_rate_hz: float = 10.0,
           config: DetectorConfig | None = None) -> OcclusionAlarm | None:
    """Run a detector over a uniformly sampled series starting at t = 0."""
    if sample_rate_hz <= 0:
        raise ValueError("sample rate must be positive")
    detector = OcclusionDetector(config)
    period = 1.0 / sample_rate_hz
    for i, pressure in enumerate(pressures):
        alarm = detector.feed(i * period, pressure)
        if alarm is not None:
            return alarm
    return None
