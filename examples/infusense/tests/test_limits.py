import pytest

from infusense.limits import (
    ConfirmationRequired,
    DrugLibrary,
    DrugLimits,
    HardLimitExceeded,
    LimitStatus,
    UnknownDrug,
    authorize_rate,
    check_rate,
)

HEPARIN = DrugLimits("heparin", soft_max_ml_per_h=40.0, hard_max_ml_per_h=60.0)


@pytest.mark.parametrize(
    ("rate", "status"),
    [
        (10.0, LimitStatus.WITHIN),
        (40.0, LimitStatus.WITHIN),  # at the soft limit is still within
        (40.01, LimitStatus.SOFT_EXCEEDED),
        (60.0, LimitStatus.SOFT_EXCEEDED),  # at the hard limit is allowed with confirmation
        (60.01, LimitStatus.HARD_EXCEEDED),
    ],
)
def test_limit_classification(rate, status):
    assert check_rate(rate, HEPARIN) is status


def test_req_105_soft_limit_needs_confirmation(record_property):
    record_property("requirements", "REQ-105")
    with pytest.raises(ConfirmationRequired, match="soft limit"):
        authorize_rate(50.0, HEPARIN)
    assert authorize_rate(50.0, HEPARIN, confirmed=True) == 50.0


def test_req_105_within_limits_needs_no_confirmation():
    assert authorize_rate(25.0, HEPARIN) == 25.0


@pytest.mark.requirements("RC-201")
def test_hard_limit_refuses_rate():
    with pytest.raises(HardLimitExceeded, match="hard limit"):
        authorize_rate(75.0, HEPARIN)


def test_rc_201_hard_limit_cannot_be_confirmed_away(record_property):
    record_property("requirements", "RC-201")
    with pytest.raises(HardLimitExceeded):
        authorize_rate(60.5, HEPARIN, confirmed=True)


def test_limits_must_be_ordered():
    with pytest.raises(ValueError, match="below soft limit"):
        DrugLimits("heparin", soft_max_ml_per_h=60.0, hard_max_ml_per_h=40.0)
    with pytest.raises(ValueError):
        DrugLimits("heparin", soft_max_ml_per_h=0.0, hard_max_ml_per_h=40.0)


def test_drug_library_lookup(library):
    assert len(library) == 3
    assert library.limits_for("Heparin").hard_max_ml_per_h == 60.0
    with pytest.raises(UnknownDrug):
        library.limits_for("insulin")


def test_drug_library_rejects_duplicates():
    with pytest.raises(ValueError, match="listed twice"):
        DrugLibrary([HEPARIN, DrugLimits("HEPARIN", 1.0, 2.0)])
