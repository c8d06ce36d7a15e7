import pytest

from infusense.dose import (
    ConcentrationUnit,
    DoseUnit,
    Prescription,
    concentration_in_mg_per_ml,
    dose_in_mg_per_h,
    infusion_rate_ml_per_h,
)
from infusense.validation import ValidationError


def test_req_101_rate_from_weight_based_dose(record_property):
    record_property("requirements", "REQ-101")
    # 2 mg/kg/h x 70 kg / 10 mg/mL = 14 mL/h
    assert infusion_rate_ml_per_h(2.0, DoseUnit.MG_PER_KG_PER_H, 70.0, 10.0) == 14.0


def test_req_101_rate_rounded_to_pump_resolution():
    # 0.5 mg/kg/h x 3.3 kg / 7 mg/mL = 0.2357... -> 0.24 mL/h
    assert infusion_rate_ml_per_h(0.5, DoseUnit.MG_PER_KG_PER_H, 3.3, 7.0) == 0.24


def test_req_101_prescription_rate(propofol_70kg):
    assert propofol_70kg.rate_ml_per_h() == 14.0
    with pytest.raises(ValueError):
        Prescription("", 1.0, DoseUnit.MG_PER_H, 70.0, 1.0)


@pytest.mark.requirements("REQ-101", "REQ-103")
def test_rate_outside_pump_range_is_refused():
    # 50 mg/kg/h x 300 kg / 1 mg/mL = 15000 mL/h: beyond the mechanism
    with pytest.raises(ValidationError, match="pump range"):
        infusion_rate_ml_per_h(50.0, DoseUnit.MG_PER_KG_PER_H, 300.0, 1.0)
    # 0.001 mg/h / 1 mg/mL = 0.001 mL/h: below the mechanism's minimum
    with pytest.raises(ValidationError, match="pump range"):
        infusion_rate_ml_per_h(0.001, DoseUnit.MG_PER_H, 70.0, 1.0)


@pytest.mark.parametrize(
    ("dose", "unit", "mg_per_h"),
    [
        (2.0, DoseUnit.MG_PER_KG_PER_H, 160.0),
        (5.0, DoseUnit.MCG_PER_KG_PER_MIN, 24.0),  # 5 ug/kg/min x 80 kg x 60 / 1000
        (500.0, DoseUnit.MCG_PER_KG_PER_H, 40.0),
        (12.0, DoseUnit.MG_PER_H, 12.0),  # not weight based
    ],
)
def test_req_102_dose_unit_conversion(dose, unit, mg_per_h):
    assert dose_in_mg_per_h(dose, unit, 80.0) == pytest.approx(mg_per_h)


@pytest.mark.parametrize(
    ("value", "unit", "mg_per_ml"),
    [
        (4.0, ConcentrationUnit.MG_PER_ML, 4.0),
        (1600.0, ConcentrationUnit.MCG_PER_ML, 1.6),
        (2.0, ConcentrationUnit.G_PER_L, 2.0),
    ],
)
def test_req_102_concentration_unit_conversion(value, unit, mg_per_ml):
    assert concentration_in_mg_per_ml(value, unit) == pytest.approx(mg_per_ml)


def test_mcg_per_kg_per_min_dopamine_rate(record_property):
    record_property("requirements", "REQ-101,REQ-102")
    # dopamine 5 ug/kg/min, 80 kg, 1600 ug/mL: 5 x 80 x 60 / 1600 = 15 mL/h
    rate = infusion_rate_ml_per_h(
        5.0, DoseUnit.MCG_PER_KG_PER_MIN, 80.0, 1600.0, ConcentrationUnit.MCG_PER_ML
    )
    assert rate == 15.0


def test_unit_labels():
    assert DoseUnit.MCG_PER_KG_PER_MIN.label == "mcg/kg/min"
    assert ConcentrationUnit.MCG_PER_ML.label == "mcg/mL"
