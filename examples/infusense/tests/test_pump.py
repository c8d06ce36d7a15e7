import pytest

from infusense.dose import DoseUnit, Prescription
from infusense.limits import ConfirmationRequired, HardLimitExceeded
from infusense.pump import PumpState, PumpStateError


def test_state_machine_guards(controller, propofol_70kg):
    with pytest.raises(PumpStateError):
        controller.start()
    controller.program(propofol_70kg)
    controller.start()
    with pytest.raises(PumpStateError):
        controller.program(propofol_70kg)
    controller.stop()
    assert controller.state is PumpState.IDLE
    assert controller.motor_rate_ml_per_h == 0.0


def test_req_105_controller_asks_for_confirmation(controller):
    # heparin 1 mg/kg/h x 90 kg / 2 mg/mL = 45 mL/h: above the 40 mL/h soft limit
    rx = Prescription("heparin", 1.0, DoseUnit.MG_PER_KG_PER_H, 90.0, 2.0)
    with pytest.raises(ConfirmationRequired):
        controller.program(rx)
    assert controller.state is PumpState.IDLE
    assert controller.program(rx, confirmed=True) == 45.0


@pytest.mark.requirements("RC-201")
def test_controller_refuses_rate_above_hard_limit(controller):
    # heparin 2 mg/kg/h x 90 kg / 2 mg/mL = 90 mL/h: above the 60 mL/h hard limit
    rx = Prescription("heparin", 2.0, DoseUnit.MG_PER_KG_PER_H, 90.0, 2.0)
    with pytest.raises(HardLimitExceeded):
        controller.program(rx, confirmed=True)
    assert controller.state is PumpState.IDLE
    assert controller.motor_rate_ml_per_h == 0.0
