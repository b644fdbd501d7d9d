"""Employment-fund loans' pages: the list (filters, accent-free search, totals, warnings),
recording against each cap of Decree 61/2015 as amended by Decree 74/2019 (refused on the right
field, nothing saved), changing (stale versions refused), the page of one loan, the export and
scoping."""

import datetime as dt
import html
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from employment.models import Loan
from tests.factories import CHI_LANG, HUU_LUNG, LoanFactory, PersonFactory, head, officer

pytestmark = pytest.mark.django_db


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


LOAN = {
    "code": "HL-VV-2024-001",
    "commune": HUU_LUNG,
    "borrower_type": "individual",
    "borrower_name": "Hoàng  Văn Thắng",
    "borrower_id_number": "",
    "purpose": "Chăn nuôi lợn nái",
    "amount_vnd": "100.000.000",
    "term_months": "60",
    "disbursed_on": "10/05/2024",
    "jobs": "1",
    "collateral": "",
    "monthly_rate_percent": "",
    "repayment_status": "current",
    "repaid_on": "",
    "note": "",
}


def field_errors(response, name: str) -> str:
    return " ".join(str(e) for e in response.context["form"].errors.get(name, []))


# --- Recording ----------------------------------------------------------------------------------


def test_the_form_shows_the_caps_and_the_rate_in_force(client, login):
    login(officer(HUU_LUNG))
    text = page(client, reverse("loan_create"))
    assert 'data-testid="caps"' in text
    assert 'data-borrower-type="individual"' in text and 'data-borrower-type="business"' in text
    assert "100.000.000 đ" in text and "2.000.000.000 đ" in text
    assert "Nghị định 74/2019/NĐ-CP" in text
    assert 'data-testid="rate-value"' in text and "0,66%" in text


def test_a_valid_loan_is_saved_with_its_history_and_the_rate_in_force(client, login):
    user = officer(HUU_LUNG)
    login(user)
    response = client.post(reverse("loan_create"), LOAN)
    loan = Loan.objects.get()
    assert response.status_code == 302 and response.url == reverse("loan_detail", args=[loan.pk])
    assert loan.borrower_name == "Hoàng Văn Thắng" and loan.amount_vnd == 100_000_000
    assert loan.monthly_rate_percent == Decimal("0.660")  # empty: the rate in force on 10/05/2024
    assert loan.history.get().history_user == user
    text = page(client, reverse("loan_detail", args=[loan.pk]))
    assert "HL-VV-2024-001" in text and "100.000.000 đ" in text and "10/05/2029" in text
    assert user.display_name in text  # the history says who recorded it


@pytest.mark.parametrize(
    "change, field, shown",
    [
        # A worker: at most 100 million.
        ({"amount_vnd": "100.000.001"}, "amount_vnd", "100.000.000 đ"),
        # A business: at most 2 billion a project ...
        (
            {"borrower_type": "business", "amount_vnd": "2.000.000.001", "jobs": "25", "collateral": "Nhà xưởng"},
            "amount_vnd",
            "2.000.000.000 đ",
        ),
        # ... and 100 million per job: 3 jobs allow 300 million.
        (
            {"borrower_type": "household_business", "amount_vnd": "300.000.001", "jobs": "3", "collateral": "Đất"},
            "amount_vnd",
            "300.000.000 đ",
        ),
        # Every loan at most 120 months.
        ({"term_months": "121"}, "term_months", "120"),
        # A business's loan of 100 million or more needs collateral.
        ({"borrower_type": "cooperative", "amount_vnd": "100.000.000"}, "collateral", "100.000.000 đ"),
        # Refused by the service's other rules, also on their field.
        ({"disbursed_on": (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")}, "disbursed_on", ""),
        ({"repayment_status": "repaid"}, "repaid_on", ""),
        ({"amount_vnd": "0"}, "amount_vnd", ""),
    ],
)
def test_a_loan_above_a_cap_is_refused_on_its_field_and_nothing_is_saved(client, login, change, field, shown):
    login(officer(HUU_LUNG))
    response = client.post(reverse("loan_create"), {**LOAN, **change})
    assert response.status_code == 200
    message = field_errors(response, field)
    assert message and shown in message
    assert f'id="error_1_id_{field}"' in response.content.decode()  # shown under the field
    assert not Loan.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"amount_vnd": "100.000.000", "term_months": "120"},
        {"borrower_type": "business", "amount_vnd": "2.000.000.000", "jobs": "20", "collateral": "Nhà xưởng"},
        {"borrower_type": "household_business", "amount_vnd": "99.999.999", "jobs": "1"},  # no collateral yet
    ],
)
def test_a_loan_at_a_cap_is_saved(client, login, change):
    login(officer(HUU_LUNG))
    assert client.post(reverse("loan_create"), {**LOAN, **change}).status_code == 302
    assert Loan.objects.count() == 1


