"""The caps of employment-fund loans and the lending rate (domain.md, "Employment").

Decree 74/2019/NĐ-CP (in force from 10/11/2019) amended Decree 61/2015/NĐ-CP: production and
business establishments (enterprises, cooperatives, cooperative groups, household businesses)
borrow up to 2 billion VND a project and 100 million per job created, maintained or expanded,
with collateral from 100 million; a worker up to 100 million; every loan at most 120 months.
The rows before it (Decree 61/2015 as first issued: a worker up to 50 million, collateral above
50 million) and the lending rate are read from secondary sources only: marked unverified.
Every row stays editable in the admin.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

D = dt.date
BUSINESS_TYPES = ("household_business", "business", "cooperative")
DECREE_61 = "Nghị định 61/2015/NĐ-CP, Điều 8, 9"
DECREE_74 = "Nghị định 61/2015/NĐ-CP, Điều 8, 9, sửa đổi bởi Nghị định 74/2019/NĐ-CP"
AMENDED_FROM = D(2019, 11, 10)


def load(apps, schema_editor):
    Limit = apps.get_model("employment", "LoanLimit")
    Rate = apps.get_model("employment", "LendingRate")
    for borrower_type in BUSINESS_TYPES:
        Limit.objects.update_or_create(
            borrower_type=borrower_type,
            valid_from=D(2015, 9, 1),
            defaults={
                "valid_to": AMENDED_FROM - dt.timedelta(days=1),
                "max_amount_vnd": 2_000_000_000,
                "max_per_job_vnd": 100_000_000,
                "max_term_months": 120,
                "collateral_from_vnd": 50_000_001,
                "legal_basis": DECREE_61,
                "unverified": True,
            },
        )
        Limit.objects.update_or_create(
            borrower_type=borrower_type,
            valid_from=AMENDED_FROM,
            defaults={
                "max_amount_vnd": 2_000_000_000,
                "max_per_job_vnd": 100_000_000,
                "max_term_months": 120,
                "collateral_from_vnd": 100_000_000,
                "legal_basis": DECREE_74,
            },
        )
    Limit.objects.update_or_create(
        borrower_type="individual",
        valid_from=D(2015, 9, 1),
        defaults={
            "valid_to": AMENDED_FROM - dt.timedelta(days=1),
            "max_amount_vnd": 50_000_000,
            "max_term_months": 120,
            "legal_basis": DECREE_61,
            "unverified": True,
        },
    )
    Limit.objects.update_or_create(
        borrower_type="individual",
        valid_from=AMENDED_FROM,
        defaults={"max_amount_vnd": 100_000_000, "max_term_months": 120, "legal_basis": DECREE_74},
    )
    Rate.objects.update_or_create(
        valid_from=AMENDED_FROM,
        defaults={
            "monthly_rate_percent": Decimal("0.660"),
            "legal_basis": "Lãi suất cho vay hộ cận nghèo của Ngân hàng Chính sách xã hội "
            "(Nghị định 74/2019/NĐ-CP, Điều 1)",
            "unverified": True,
        },
    )


def unload(apps, schema_editor):
    for name in ("LoanLimit", "LendingRate"):
        apps.get_model("employment", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("employment", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
