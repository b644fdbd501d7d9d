"""Writes on plans."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from welfare.areas.models import Commune, Province
from welfare.core.services import versioned_update

from .models import Plan


@transaction.atomic
def plan_save(
    *,
    user,
    province: Province,
    commune: Commune | None,
    year: int,
    indicator: str,
    target: Decimal,
    note: str = "",
    plan: Plan | None = None,
    expected_version: int | None = None,
) -> Plan:
    """Set a target: a new plan, or a change to `plan` if nobody changed it since
    `expected_version`. Heads set the plans of their own province only."""
    values = {
        "province": province,
        "commune": commune,
        "year": year,
        "indicator": indicator,
        "target": target,
        "note": note,
    }
    candidate = Plan(**values)
    if not user.has_perm("welfare.manage_plans", candidate):
        raise PermissionDenied
    if plan is None:
        candidate.full_clean()
        candidate.save()
        return candidate
    if not user.has_perm("welfare.manage_plans", plan):
        raise PermissionDenied
    return versioned_update(plan, expected_version=expected_version, changes=values)
