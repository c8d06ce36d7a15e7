import pytest

from infusense.dose import ConcentrationUnit, DoseUnit, Prescription
from infusense.limits import DrugLibrary, DrugLimits
from infusense.pump import InfusionController


@pytest.fixture(autouse=True)
def _record_requirement_marker(request):
    """``@pytest.mark.requirements("REQ-101", "RC-201")`` ends up in JUnit as
    ``<property name="requirements" value="REQ-101,RC-201"/>``, exactly as if
    the test had called ``record_property("requirements", "REQ-101,RC-201")``."""
    marker = request.node.get_closest_marker("requirements")
    if marker is not None:
        request.node.user_properties.append(("requirements", ",".join(marker.args)))


@pytest.fixture
def library():
    return DrugLibrary(
        [
            DrugLimits("heparin", soft_max_ml_per_h=40.0, hard_max_ml_per_h=60.0),
            DrugLimits("propofol", soft_max_ml_per_h=50.0, hard_max_ml_per_h=100.0),
            DrugLimits("dopamine", soft_max_ml_per_h=30.0, hard_max_ml_per_h=45.0),
        ]
    )


@pytest.fixture
def controller(library):
    return InfusionController(library)


@pytest.fixture
def propofol_70kg():
    # 2 mg/kg/h x 70 kg / 10 mg/mL = 14 mL/h
    return Prescription("propofol", 2.0, DoseUnit.MG_PER_KG_PER_H, 70.0, 10.0, ConcentrationUnit.MG_PER_ML)


def pressure_series(seconds, rate_hz=10.0, baseline=80.0, occlusion_at=None, rise_mmhg_per_s=0.0,
                    plateau=None):
    """A deterministic downstream-pressure trace: flat baseline with a small
    ripple, then (from ``occlusion_at`` s) a linear rise up to ``plateau``."""
    n = int(seconds * rate_hz)
    ripple = (0.0, 2.0, -1.5, 1.0, -2.0, 0.5)
    out = []
    for i in range(n):
        t = i / rate_hz
        p = baseline + ripple[i % len(ripple)]
        if occlusion_at is not None and t >= occlusion_at:
            p += rise_mmhg_per_s * (t - occlusion_at)
            if plateau is not None:
                p = min(p, plateau)
        out.append(p)
    return out


@pytest.fixture
def make_pressure_series():
    return pressure_series
