"""Integration tests: the controller with dose calculation, the drug library
and the occlusion detector together, run cycle by cycle at 10 Hz."""

import pytest

from infusense.dose import ConcentrationUnit, DoseUnit, Prescription
from infusense.occlusion import ALARM_BUDGET_S, OcclusionReason
from infusense.pump import PumpState

RATE_HZ = 10.0


def run(controller, series):
    dt = 1.0 / RATE_HZ
    for i, pressure in enumerate(series):
        alarm = controller.on_pressure(i * dt, pressure, dt)
        if alarm is not None:
            return alarm
    return None


def test_req_101_programmed_rate_is_delivered(controller, make_pressure_series, record_property):
    record_property("requirements", "REQ-101")
    rx = Prescription("dopamine", 5.0, DoseUnit.MCG_PER_KG_PER_MIN, 80.0, 1600.0, ConcentrationUnit.MCG_PER_ML)
    assert controller.program(rx) == 15.0
    controller.start()
    assert run(controller, make_pressure_series(600)) is None  # 10 minutes, no occlusion
    assert controller.state is PumpState.RUNNING
    assert controller.delivered_ml == pytest.approx(15.0 * 600 / 3600)


@pytest.mark.requirements("REQ-104", "RC-202")
def test_occlusion_stops_the_motor_within_budget(controller, propofol_70kg, make_pressure_series):
    controller.program(propofol_70kg)
    controller.start()
    series = make_pressure_series(120, occlusion_at=60.0, rise_mmhg_per_s=40.0, plateau=900.0)
    alarm = run(controller, series)
    crossing = next(i / RATE_HZ for i, p in enumerate(series) if p >= 500.0)
    assert alarm.reason is OcclusionReason.THRESHOLD
    assert alarm.time_s - crossing <= ALARM_BUDGET_S
    assert controller.state is PumpState.ALARM
    assert controller.motor_rate_ml_per_h == 0.0
    # later samples change nothing until the user stops the pump
    assert controller.on_pressure(500.0, 80.0, 0.1) is alarm


def test_req_104_restart_after_occlusion_cleared(controller, propofol_70kg, make_pressure_series):
    controller.program(propofol_70kg)
    controller.start()
    assert run(controller, make_pressure_series(30, occlusion_at=10.0, rise_mmhg_per_s=500.0)) is not None
    controller.stop()
    controller.program(propofol_70kg)
    controller.start()
    assert controller.detector.alarm is None
    assert run(controller, make_pressure_series(30)) is None
