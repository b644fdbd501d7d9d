"""The `meritorious` and `social_protection` keys of the half-year summary (contract.md,
"Half-year summary"). Only approved monthly payments count (one-off payments are recorded
apart and left out); reports count payments as person-times (lượt người) and sum them."""

from django.db.models import Count, Q, Sum

from welfare.reports.periods import Period, ReportArea
from welfare.reports.registry import indicator

from .models import Beneficiary, Dossier, DossierStatus, Payment, PaymentKind, PaymentStatus, Programme, month_start


def _approved_monthly(area: ReportArea, period: Period, programme: str) -> dict:
    figures = Payment.objects.filter(
        area.records_q("beneficiary__commune"),
        beneficiary__programme=programme,
        kind=PaymentKind.MONTHLY,
        status=PaymentStatus.APPROVED,
        # A payment's month is stored as its first day: the months of the period.
        month__range=(month_start(period.start), month_start(period.end)),
    ).aggregate(count=Count("pk"), amount=Sum("amount_vnd"))
    return {"count": figures["count"], "amount": figures["amount"] or 0}


@indicator("meritorious", order=60)
def meritorious(area: ReportArea, period: Period) -> dict:
    """Approved monthly allowances of the period's months (person-times and their sum);
    dossiers received in the period; dossiers approved or rejected in the period."""
    payments = _approved_monthly(area, period, Programme.MERIT)
    dossiers = Dossier.objects.filter(area.records_q("commune")).aggregate(
        received=Count("pk", filter=Q(received_on__range=(period.start, period.end))),
        resolved=Count(
            "pk",
            filter=Q(
                status__in=(DossierStatus.APPROVED, DossierStatus.REJECTED),
                decided_on__range=(period.start, period.end),
            ),
        ),
    )
    return {
        "allowance_payments": payments["count"],
        "allowance_amount_vnd": payments["amount"],
        "dossiers_received": dossiers["received"],
        "dossiers_resolved": dossiers["resolved"],
    }


@indicator("social_protection", order=70)
def social_protection(area: ReportArea, period: Period) -> dict:
    """Beneficiaries entitled on the period's last day; approved monthly payments of the
    period's months and their sum (Decree 20/2021/NĐ-CP; the social pension included)."""
    entitled = Beneficiary.objects.filter(
        area.records_q("commune"),
        Q(end_on__isnull=True) | Q(end_on__gte=period.end),
        programme=Programme.SOCIAL,
        start_on__lte=period.end,
    ).count()
    payments = _approved_monthly(area, period, Programme.SOCIAL)
    return {"beneficiaries": entitled, "payments": payments["count"], "amount_vnd": payments["amount"]}
