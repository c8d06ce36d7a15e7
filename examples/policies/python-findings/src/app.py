"""`py-findings`: static analysis, judged by a gate written in Python.

No unsuppressed `error` result may remain, and every suppression must say
why (a required check at class C, advisory below it). An example of a regops
gate built with componentize-py against the regops:gate contract; see
docs/authoring.md.
"""

import wit_world
from wit_world.imports import evidence
from wit_world.imports import types as t

DEFECTS = ["IEC 62304 5.1.12", "IEC 62304 5.5.3"]
PAGE = 1000


def _param(context: t.Context, name: str):
    for param in context.params:
        if param.name == name:
            return param.value.value
    raise ValueError(f"parameter `{name}` is missing")


def _findings(levels, suppressed):
    """Every finding matching the filter, a page at a time."""
    found, start = [], 0
    while True:
        page = evidence.findings(t.FindingFilter(levels, suppressed), start, PAGE)
        found.extend(page)
        if len(page) < PAGE:
            return found
        start += PAGE


def _where(finding: t.Finding) -> str:
    location = finding.location
    if location is None:
        return finding.rule
    line = f":{location.line}" if location.line is not None else ""
    return f"{finding.rule} at {location.file}{line}"


def _listed(items: list) -> str:
    text = ", ".join(items[:5])
    return text + (f" and {len(items) - 5} more" if len(items) > 5 else "")


def _check(id, outcome, message, measured, threshold, found):
    return t.Check(
        id=id,
        clauses=DEFECTS,
        outcome=outcome,
        message=message,
        measured=t.Value_Count(measured),
        threshold=t.Value_Count(threshold),
        locations=[f.location for f in found if f.location is not None][:100],
        subjects=[f.fingerprint for f in found if f.fingerprint is not None],
    )


class WitWorld(wit_world.WitWorld):
    def describe(self) -> t.GateInfo:
        return t.GateInfo(
            id="py-findings",
            name="Static analysis (Python example gate)",
            version="0.1.0",
            summary="No unsuppressed static-analysis error remains, and every "
            "suppression says why.",
            clauses=[
                t.Clause(
                    "IEC 62304 5.1.12",
                    "Identification and avoidance of common software defects",
                ),
                t.Clause("IEC 62304 5.5.3", "Software unit acceptance criteria"),
            ],
            needs=[t.EvidenceKind.FINDINGS],
            uses=[],
            params=[
                t.ParamSpec(
                    name="max-errors",
                    doc="Most unsuppressed `error` results accepted",
                    type=t.ValueType.COUNT,
                    unit=None,
                    min=0.0,
                    max=None,
                    defaults=t.ClassValues(
                        t.Value_Count(0), t.Value_Count(0), t.Value_Count(0)
                    ),
                ),
                t.ParamSpec(
                    name="require-justification",
                    doc="A suppression without a justification fails the gate "
                    "(otherwise it warns)",
                    type=t.ValueType.FLAG,
                    unit=None,
                    min=None,
                    max=None,
                    defaults=t.ClassValues(
                        t.Value_Flag(False), t.Value_Flag(False), t.Value_Flag(True)
                    ),
                ),
            ],
            checks=[
                t.CheckSpec(
                    "no-unsuppressed-errors",
                    "No more unsuppressed `error` results than `max-errors`",
                    DEFECTS,
                ),
                t.CheckSpec(
                    "suppressions-justified",
                    "Every suppression states a justification",
                    DEFECTS,
                ),
            ],
        )

    def evaluate(self, context: t.Context) -> t.Verdict:
        max_errors = _param(context, "max-errors")
        required = _param(context, "require-justification")

        errors = _findings([t.FindingLevel.ERROR], False)
        if len(errors) <= max_errors:
            errors_check = _check(
                "no-unsuppressed-errors",
                t.Outcome.PASS,
                f"{len(errors)} unsuppressed errors (at most {max_errors} allowed)",
                len(errors),
                max_errors,
                [],
            )
        else:
            errors_check = _check(
                "no-unsuppressed-errors",
                t.Outcome.FAIL,
                f"{len(errors)} unsuppressed errors, more than the {max_errors} "
                f"allowed: {_listed([_where(f) for f in errors])}; fix them, or "
                "suppress them with a justification",
                len(errors),
                max_errors,
                errors,
            )

        unjustified = [
            f
            for f in _findings([], True)
            if any(not (s.justification or "").strip() for s in f.suppressions)
        ]
        if not unjustified:
            justified = _check(
                "suppressions-justified",
                t.Outcome.PASS,
                "every suppression states a justification",
                0,
                0,
                [],
            )
        else:
            justified = _check(
                "suppressions-justified",
                t.Outcome.FAIL if required else t.Outcome.WARN,
                f"{len(unjustified)} suppressions give no justification: "
                f"{_listed([_where(f) for f in unjustified])}; say why each "
                "finding is acceptable",
                len(unjustified),
                0,
                unjustified,
            )

        checks = [errors_check, justified]
        rank = [t.Outcome.PASS, t.Outcome.WARN, t.Outcome.FAIL, t.Outcome.ERROR]
        outcome = max((c.outcome for c in checks), key=rank.index)
        return t.Verdict(outcome, checks)
