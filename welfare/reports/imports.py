"""The `plans` import kind (contract.md, "Import"): targets per province or commune, year and
indicator, imported by department heads (their province) and the command only."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welfare.areas.rules import commune_outside_province
from welfare.imports import registry as r
from welfare.imports.engine import Batch, assign, bulk_add, bulk_change

from .models import Plan, PlanIndicator


def _plan_key(row):
    return (row["province_code"], row["commune_code"], row["year"], row["indicator"])


def plans_validate(batch: Batch) -> None:
    ctx = batch.ctx
    for row in batch.valid():
        province = row["province_code"]
        if province not in ctx.provinces:
            batch.error(row, "province_code", _("No province has the code %(code)s.") % {"code": province})
            continue
        if not batch.scope.province_ok(province):
            batch.error(row, "province_code", _("You set the plans of your own province only."))
            continue
        commune = row["commune_code"]
        if commune is not None:
            if commune not in ctx.communes:
                batch.error(row, "commune_code", _("No commune has the code %(code)s.") % {"code": commune})
                continue
            problem = commune_outside_province(
                commune_province_id=ctx.communes[commune], province_id=province
            )
            if problem:
                batch.error(row, "commune_code", problem)
                continue
        target: Decimal = row["target"]
        if target < 0:
            batch.error(row, "target", _("A target cannot be negative."))
        elif row["indicator"] == PlanIndicator.NEW_JOBS and target != target.to_integral_value():
            batch.error(row, "target", _("The new-jobs target is a whole number of jobs."))
        elif PlanIndicator.is_rate(row["indicator"]) and target > 100:
            batch.error(row, "target", _("A rate target is a percentage between 0 and 100."))
        elif target.as_tuple().exponent < -2 or target >= Decimal("1e12"):
            batch.error(row, "target", _("At most 12 digits before the decimal point and 2 after it."))
    rows = batch.valid()
    if not rows:
        return
    existing = {
        (p.province_id, p.commune_id, p.year, p.indicator): p
        for p in Plan.objects.select_for_update().filter(
            province_id__in=batch.values("province_code", rows),
            year__in=batch.values("year", rows),
            indicator__in=batch.values("indicator", rows),
        )
    }
    for row in rows:
        row.target = existing.get(_plan_key(row))


def plans_apply(batch: Batch) -> None:
    added, changed = [], []
    for row in batch.valid():
        plan = row.target
        if plan is None:
            added.append(Plan(province_id=row["province_code"], commune_id=row["commune_code"],
                              year=row["year"], indicator=row["indicator"], target=row["target"]))
            row.action = "added"
            continue
        before = assign(plan, {"target": row["target"]})  # 60 and 60.00 compare equal
        changed.append((plan, before))
        row.action = "updated" if before else "unchanged"
    bulk_add(batch, Plan, added)
    bulk_change(batch, Plan, changed)


r.register(
    r.ImportKind(
        key="plans",
        label=gettext_lazy("Plan targets"),
        order=90,
        who=r.HEADS_ONLY,
        columns=(
            r.Column("province_code", gettext_lazy("Province code"), r.INT, required=True),
            r.Column("commune_code", gettext_lazy("Commune code (empty: the whole province)"), r.INT),
            r.Column("year", gettext_lazy("Year"), r.YEAR, required=True),
            r.Column("indicator", gettext_lazy("Indicator"), r.ENUM, required=True,
                     choices=tuple(PlanIndicator.values)),
            r.Column("target", gettext_lazy("Target"), r.DECIMAL, required=True),
        ),
        row_key=_plan_key,
        key_columns=("province_code", "commune_code", "year", "indicator"),
        validate=plans_validate,
        apply=plans_apply,
        help=gettext_lazy("Targets per province or commune, year and indicator; imported by department "
                "heads only."),
    )
)