def test_a_duplicate_code_is_refused_on_the_code(client, login):
    LoanFactory(code=LOAN["code"])
    login(officer(HUU_LUNG))
    response = client.post(reverse("loan_create"), LOAN)
    assert response.status_code == 200 and field_errors(response, "code")
    assert Loan.objects.count() == 1


def test_a_citizen_id_links_the_borrower_to_the_person(client, login):
    person = PersonFactory(full_name="Hoàng Văn Thắng", id_number="020078001234")
    login(officer(HUU_LUNG))
    assert client.post(reverse("loan_create"), {**LOAN, "borrower_id_number": "020078001234"}).status_code == 302
    loan = Loan.objects.get()
    assert loan.person == person
    text = page(client, reverse("loan_detail", args=[loan.pk]))
    assert reverse("person_detail", args=[person.pk]) in text


# --- Changing -----------------------------------------------------------------------------------


def test_changing_keeps_code_and_commune_and_counts_the_version(client, login):
    loan = LoanFactory(code="HL-VV-1", amount_vnd=50_000_000, monthly_rate_percent=Decimal("0.5"))
    login(officer(HUU_LUNG, CHI_LANG))
    text = page(client, reverse("loan_edit", args=[loan.pk]))
    assert 'value="50.000.000"' in text and 'value="0,5"' in text
    data = {
        **LOAN,
        "code": "OTHER",
        "commune": CHI_LANG,
        "amount_vnd": "60.000.000",
        "disbursed_on": "15/03/2022",
        "monthly_rate_percent": "0,5",
        "version": loan.version,
    }
    response = client.post(reverse("loan_edit", args=[loan.pk]), data)
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.code == "HL-VV-1" and loan.commune_id == HUU_LUNG
    assert loan.amount_vnd == 60_000_000 and loan.version == 2
    assert loan.monthly_rate_percent == Decimal("0.5")
    text = page(client, reverse("loan_detail", args=[loan.pk]))
    assert 'data-testid="history"' in text and "60.000.000 đ" in text


def test_a_stale_version_is_refused(client, login):
    loan = LoanFactory(amount_vnd=50_000_000)
    login(officer(HUU_LUNG))
    url = reverse("loan_edit", args=[loan.pk])
    first = {**LOAN, "code": loan.code, "disbursed_on": "15/03/2022", "version": 1}
    assert client.post(url, {**first, "amount_vnd": "60.000.000"}).status_code == 302
    response = client.post(url, {**first, "amount_vnd": "70.000.000"})  # opened before the first save
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    loan.refresh_from_db()
    assert loan.amount_vnd == 60_000_000 and loan.version == 2


def test_an_edit_above_the_cap_is_refused(client, login):
    loan = LoanFactory(amount_vnd=50_000_000)
    login(officer(HUU_LUNG))
    data = {**LOAN, "code": loan.code, "disbursed_on": "15/03/2022", "amount_vnd": "100.000.001", "version": 1}
    response = client.post(reverse("loan_edit", args=[loan.pk]), data)
    assert response.status_code == 200 and "100.000.000 đ" in field_errors(response, "amount_vnd")
    loan.refresh_from_db()
    assert loan.amount_vnd == 50_000_000 and loan.version == 1


