"""The rules of employment-fund loans, placements and passes (employment/services.py): each cap of
Decree 61/2015 as amended by Decree 74/2019 at its boundary, read from the LoanLimit rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from employment import services
from employment.models import BorderPass, LendingRate, Loan, LoanLimit, Placement
from tests.factories import CHI_LANG, HUU_LUNG, PersonFactory, head, officer

pytestmark = pytest.mark.django_db

DAY = dt.date(2022, 3, 15)


def loan(**overrides) -> dict:
    values = {
        "code": "VL-1", "commune_id": HUU_LUNG, "borrower_type": "individual", "borrower_name": "Hoàng Văn Lợi",
        "purpose": "Nuôi lợn", "amount_vnd": 50_000_000, "term_months": 36, "disbursed_on": DAY, "jobs": 1,
    }
    return {**values, **overrides}


def problems(**overrides) -> dict:
    values = loan(**overrides)
    return services.loan_problems(values, limit=services.loan_limit_for(values), today=dt.date(2026, 11, 29))


def test_the_migration_loads_the_caps_of_both_decrees_and_the_rate():
    in_force = services.limits_on(DAY)
    assert set(in_force) == {"individual", "household_business", "business", "cooperative"}
    assert in_force["individual"].max_amount_vnd == 100_000_000
    assert in_force["individual"].max_per_job_vnd is None
    assert in_force["business"].max_amount_vnd == 2_000_000_000
    assert in_force["business"].max_per_job_vnd == 100_000_000
    assert in_force["cooperative"].collateral_from_vnd == 100_000_000
    assert {row.max_term_months for row in in_force.values()} == {120}
    assert "74/2019" in in_force["business"].legal_basis
    assert services.limits_on(dt.date(2018, 5, 1))["individual"].max_amount_vnd == 50_000_000
    assert services.limits_on(dt.date(2015, 8, 31)) == {}
    assert LoanLimit.objects.count() == 8
    assert services.rate_on(DAY).monthly_rate_percent == LendingRate.objects.get().monthly_rate_percent


@pytest.mark.parametrize(
    ("amount", "refused"), [(100_000_000, False), (100_000_001, True), (1, False)]
)
def test_an_individual_borrows_at_most_100_million(amount, refused):
    assert ("amount_vnd" in problems(amount_vnd=amount)) is refused


def test_before_decree_74_an_individual_borrowed_at_most_50_million():
    assert "amount_vnd" in problems(amount_vnd=50_000_001, disbursed_on=dt.date(2019, 11, 9))
    assert problems(amount_vnd=50_000_000, disbursed_on=dt.date(2019, 11, 9)) == {}
    assert problems(amount_vnd=100_000_000, disbursed_on=dt.date(2019, 11, 10)) == {}


@pytest.mark.parametrize("kind", ["business", "cooperative", "household_business"])
def test_a_business_borrows_at_most_2_billion_a_project(kind):
    base = {"borrower_type": kind, "jobs": 25, "collateral": "Nhà xưởng"}
    assert problems(amount_vnd=2_000_000_000, **base) == {}
    assert "amount_vnd" in problems(amount_vnd=2_000_000_001, **base)


def test_a_business_borrows_at_most_100_million_per_job():
    base = {"borrower_type": "business", "collateral": "Nhà xưởng"}
    assert problems(amount_vnd=300_000_000, jobs=3, **base) == {}
    found = problems(amount_vnd=300_000_001, jobs=3, **base)
    assert "amount_vnd" in found and "300.000.000" in found["amount_vnd"]
    # An individual's loan is not capped by its jobs.
    assert problems(amount_vnd=100_000_000, jobs=1) == {}


def test_the_term_is_at_most_120_months():
    assert problems(term_months=120) == {}
    assert "term_months" in problems(term_months=121)
    assert problems(term_months=None) == {}
    assert "term_months" in problems(term_months=0)


def test_collateral_from_100_million_for_a_business():
    base = {"borrower_type": "household_business", "jobs": 2}
    assert problems(amount_vnd=99_999_999, **base) == {}
    assert "collateral" in problems(amount_vnd=100_000_000, **base)
    assert problems(amount_vnd=100_000_000, collateral="Sổ đỏ thửa 112", **base) == {}
    values = loan(amount_vnd=100_000_000, **base)
    assert services.loan_problems(values, limit=services.loan_limit_for(values), require_collateral=False) == {}


def test_jobs_dates_and_repayment():
    assert "jobs" in problems(jobs=0)
    assert "disbursed_on" in problems(disbursed_on=dt.date(2026, 11, 30))
    assert "disbursed_on" in problems(disbursed_on=dt.date(2015, 1, 5))  # no caps in force then
    assert "repaid_on" in problems(repayment_status="repaid")
    assert "repaid_on" in problems(repaid_on=dt.date(2023, 1, 1))
    assert "repaid_on" in problems(repayment_status="repaid", repaid_on=dt.date(2022, 3, 14))
    assert problems(repayment_status="repaid", repaid_on=dt.date(2022, 3, 15)) == {}


def test_a_new_cap_is_a_new_row_not_a_code_change():
    current = LoanLimit.objects.get(borrower_type="individual", valid_to__isnull=True)
    current.valid_to = dt.date(2025, 12, 31)
    current.save()
    LoanLimit.objects.create(borrower_type="individual", valid_from=dt.date(2026, 1, 1), max_amount_vnd=200_000_000,
                             max_term_months=120, legal_basis="Nghị định giả định")
    assert "amount_vnd" in problems(amount_vnd=150_000_000, disbursed_on=dt.date(2025, 12, 31))
    assert problems(amount_vnd=150_000_000, disbursed_on=dt.date(2026, 1, 1)) == {}


def test_recording_a_loan_refuses_and_saves_nothing_then_saves_with_history_and_rate():
    user = officer(HUU_LUNG)
    with pytest.raises(ValidationError) as refused:
        services.loan_record(user=user, values=loan(amount_vnd=100_000_001))
    assert "amount_vnd" in refused.value.message_dict
    assert Loan.objects.count() == 0
    saved = services.loan_record(user=user, values=loan(amount_vnd=100_000_000))
    assert saved.version == 1 and saved.monthly_rate_percent == services.rate_on(DAY).monthly_rate_percent
    with pytest.raises(ValidationError) as twice:
        services.loan_record(user=user, values=loan())
    assert "code" in twice.value.message_dict
    changed = services.loan_update(user=user, loan=saved, expected_version=1,
                                   changes={"repayment_status": "overdue", "code": "X", "commune_id": CHI_LANG})
    assert (changed.version, changed.repayment_status, changed.code, changed.commune_id) == (
        2, "overdue", "VL-1", HUU_LUNG)
    assert [h.history_type for h in changed.history.all()] == ["~", "+"]
    with pytest.raises(ValidationError):
        services.loan_update(user=user, loan=changed, expected_version=2, changes={"term_months": 121})
    assert Loan.objects.get().term_months == 36


def test_only_officers_of_the_commune_and_admins_write():
    with pytest.raises(PermissionDenied):
        services.loan_record(user=officer(CHI_LANG), values=loan())
    with pytest.raises(PermissionDenied):
        services.placement_record(user=head(), values={
            "commune_id": HUU_LUNG, "worker_name": "A", "channel": "other", "placed_on": DAY})
    assert not Loan.objects.exists() and not Placement.objects.exists()


def test_a_worker_typed_with_an_id_links_to_the_person_or_becomes_one():
    user = officer(HUU_LUNG)
    person = PersonFactory(full_name="Hoàng Văn Lợi", commune_id=HUU_LUNG, id_number="020090001234", sex="male",
                           birth_date=dt.date(1990, 1, 1))
    base = {"commune_id": HUU_LUNG, "channel": "industrial_zone_outside_province", "placed_on": DAY}
    linked = services.placement_record(user=user, values={**base, "worker_name": "Hoàng  Văn Lợi",
                                                          "worker_id_number": "020090001234"})
    assert linked.person == person
    with pytest.raises(ValidationError) as other_name:
        services.placement_record(user=user, values={**base, "worker_name": "Nông Thị Hoa",
                                                     "worker_id_number": "020090001234"})
    assert "id_number" in other_name.value.message_dict or "worker_id_number" in other_name.value.message_dict
    new = services.placement_record(user=user, values={**base, "worker_name": "Nông Thị Hoa",
                                                       "worker_id_number": "020190004321"})
    assert new.person.full_name == "Nông Thị Hoa" and new.person.commune_id == HUU_LUNG
    named = services.placement_record(user=user, values={**base, "worker_name": "Lăng Văn Sáu"})
    assert named.person is None
    with pytest.raises(ValidationError) as future:
        services.placement_record(user=user, values={**base, "worker_name": "A", "placed_on": dt.date(2099, 1, 1)})
    assert "placed_on" in future.value.message_dict
    pk = named.pk
    services.placement_delete(user=user, placement=named)
    assert not Placement.objects.filter(pk=pk).exists()
    assert Placement.history.filter(id=pk, history_type="-").get().history_user == user


def test_a_pass_expires_after_issue_and_its_number_is_unique():
    user = officer(HUU_LUNG)
    values = {"commune_id": HUU_LUNG, "number": "STH-1", "holder_name": "Mông Văn Quang", "issued_on": DAY,
              "expires_on": DAY, "border_gate": "Cửa khẩu Tân Thanh"}
    with pytest.raises(ValidationError) as same_day:
        services.border_pass_record(user=user, values=values)
    assert "expires_on" in same_day.value.message_dict
    saved = services.border_pass_record(user=user, values={**values, "expires_on": DAY + dt.timedelta(days=1)})
    with pytest.raises(ValidationError) as twice:
        services.border_pass_record(user=user, values={**values, "expires_on": DAY + dt.timedelta(days=1)})
    assert "number" in twice.value.message_dict
    other = services.border_pass_record(user=user, values={**values, "number": "STH-2",
                                                           "expires_on": DAY + dt.timedelta(days=9)})
    with pytest.raises(ValidationError):
        services.border_pass_update(user=user, border_pass=other, expected_version=1, changes={"number": "STH-1"})
    assert BorderPass.objects.get(pk=saved.pk).number == "STH-1"


def test_due_date_and_past_due():
    item = Loan(disbursed_on=dt.date(2021, 8, 31), term_months=6, repayment_status="current")
    assert item.due_on == dt.date(2022, 2, 28)
    assert item.past_due
    assert Loan(disbursed_on=dt.date(2026, 1, 31), term_months=120).due_on == dt.date(2036, 1, 31)
    assert Loan(disbursed_on=dt.date(2021, 8, 31), term_months=None).due_on is None
    assert not Loan(disbursed_on=dt.date(2021, 8, 31), term_months=6, repayment_status="overdue").past_due


def test_the_history_writes_amounts_and_rates_as_the_users_read_them():
    from welfare.households.selectors import history_entries

    user = officer(HUU_LUNG)
    saved = services.loan_record(user=user, values=loan(amount_vnd=50_000_000))
    services.loan_update(user=user, loan=saved, expected_version=1,
                         changes={"amount_vnd": 60_000_000, "monthly_rate_percent": Decimal("0.5")})
    changes = {label: (old, new) for entry in history_entries(saved.history.all(), subject=lambda record: "")
               for label, old, new in entry.changes}
    assert ("50.000.000 đ", "60.000.000 đ") in changes.values()
    assert ("0,66", "0,5") in changes.values()


def test_an_emptied_rate_is_the_one_in_force_on_the_disbursement():
    user = officer(HUU_LUNG)
    saved = services.loan_record(user=user, values=loan(monthly_rate_percent=Decimal("0.5")))
    assert saved.monthly_rate_percent == Decimal("0.5")
    changed = services.loan_update(user=user, loan=saved, expected_version=1, changes={"monthly_rate_percent": None})
    assert changed.monthly_rate_percent == services.rate_on(DAY).monthly_rate_percent


def test_two_rows_of_a_kind_are_never_in_force_on_the_same_day():
    current = LoanLimit.objects.get(borrower_type="individual", valid_to__isnull=True)
    overlapping = LoanLimit(borrower_type="individual", valid_from=dt.date(2026, 1, 1), max_amount_vnd=200_000_000,
                            max_term_months=120, legal_basis="Nghị định giả định")
    with pytest.raises(ValidationError) as refused:
        overlapping.full_clean()
    assert "valid_from" in refused.value.message_dict
    current.valid_to = dt.date(2025, 12, 31)
    current.full_clean()
    current.save()
    overlapping.full_clean()  # starts after the previous row ends
    LoanLimit(borrower_type="business", valid_from=dt.date(2026, 1, 1), max_amount_vnd=1, max_term_months=1,
              legal_basis="x", valid_to=dt.date(2026, 12, 31))  # another type: no conflict
    rate = LendingRate(valid_from=dt.date(2024, 1, 1), monthly_rate_percent=Decimal("0.7"), legal_basis="x")
    with pytest.raises(ValidationError):
        rate.full_clean()
    LendingRate(valid_from=dt.date(2018, 1, 1), valid_to=dt.date(2019, 11, 9), monthly_rate_percent=Decimal("0.7"),
                legal_basis="x").full_clean()
