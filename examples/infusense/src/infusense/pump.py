"""The infusion controller: programming, limit checks and occlusion supervision.

IDLE --program()--> PROGRAMMED --start()--> RUNNING --occlusion--> ALARM
Any state --stop()--> IDLE. In ALARM the motor rate is 0 until stop().
"""

from __future__ import annotations

import enum

from infusense.dose import Prescription
from infusense.limits import DrugLibrary, authorize_rate
from infusense.occlusion import DetectorConfig, OcclusionAlarm, OcclusionDetector


class PumpState(enum.Enum):
    IDLE = "idle"
    PROGRAMMED = "programmed"
    RUNNING = "running"
    ALARM = "alarm"


class PumpStateError(RuntimeError):
    """The requested action is not allowed in the pump's current state."""


class InfusionController:
    def __init__(self, library: DrugLibrary, detector_config: DetectorConfig | None = None) -> None:
        self.library = library
        self.detector = OcclusionDetector(detector_config)
        self.state = PumpState.IDLE
        self.programmed_rate_ml_per_h = 0.0
        self.delivered_ml = 0.0

    @property
    def motor_rate_ml_per_h(self) -> float:
        return self.programmed_rate_ml_per_h if self.state is PumpState.RUNNING else 0.0

    def program(self, prescription: Prescription, confirmed: bool = False) -> float:
        """Compute and authorize the rate; raises if a limit or an input refuses it."""
        if self.state not in (PumpState.IDLE, PumpState.PROGRAMMED):
            raise PumpStateError(f"cannot program while {self.state.value}")
        limits = self.library.limits_for(prescription.drug)
        rate = authorize_rate(prescription.rate_ml_per_h(), limits, confirmed=confirmed)
        self.programmed_rate_ml_per_h = rate
        self.state = PumpState.PROGRAMMED
        return rate

    def start(self) -> None:
        if self.state is not PumpState.PROGRAMMED:
            raise PumpStateError(f"cannot start while {self.state.value}")
        self.detector.reset()
        self.state = PumpState.RUNNING

    def on_pressure(self, t_s: float, pressure_mmhg: float, dt_s: float) -> OcclusionAlarm | None:
        """One control cycle: deliver for dt_s, then check the pressure sample."""
        if self.state is not PumpState.RUNNING:
            return self.detector.alarm
        self.delivered_ml += self.programmed_rate_ml_per_h * dt_s / 3600.0
        alarm = self.detector.feed(t_s, pressure_mmhg)
        if alarm is not None:
            self.state = PumpState.ALARM
        return alarm

    def stop(self) -> None:
        self.state = PumpState.IDLE
        self.programmed_rate_ml_per_h = 0.0