# --- The list -----------------------------------------------------------------------------------


def test_the_list_filters_searches_and_totals(client, login):
    LoanFactory(code="VV-A", borrower_name="Đặng Văn Đức", amount_vnd=40_000_000, jobs=1,
                disbursed_on=dt.date(2021, 9, 1), borrower_id_number="020090001234")
    LoanFactory(code="VV-B", borrower_name="Hộ kinh doanh Lý Mai", borrower_type="household_business",
                amount_vnd=300_000_000, jobs=4, collateral="Đất", disbursed_on=dt.date(2022, 2, 1),
                repayment_status="overdue")
    LoanFactory(code="VV-C", borrower_name="Người Chi Lăng", commune_id=CHI_LANG, amount_vnd=90_000_000)
    login(officer(HUU_LUNG))
    url = reverse("loan_list")
    text = page(client, url)
    assert "Người Chi Lăng" not in text and "VV-C" not in text
    assert "340.000.000 đ" in text and "90.000.000" not in text
    assert 'data-status="overdue"' in text
    text = page(client, url, q="dang van duc")
    assert "Đặng Văn Đức" in text and "Lý Mai" not in text
    text = page(client, url, q="vv-b")
    assert "Lý Mai" in text and "Đặng Văn Đức" not in text
    text = page(client, url, q="020090001234")
    assert "Đặng Văn Đức" in text and "Lý Mai" not in text
    text = page(client, url, borrower_type="household_business")
    assert "Lý Mai" in text and "Đặng Văn Đức" not in text
    text = page(client, url, repayment_status="overdue")
    assert "Lý Mai" in text and "Đặng Văn Đức" not in text
    text = page(client, url, year=2021)
    assert "Đặng Văn Đức" in text and "Lý Mai" not in text
    response = client.get(url, {"year": 2022})
    assert response.context["totals"] == {"count": 1, "amount": 300_000_000, "jobs": 4}


def test_the_list_warns_of_a_loan_past_its_term_and_of_missing_collateral(client, login):
    today = timezone.localdate()
    LoanFactory(code="VV-LATE", disbursed_on=today.replace(year=today.year - 4), term_months=36)
    LoanFactory(code="VV-DONE", disbursed_on=today.replace(year=today.year - 4), term_months=36,
                repayment_status="repaid", repaid_on=today.replace(year=today.year - 1))
    # As an import leaves it: a business's loan from 100 million without collateral.
    LoanFactory(code="VV-NOCOLL", borrower_type="business", amount_vnd=100_000_000, jobs=1, term_months=None)
    LoanFactory(code="VV-SMALL", borrower_type="business", amount_vnd=99_999_999, jobs=1, term_months=None)
    login(officer(HUU_LUNG))
    response = client.get(reverse("loan_list"))
    rows = {loan.code: loan for loan in response.context["object_list"]}
    assert rows["VV-LATE"].past_due and not rows["VV-DONE"].past_due
    assert rows["VV-NOCOLL"].collateral_missing and not rows["VV-SMALL"].collateral_missing
    assert not rows["VV-LATE"].collateral_missing  # a worker's loan needs none
    text = response.content.decode()
    assert text.count('data-testid="past-due"') == 1
    assert text.count('data-testid="collateral-missing"') == 1
    detail = page(client, reverse("loan_detail", args=[rows["VV-NOCOLL"].pk]))
    assert 'data-testid="collateral-warning"' in detail and 'data-testid="past-due-warning"' not in detail
    detail = page(client, reverse("loan_detail", args=[rows["VV-LATE"].pk]))
    assert 'data-testid="past-due-warning"' in detail


def test_the_list_pages_by_fifty(client, login):
    LoanFactory.create_batch(51)
    login(officer(HUU_LUNG))
    response = client.get(reverse("loan_list"))
    assert len(response.context["object_list"]) == 50 and response.context["totals"]["count"] == 51
    assert len(client.get(reverse("loan_list"), {"page": 2}).context["object_list"]) == 1


