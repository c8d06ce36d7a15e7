"""Heart-rate computation from R-R intervals (SRS section 4: rate computation)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cardiosense.validation import validate_rr_interval

MS_PER_MINUTE = 60_000.0

# A beat whose interval differs from the previous one by more than this
# fraction is treated as an artifact (ectopic beat or missed detection).
ARTIFACT_TOLERANCE = 0.3


def instantaneous_bpm(rr_ms: float) -> float:
    """Heart rate for a single R-R interval."""
    return MS_PER_MINUTE / validate_rr_interval(rr_ms)


def reject_artifacts(intervals: Sequence[float], tolerance: float = ARTIFACT_TOLERANCE) -> list[float]:
    """Drop intervals that jump by more than ``tolerance`` relative to the last kept one."""
    if tolerance <= 0:
        raise ValueError("tolerance must be positive")
    kept: list[float] = []
    for rr in intervals:
        value = validate_rr_interval(rr)
        if kept and abs(value - kept[-1]) / kept[-1] > tolerance:
            continue
        kept.append(value)
    return kept


def bpm_from_rr(intervals: Iterable[float], *, filter_artifacts: bool = True) -> float:
    """Mean heart rate in beats per minute over a run of R-R intervals.

    Uses the mean interval (not the mean of instantaneous rates), which is
    the conventional definition and is robust to a single short interval.
    """
    values = [validate_rr_interval(rr) for rr in intervals]
    if not values:
        raise ValueError("at least one R-R interval is required")
    if filter_artifacts:
        values = reject_artifacts(values)
    mean_rr = sum(values) / len(values)
    return round(MS_PER_MINUTE / mean_rr, 1)


def rmssd(intervals: Sequence[float]) -> float:
    """Root mean square of successive differences, a short-term HRV measure in ms."""
    values = [validate_rr_interval(rr) for rr in intervals]
    if len(values) < 2:
        raise ValueError("RMSSD needs at least two intervals")
    diffs = [(b - a) ** 2 for a, b in zip(values, values[1:])]
    return round((sum(diffs) / len(diffs)) ** 0.5, 2)


def rhythm_is_irregular(intervals: Sequence[float], threshold_ms: float = 100.0) -> bool:
    """Crude irregular-rhythm flag: RMSSD above ``threshold_ms``."""
    if len(intervals) < 2:
        return False
    return rmssd(intervals) > threshold_ms
