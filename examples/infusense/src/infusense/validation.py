"""Range checks for programmed values and sensor input (SRS section 3: input validation)."""

from __future__ import annotations

import math

# Patient weight accepted by the pump, kg (neonate to bariatric adult).
WEIGHT_MIN_KG = 0.3
WEIGHT_MAX_KG = 350.0
# Highest drug concentration the library allows, mg/mL.
CONCENTRATION_MAX_MG_PER_ML = 1000.0
# The pump mechanism delivers 0.1 to 1200 mL/h.
RATE_MIN_ML_PER_H = 0.1
RATE_MAX_ML_PER_H = 1200.0
# Range of the downstream pressure sensor, mmHg.
PRESSURE_MIN_MMHG = -100.0
PRESSURE_MAX_MMHG = 1500.0


class ValidationError(ValueError):
    """A programmed value or a sensor reading is outside its allowed range."""


def _finite(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValidationError(f"{name} must be finite, got {value}")
    return float(value)


def validate_weight(weight_kg: float) -> float:
    weight = _finite("weight", weight_kg)
    if not WEIGHT_MIN_KG <= weight <= WEIGHT_MAX_KG:
        raise ValidationError(
            f"weight {weight} kg outside {WEIGHT_MIN_KG}-{WEIGHT_MAX_KG} kg"
        )
    return weight


def validate_concentration(mg_per_ml: float) -> float:
    concentration = _finite("concentration", mg_per_ml)
    if concentration <= 0:
        raise ValidationError("concentration must be greater than 0")
    if concentration > CONCENTRATION_MAX_MG_PER_ML:
        raise ValidationError(
            f"concentration {concentration} mg/mL above {CONCENTRATION_MAX_MG_PER_ML} mg/mL"
        )
    return concentration


def validate_dose(dose: float) -> float:
    value = _finite("dose", dose)
    if value <= 0:
        raise ValidationError("dose must be greater than 0")
    return value


def validate_rate(rate_ml_per_h: float) -> float:
    rate = _finite("rate", rate_ml_per_h)
    if not RATE_MIN_ML_PER_H <= rate <= RATE_MAX_ML_PER_H:
        raise ValidationError(
            f"rate {rate} mL/h outside the pump range "
            f"{RATE_MIN_ML_PER_H}-{RATE_MAX_ML_PER_H} mL/h"
        )
    return rate


def validate_pressure(pressure_mmhg: float) -> float:
    pressure = _finite("pressure", pressure_mmhg)
    if not PRESSURE_MIN_MMHG <= pressure <= PRESSURE_MAX_MMHG:
        raise ValidationError(f"pressure reading {pressure} mmHg outside the sensor range")
    return pressure
