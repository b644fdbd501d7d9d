"""The employment admin: loan limits and the lending rate edited with their history, loans checked
against the caps in force and saved through the services, placements and passes scoped and saved
through the services, a staff head reading their province only."""

import datetime as dt
import html

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone, translation

from employment.models import BorderPass, LendingRate, Loan, LoanLimit, Placement
from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    BorderPassFactory,
    LoanFactory,
    PlacementFactory,
    admin,
    head,
)

pytestmark = pytest.mark.django_db

MODELS = ["loanlimit", "lendingrate", "loan", "placement", "borderpass"]


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages and messages in the English source text, so that the assertions hold before and
    after the Vietnamese catalogue is merged."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def records():
    loan = LoanFactory(code="VV-00001", borrower_name="Nông Văn Dũng", amount_vnd=80_000_000)
    LoanFactory(code="VV-HN", commune_id=HA_NOI_COMMUNE, borrower_name="Người Hà Nội")
    placement = PlacementFactory(worker_name="Hoàng Thị Mai")
    PlacementFactory(worker_name="Người Ba Đình", commune_id=HA_NOI_COMMUNE)
    border_pass = BorderPassFactory(number="STH-0001", holder_name="Lương Văn Tài")
    BorderPassFactory(number="STH-HN", commune_id=HA_NOI_COMMUNE)
    return {"loan": loan, "placement": placement, "pass": border_pass}


LOAN = {
    "code": "VV-2024-01", "commune": HUU_LUNG, "borrower_type": "individual", "borrower_name": "Vi Văn Tám",
    "borrower_id_number": "", "purpose": "Trồng hồi", "amount_vnd": 100_000_001, "term_months": 60,
    "disbursed_on": "2024-03-01", "jobs": 1, "collateral": "", "monthly_rate_percent": "",
    "repayment_status": "current", "repaid_on": "", "note": "",
}


def test_every_changelist_add_and_change_page_opens_for_an_admin(login, records):
    client = login(admin())
    for model in MODELS:
        assert client.get(f"/admin/employment/{model}/").status_code == 200, model
        assert client.get(f"/admin/employment/{model}/add/").status_code == 200, model
    page = text(client.get("/admin/employment/loan/"))
    assert "VV-00001" in page and "80.000.000 đ" in page and "VV-HN" in page
    assert "Nông Văn Dũng" in text(client.get("/admin/employment/loan/", {"q": "nong van dung"}))
    page = text(client.get("/admin/employment/placement/", {"q": "HOANG THI MAI"}))
    assert "Hoàng Thị Mai" in page and "Người Ba Đình" not in page
    assert "STH-0001" in text(client.get("/admin/employment/borderpass/", {"q": "luong van tai"}))
    for model, obj in (("loan", records["loan"]), ("placement", records["placement"]),
                       ("borderpass", records["pass"])):
        assert client.get(f"/admin/employment/{model}/{obj.pk}/change/").status_code == 200, model
        assert client.get(f"/admin/employment/{model}/{obj.pk}/history/").status_code == 200, model
    # The loan's page names the caps it is checked against.
    page = text(client.get(f"/admin/employment/loan/{records['loan'].pk}/change/"))
    assert "at most 100.000.000 đ" in page and "Nghị định 74/2019/NĐ-CP" in page


def test_the_loan_limits_of_the_migration_are_listed_with_their_basis(login):
    client = login(admin())
    assert LoanLimit.objects.count() == 8 and LendingRate.objects.count() == 1
    page = text(client.get("/admin/employment/loanlimit/"))
    assert "8 employment-fund loan limits" in page
    assert "2.000.000.000 đ" in page and "100.000.000 đ" in page and "50.000.000 đ" in page
    # The legal source is on each row's page.
    row = LoanLimit.objects.get(borrower_type="individual", valid_to__isnull=True)
    assert "sửa đổi bởi Nghị định 74/2019/NĐ-CP" in text(client.get(f"/admin/employment/loanlimit/{row.pk}/change/"))
    # The rows read in secondary sources only are flagged and filterable.
    page = text(client.get("/admin/employment/loanlimit/", {"unverified__exact": "1"}))
    assert "4 employment-fund loan limits" in page and 'alt="False"' in page
    page = text(client.get("/admin/employment/lendingrate/"))
    assert "0,66" in page and "Ngân hàng Chính sách xã hội" in page
    rate = LendingRate.objects.get()
    assert "check it against the gazette" in text(client.get(f"/admin/employment/lendingrate/{rate.pk}/change/"))


def test_editing_a_loan_limit_keeps_its_history_and_moves_the_cap(login):
    client = login(admin())
    limit = LoanLimit.objects.get(borrower_type="individual", valid_to__isnull=True)
    before = limit.history.count()
    response = client.post(f"/admin/employment/loanlimit/{limit.pk}/change/", {
        "borrower_type": "individual", "max_amount_vnd": 150_000_000, "max_per_job_vnd": "",
        "max_term_months": 120, "collateral_from_vnd": "", "valid_from": "2019-11-10", "valid_to": "",
        "legal_basis": limit.legal_basis,
    })
    assert response.status_code == 302, text(response)[:3000]
    limit.refresh_from_db()
    assert limit.max_amount_vnd == 150_000_000 and limit.history.count() == before + 1
    # The admin's loan form now lets 100.000.001 through.
    assert client.post("/admin/employment/loan/add/", LOAN).status_code == 302
    assert Loan.objects.get(code="VV-2024-01").amount_vnd == 100_000_001


