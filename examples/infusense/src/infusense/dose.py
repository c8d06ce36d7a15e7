"""Infusion rate from a prescribed dose (SRS section 2: dose calculation).

rate [mL/h] = dose [mg/kg/h] x weight [kg] / concentration [mg/mL]

Doses and concentrations in other units are first converted to mg/kg/h and
mg/mL. Doses that are not weight based (mg/h) ignore the weight.
"""

from __future__ import annotations

import enum

import attrs

from infusense.validation import (
    validate_concentration,
    validate_dose,
    validate_rate,
    validate_weight,
)


class DoseUnit(enum.Enum):
    # value: (factor to mg, factor to per hour, weight based)
    MG_PER_KG_PER_H = ("mg/kg/h", 1.0, 1.0, True)
    MCG_PER_KG_PER_MIN = ("mcg/kg/min", 0.001, 60.0, True)
    MCG_PER_KG_PER_H = ("mcg/kg/h", 0.001, 1.0, True)
    MG_PER_H = ("mg/h", 1.0, 1.0, False)

    def __init__(self, label: str, to_mg: float, to_per_hour: float, per_kg: bool) -> None:
        self.label = label
        self.to_mg = to_mg
        self.to_per_hour = to_per_hour
        self.per_kg = per_kg


class ConcentrationUnit(enum.Enum):
    MG_PER_ML = ("mg/mL", 1.0)
    MCG_PER_ML = ("mcg/mL", 0.001)
    G_PER_L = ("g/L", 1.0)  # 1 g/L == 1 mg/mL

    def __init__(self, label: str, to_mg_per_ml: float) -> None:
        self.label = label
        self.to_mg_per_ml = to_mg_per_ml


def dose_in_mg_per_h(dose: float, unit: DoseUnit, weight_kg: float) -> float:
    """The dose as mg/h for this patient."""
    per_hour = validate_dose(dose) * unit.to_mg * unit.to_per_hour
    if unit.per_kg:
        return per_hour * validate_weight(weight_kg)
    return per_hour


def concentration_in_mg_per_ml(concentration: float, unit: ConcentrationUnit) -> float:
    return validate_concentration(concentration * unit.to_mg_per_ml)


def infusion_rate_ml_per_h(
    dose: float,
    dose_unit: DoseUnit,
    weight_kg: float,
    concentration: float,
    concentration_unit: ConcentrationUnit = ConcentrationUnit.MG_PER_ML,
) -> float:
    """Pump rate in mL/h, rounded to the pump's 0.01 mL/h resolution.

    Raises ValidationError if an input, or the resulting rate, is outside
    its allowed range.
    """
    mg_per_h = dose_in_mg_per_h(dose, dose_unit, weight_kg)
    mg_per_ml = concentration_in_mg_per_ml(concentration, concentration_unit)
    return validate_rate(round(mg_per_h / mg_per_ml, 2))


@attrs.frozen
class Prescription:
    """A programmed infusion: the drug, the dose and the patient's weight."""

    drug: str = attrs.field(validator=attrs.validators.min_len(1))
    dose: float
    dose_unit: DoseUnit
    weight_kg: float
    concentration: float
    concentration_unit: ConcentrationUnit = ConcentrationUnit.MG_PER_ML

    def rate_ml_per_h(self) -> float:
        return infusion_rate_ml_per_h(
            self.dose, self.dose_unit, self.weight_kg, self.concentration, self.concentration_unit
        )
