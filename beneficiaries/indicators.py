"""The `meritorious` and `social_protection` keys of the half-year summary (contract.md,
"Half-year summary"). Only approved monthly payments count (one-off payments are recorded
apart and left out); reports count payments as person-times (lượt người) and sum them."""

from django.db.models import Count, Q, Sum

from welfare.reports.periods import Period, ReportArea
from welfare.reports.registry import indicator, rows_by_commune

from .models import Beneficiary, Dossier, DossierStatus, Payment, PaymentKind, PaymentStatus, Programme, month_start


def _approved_monthly(area: ReportArea, period: Period, programme: str, *, by_commune: bool = False) -> dict:
    rows = rows_by_commune(
        Payment.objects.filter(
            beneficiary__programme=programme,
            kind=PaymentKind.MONTHLY,
            status=PaymentStatus.APPROVED,
            # A payment's month is stored as its first day: the months of the period.
            month__range=(month_start(period.start), month_start(period.end)),
        ),
        area=area,
        commune_path="beneficiary__commune",
        by_commune=by_commune,
        count=Count("pk"),
        amount=Sum("amount_vnd"),
    )
    return {code: {"count": row["count"], "amount": row["amount"] or 0} for code, (row,) in rows.items()}


def _meritorious(area: ReportArea, period: Period, *, by_commune: bool = False) -> dict[int | None, dict]:
    payments = _approved_monthly(area, period, Programme.MERIT, by_commune=by_commune)
    dossiers = rows_by_commune(
        Dossier.objects.all(),
        area=area,
        by_commune=by_commune,
        received=Count("pk", filter=Q(received_on__range=(period.start, period.end))),
        resolved=Count(
            "pk",
            filter=Q(
                status__in=(DossierStatus.APPROVED, DossierStatus.REJECTED),
                decided_on__range=(period.start, period.end),
            ),
        ),
    )
    none = {"count": 0, "amount": 0}
    return {
        code: {
            "allowance_payments": payments.get(code, none)["count"],
            "allowance_amount_vnd": payments.get(code, none)["amount"],
            "dossiers_received": (dossiers.get(code) or [{}])[0].get("received") or 0,
            "dossiers_resolved": (dossiers.get(code) or [{}])[0].get("resolved") or 0,
        }
        for code in payments.keys() | dossiers.keys()
    }


def meritorious_communes(province: ReportArea, period: Period, communes: list[int]) -> dict[int, dict]:
    figures = _meritorious(province, period, by_commune=True)
    empty = {"allowance_payments": 0, "allowance_amount_vnd": 0, "dossiers_received": 0, "dossiers_resolved": 0}
    return {code: figures.get(code) or dict(empty) for code in communes}


@indicator("meritorious", order=60, communes=meritorious_communes)
def meritorious(area: ReportArea, period: Period) -> dict:
    """Approved monthly allowances of the period's months (person-times and their sum);
    dossiers received in the period; dossiers approved or rejected in the period."""
    return _meritorious(area, period)[None]


def _social_protection(area: ReportArea, period: Period, *, by_commune: bool = False) -> dict[int | None, dict]:
    entitled = rows_by_commune(
        Beneficiary.objects.filter(
            Q(end_on__isnull=True) | Q(end_on__gte=period.end),
            programme=Programme.SOCIAL,
            start_on__lte=period.end,
        ),
        area=area,
        by_commune=by_commune,
        count=Count("pk"),
    )
    payments = _approved_monthly(area, period, Programme.SOCIAL, by_commune=by_commune)
    none = {"count": 0, "amount": 0}
    return {
        code: {
            "beneficiaries": (entitled.get(code) or [{}])[0].get("count") or 0,
            "payments": payments.get(code, none)["count"],
            "amount_vnd": payments.get(code, none)["amount"],
        }
        for code in entitled.keys() | payments.keys()
    }


def social_protection_communes(province: ReportArea, period: Period, communes: list[int]) -> dict[int, dict]:
    figures = _social_protection(province, period, by_commune=True)
    empty = {"beneficiaries": 0, "payments": 0, "amount_vnd": 0}
    return {code: figures.get(code) or dict(empty) for code in communes}


@indicator("social_protection", order=70, communes=social_protection_communes)
def social_protection(area: ReportArea, period: Period) -> dict:
    """Beneficiaries entitled on the period's last day; approved monthly payments of the
    period's months and their sum (Decree 20/2021/NĐ-CP; the social pension included)."""
    return _social_protection(area, period)[None]
