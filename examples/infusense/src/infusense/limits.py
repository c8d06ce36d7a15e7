"""Drug library soft and hard rate limits (SRS section 4; risk control RC-201).

A rate above the hard limit is refused whatever the user does. A rate above
the soft limit (but within the hard limit) is delivered only after the user
confirms it.
"""

from __future__ import annotations

import enum

import attrs

from infusense.validation import validate_rate


class LimitStatus(enum.Enum):
    WITHIN = "within"
    SOFT_EXCEEDED = "soft-limit exceeded"
    HARD_EXCEEDED = "hard-limit exceeded"


class HardLimitExceeded(Exception):
    """The rate is above the drug's hard limit: the pump must not start."""


class ConfirmationRequired(Exception):
    """The rate is above the drug's soft limit and has not been confirmed."""


class UnknownDrug(KeyError):
    """The drug is not in the drug library."""


def _hard_not_below_soft(instance: "DrugLimits", attribute: attrs.Attribute, value: float) -> None:
    if value < instance.soft_max_ml_per_h:
        raise ValueError(
            f"hard limit {value} mL/h below soft limit {instance.soft_max_ml_per_h} mL/h"
        )


@attrs.frozen
class DrugLimits:
    drug: str = attrs.field(validator=attrs.validators.min_len(1))
    soft_max_ml_per_h: float = attrs.field(validator=attrs.validators.gt(0))
    hard_max_ml_per_h: float = attrs.field(validator=[attrs.validators.gt(0), _hard_not_below_soft])


def check_rate(rate_ml_per_h: float, limits: DrugLimits) -> LimitStatus:
    rate = validate_rate(rate_ml_per_h)
    if rate > limits.hard_max_ml_per_h:
        return LimitStatus.HARD_EXCEEDED
    if rate > limits.soft_max_ml_per_h:
        return LimitStatus.SOFT_EXCEEDED
    return LimitStatus.WITHIN


def authorize_rate(rate_ml_per_h: float, limits: DrugLimits, confirmed: bool = False) -> float:
    """Return the rate if it may be delivered, else raise.

    HardLimitExceeded is raised above the hard limit even when ``confirmed``
    is true; ConfirmationRequired above the soft limit unless confirmed.
    """
    status = check_rate(rate_ml_per_h, limits)
    if status is LimitStatus.HARD_EXCEEDED:
        raise HardLimitExceeded(
            f"{limits.drug}: {rate_ml_per_h} mL/h above hard limit {limits.hard_max_ml_per_h} mL/h"
        )
    if status is LimitStatus.SOFT_EXCEEDED and not confirmed:
        raise ConfirmationRequired(
            f"{limits.drug}: {rate_ml_per_h} mL/h above soft limit {limits.soft_max_ml_per_h} mL/h"
        )
    return float(rate_ml_per_h)


class DrugLibrary:
    """The hospital's drug library: limits by drug name (case-insensitive)."""

    def __init__(self, entries: list[DrugLimits]) -> None:
        self._entries: dict[str, DrugLimits] = {}
        for entry in entries:
            key = entry.drug.casefold()
            if key in self._entries:
                raise ValueError(f"drug {entry.drug!r} listed twice")
            self._entries[key] = entry

    def __len__(self) -> int:
        return len(self._entries)

    def limits_for(self, drug: str) -> DrugLimits:
        try:
            return self._entries[drug.casefold()]
        except KeyError:
            raise UnknownDrug(drug) from None
