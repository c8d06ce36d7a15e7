"""Capacity benchmarks (pytest-benchmark). Not requirement tests: they name no ids."""

import pytest

pytest.importorskip("pytest_benchmark")

from infusense.dose import ConcentrationUnit, DoseUnit, infusion_rate_ml_per_h  # noqa: E402
from infusense.occlusion import detect  # noqa: E402


def test_dose_calculation_throughput(benchmark):
    def thousand_rates():
        total = 0.0
        for i in range(1000):
            total += infusion_rate_ml_per_h(
                5.0, DoseUnit.MCG_PER_KG_PER_MIN, 40.0 + (i % 60), 1600.0, ConcentrationUnit.MCG_PER_ML
            )
        return total

    assert benchmark(thousand_rates) > 0


def test_occlusion_detection_latency(benchmark, make_pressure_series):
    # 10 minutes at 10 Hz (6000 samples); the occlusion starts in the last minute
    series = make_pressure_series(600, occlusion_at=540.0, rise_mmhg_per_s=40.0, plateau=900.0)
    alarm = benchmark(detect, series)
    assert alarm is not None and alarm.time_s > 540.0