def test_a_loan_above_the_cap_is_refused_in_the_admin_form(login):
    client = login(admin())
    response = client.post("/admin/employment/loan/add/", LOAN)
    assert response.status_code == 200
    page = text(response)
    assert "Individual worker may borrow at most 100.000.000 đ" in page
    assert not Loan.objects.exists()
    # A business: 100 million per job, and collateral from 100 million.
    business = {**LOAN, "borrower_type": "business", "borrower_name": "HTX Chè Hữu Lũng", "amount_vnd": 300_000_000,
                "jobs": 2, "term_months": 121}
    page = text(client.post("/admin/employment/loan/add/", business))
    assert "2 jobs allow at most 200.000.000 đ" in page
    assert "The term may be at most 120 months" in page
    assert "needs collateral" in page
    assert not Loan.objects.exists()
    # At the cap, it is saved through the service (which sets the rate in force) with its history.
    response = client.post("/admin/employment/loan/add/", {**LOAN, "amount_vnd": 100_000_000})
    assert response.status_code == 302, text(response)[:3000]
    loan = Loan.objects.get()
    assert (loan.amount_vnd, str(loan.monthly_rate_percent), loan.history.count()) == (100_000_000, "0.660", 1)


def test_a_loan_change_is_a_versioned_update_checked_against_the_caps(login, records):
    client = login(admin())
    loan = records["loan"]
    url = f"/admin/employment/loan/{loan.pk}/change/"
    change = {**LOAN, "borrower_name": loan.borrower_name, "amount_vnd": 90_000_000, "disbursed_on": "2022-03-15",
              "term_months": 36, "expected_version": loan.version}
    change.pop("code")
    change.pop("commune")
    assert client.post(url, change).status_code == 302
    loan.refresh_from_db()
    assert (loan.amount_vnd, loan.version, loan.code, loan.commune_id) == (90_000_000, 2, "VV-00001", HUU_LUNG)
    response = client.post(url, {**change, "amount_vnd": 120_000_000, "expected_version": 2})
    assert response.status_code == 200 and "may borrow at most 100.000.000 đ" in text(response)
    # Repaid needs its date.
    response = client.post(url, {**change, "repayment_status": "repaid", "expected_version": 2})
    assert "Enter the date the loan was repaid." in text(response)
    # A stale form is refused, not saved over the newer version.
    client.post(url, {**change, "amount_vnd": 70_000_000, "expected_version": 1})
    loan.refresh_from_db()
    assert (loan.amount_vnd, loan.version) == (90_000_000, 2)


def test_placements_and_passes_saved_in_the_admin_go_through_the_services(login, records):
    client = login(admin())
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    placement = {"commune": HUU_LUNG, "worker_name": "Lộc Thị Hà", "worker_id_number": "",
                 "channel": "labour_export", "employer": "", "placed_on": future, "note": ""}
    assert "The date cannot be in the future." in text(client.post("/admin/employment/placement/add/", placement))
    assert client.post("/admin/employment/placement/add/", {**placement, "placed_on": "2024-05-02"}).status_code == 302
    added = Placement.objects.get(worker_name="Lộc Thị Hà")
    assert added.history.count() == 1
    response = client.post(f"/admin/employment/placement/{added.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Placement.objects.filter(pk=added.pk).exists()
    assert added.history.first().history_type == "-"
    border_pass = {"commune": CHI_LANG, "number": "STH-NEW", "holder_name": "Vi Thị Na", "holder_id_number": "",
                   "issued_on": "2025-06-01", "expires_on": "2025-06-01", "border_gate": "Cửa khẩu Chi Ma",
                   "workplace": "", "note": ""}
    page = text(client.post("/admin/employment/borderpass/add/", border_pass))
    assert "A pass expires after the day it is issued." in page
    page = text(client.post("/admin/employment/borderpass/add/", {**border_pass, "number": "STH-0001",
                                                                   "expires_on": "2026-06-01"}))
    assert "already exists" in page
    response = client.post("/admin/employment/borderpass/add/", {**border_pass, "expires_on": "2026-06-01"})
    assert response.status_code == 302, text(response)[:3000]
    assert BorderPass.objects.get(number="STH-NEW").history.count() == 1
    # The list flags a pass that has expired.
    page = text(client.get("/admin/employment/borderpass/", {"q": "STH-NEW"}))
    assert "01/06/2026" in page


def test_a_staff_head_sees_only_their_province(login, records):
    boss = head(LANG_SON, is_staff=True)
    boss.user_permissions.set(Permission.objects.filter(
        content_type__app_label="employment", codename__in=[f"view_{m}" for m in MODELS]
    ))
    client = login(boss)
    page = text(client.get("/admin/employment/loan/"))
    assert "VV-00001" in page and "VV-HN" not in page
    page = text(client.get("/admin/employment/placement/"))
    assert "Hoàng Thị Mai" in page and "Người Ba Đình" not in page
    page = text(client.get("/admin/employment/borderpass/"))
    assert "STH-0001" in page and "STH-HN" not in page
    hanoi = BorderPass.objects.get(number="STH-HN")
    assert client.get(f"/admin/employment/borderpass/{hanoi.pk}/change/").status_code == 302  # not found: back
    assert client.get(f"/admin/employment/borderpass/{hanoi.pk}/history/").status_code == 404
    # A head reads case records but does not edit them (edit_cases is the officers').
    assert client.get("/admin/employment/loan/add/").status_code == 403
    assert client.get("/admin/employment/loanlimit/").status_code == 200
