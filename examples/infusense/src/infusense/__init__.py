"""infusense: dose calculation and safety limits of an infusion pump (regops demo, not a real device).

The package turns a prescribed dose into a pump rate (mL/h), checks that rate
against a drug library's soft and hard limits, and raises an occlusion alarm
from the downstream pressure signal. IEC 62304 software safety class C.
"""

from infusense.dose import ConcentrationUnit, DoseUnit, Prescription, infusion_rate_ml_per_h
from infusense.limits import (
    ConfirmationRequired,
    DrugLibrary,
    DrugLimits,
    HardLimitExceeded,
    LimitStatus,
    authorize_rate,
    check_rate,
)
from infusense.occlusion import ALARM_BUDGET_S, OcclusionAlarm, OcclusionDetector
from infusense.pump import InfusionController, PumpState
from infusense.validation import ValidationError

__all__ = [
    "ALARM_BUDGET_S",
    "ConcentrationUnit",
    "ConfirmationRequired",
    "DoseUnit",
    "DrugLibrary",
    "DrugLimits",
    "HardLimitExceeded",
    "InfusionController",
    "LimitStatus",
    "OcclusionAlarm",
    "OcclusionDetector",
    "Prescription",
    "PumpState",
    "ValidationError",
    "authorize_rate",
    "check_rate",
    "infusion_rate_ml_per_h",
]

__version__ = "0.1.0"