# --- Scoping ------------------------------------------------------------------------------------


def test_another_communes_loan_is_not_found(client, login):
    other = LoanFactory(commune_id=CHI_LANG, borrower_name="Người Chi Lăng")
    login(officer(HUU_LUNG))
    assert client.get(reverse("loan_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("loan_edit", args=[other.pk])).status_code == 404
    data = {**LOAN, "code": other.code, "disbursed_on": "15/03/2022", "version": 1, "amount_vnd": "1.000.000"}
    assert client.post(reverse("loan_edit", args=[other.pk]), data).status_code == 404
    assert "Người Chi Lăng" not in page(client, reverse("loan_list"))
    # Nor can a loan be recorded in another commune.
    response = client.post(reverse("loan_create"), {**LOAN, "commune": CHI_LANG})
    assert response.status_code == 200 and field_errors(response, "commune")
    other.refresh_from_db()
    assert other.amount_vnd == 50_000_000 and Loan.objects.count() == 1


def test_heads_read_the_province_but_do_not_record_or_change(client, login):
    mine = LoanFactory(borrower_name="Người Hữu Lũng")
    LoanFactory(borrower_name="Người Chi Lăng", commune_id=CHI_LANG)
    login(head())
    text = page(client, reverse("loan_list"))
    assert "Người Hữu Lũng" in text and "Người Chi Lăng" in text
    assert 'data-testid="record-loan"' not in text
    text = page(client, reverse("loan_detail", args=[mine.pk]))
    assert 'data-testid="edit"' not in text
    assert client.get(reverse("loan_create")).status_code == 403
    assert client.get(reverse("loan_edit", args=[mine.pk])).status_code == 403
    assert client.post(reverse("loan_create"), LOAN).status_code == 403
    assert Loan.objects.count() == 2


def test_a_person_of_another_commune_is_named_but_not_linked(client, login):
    stranger = PersonFactory(commune_id=CHI_LANG)
    loan = LoanFactory(person=stranger, borrower_id_number=stranger.id_number or "")
    login(officer(HUU_LUNG))
    text = page(client, reverse("loan_detail", args=[loan.pk]))
    assert reverse("person_detail", args=[stranger.pk]) not in text


# --- Export -------------------------------------------------------------------------------------


def test_export_follows_the_filters_and_the_scope(client, login, caplog):
    LoanFactory(code="VV-HOA", borrower_name="Nông Thị Hoa", amount_vnd=70_000_000, jobs=2,
                disbursed_on=dt.date(2023, 6, 1), term_months=24, monthly_rate_percent=Decimal("0.66"))
    LoanFactory(code="VV-OTHER", borrower_name="Lý Văn Nam")
    LoanFactory(code="VV-CL", borrower_name="Nông Thị Hoa Chi Lăng", commune_id=CHI_LANG)
    user = officer(HUU_LUNG)
    login(user)
    with caplog.at_level("INFO", logger="welfare.audit"):
        response = client.get(reverse("loan_export"), {"q": "hoa"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="vay-von-viec-lam-')
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == "VV-HOA" and row[2] == "Nông Thị Hoa" and row[7] == 70_000_000 and row[8] == 2
    assert row[9].date() == dt.date(2023, 6, 1) and row[11].date() == dt.date(2025, 6, 1)
    assert any(user.username in r.getMessage() for r in caplog.records)
    # Unfiltered: both of the officer's loans, never the other commune's.
    rows = list(load_workbook(BytesIO(client.get(reverse("loan_export")).content)).active.iter_rows(values_only=True))
    assert sorted(r[1] for r in rows[1:]) == ["VV-HOA", "VV-OTHER"]


def test_heads_export_the_province(client, login):
    LoanFactory(code="VV-HL")
    LoanFactory(code="VV-CL", commune_id=CHI_LANG)
    login(head())
    rows = list(load_workbook(BytesIO(client.get(reverse("loan_export")).content)).active.iter_rows(values_only=True))
    assert sorted(r[1] for r in rows[1:]) == ["VV-CL", "VV-HL"]
