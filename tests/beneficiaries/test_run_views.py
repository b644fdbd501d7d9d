"""Payment-run pages: the list by scope, building through the form (eager Celery), the head's
review and approval, the lock, the stale approval, the export, payments outside runs."""

import datetime as dt
import html
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from beneficiaries import services
from beneficiaries.models import Payment, PaymentRun, PaymentStatus
from tests.factories import CHI_LANG, HUU_LUNG, LANG_SON, BeneficiaryFactory, head, officer
from welfare.areas.models import Commune
from welfare.core.models import Job

pytestmark = pytest.mark.django_db

JULY = dt.date(2024, 7, 1)


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def build(user, commune_code: int, month=JULY, programme="merit") -> PaymentRun:
    """A run built the way the job builds it (request, then the eager task at commit)."""
    commune = Commune.objects.get(code=commune_code)
    run, _ = PaymentRun.objects.get_or_create(
        programme=programme, province=commune.province, commune=commune, month=month
    )
    return services.payment_run_build(run_id=run.pk, user=user)


def test_an_officer_sees_only_the_runs_of_their_communes(client, login):
    clerk = officer(HUU_LUNG)
    BeneficiaryFactory(commune_id=HUU_LUNG)
    BeneficiaryFactory(commune_id=CHI_LANG)
    own = build(clerk, HUU_LUNG)
    other = build(head(), CHI_LANG)
    province = PaymentRun.objects.create(programme="merit", province_id=LANG_SON, month=JULY)

    login(clerk)
    page = text_of(client.get("/beneficiaries/runs/"))
    assert "Xã Hữu Lũng" in page and "07/2024" in page and "3.667.000 đ" in page
    assert "Xã Chi Lăng" not in page
    assert f"/beneficiaries/runs/{other.pk}/" not in page
    assert f"/beneficiaries/runs/{province.pk}/" not in page
    assert client.get(f"/beneficiaries/runs/{other.pk}/").status_code == 404
    assert client.get(f"/beneficiaries/runs/{province.pk}/").status_code == 404
    assert client.get(f"/beneficiaries/runs/{other.pk}/export.xlsx").status_code == 404
    assert client.get(f"/beneficiaries/runs/{own.pk}/").status_code == 200

    # A head sees the province's runs, and filters them.
    login(head())
    page = text_of(client.get("/beneficiaries/runs/"))
    assert "Xã Hữu Lũng" in page and "Xã Chi Lăng" in page
    page = text_of(client.get("/beneficiaries/runs/", {"month": "2024-06"}))
    assert "Xã Hữu Lũng" not in page
    page = text_of(client.get("/beneficiaries/runs/", {"programme": "social_protection"}))
    assert "Xã Hữu Lũng" not in page


def test_building_through_the_form_pays_the_amount_of_the_schedule(
    client, login, django_capture_on_commit_callbacks
):
    invalid = BeneficiaryFactory(commune_id=HUU_LUNG, rate_percent=41)
    BeneficiaryFactory(commune_id=CHI_LANG)  # another commune: not in this list
    clerk = officer(HUU_LUNG)
    login(clerk)
    form = text_of(client.get("/beneficiaries/runs/new/"))
    assert 'type="month"' in form and "Xã Hữu Lũng" in form
    assert "Xã Chi Lăng" not in form and "p20" not in form  # a province is for heads only

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/beneficiaries/runs/new/",
            {"programme": "merit", "month": "2024-07", "area": f"c{HUU_LUNG}"},
        )
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    status = client.get(f"/jobs/{job.pk}/status/").json()
    run = PaymentRun.objects.get()
    assert status["state"] == "SUCCESS" and status["result_url"] == f"/beneficiaries/runs/{run.pk}/"

    payment = Payment.objects.get()
    assert (payment.beneficiary, payment.amount_vnd, payment.status) == (invalid, 3_667_000, "proposed")
    page = text_of(client.get(status["result_url"]))
    assert invalid.code in page and "3.667.000 đ" in page
    assert "approve-form" not in page  # an officer does not approve


def test_a_province_run_is_refused_to_an_officer(client, login):
    login(officer(HUU_LUNG))
    response = client.post(
        "/beneficiaries/runs/new/", {"programme": "merit", "month": "2024-07", "area": f"p{LANG_SON}"}
    )
    assert response.status_code == 200
    assert PaymentRun.objects.count() == 0 and Job.objects.count() == 0


def test_the_head_reviews_approves_and_the_run_is_locked(client, login, django_capture_on_commit_callbacks):
    BeneficiaryFactory(commune_id=HUU_LUNG, rate_percent=41)
    broken = BeneficiaryFactory(commune_id=HUU_LUNG, sub_case="standard", category="l", rate_percent=None)
    run = build(officer(HUU_LUNG), HUU_LUNG)
    assert run.problems, "a case without a schedule row is listed as not paid"
    boss = head()
    login(boss)
    page = text_of(client.get(f"/beneficiaries/runs/{run.pk}/"))
    assert "3.667.000 đ" in page and "3,7 triệu đồng" in page
    assert 'data-testid="problems"' in page and broken.code in page
    assert f"/beneficiaries/{broken.pk}/" in page
    assert 'data-testid="approve-form"' in page and f'name="version" value="{run.version}"' in page

    response = client.post(f"/beneficiaries/runs/{run.pk}/approve/", {"version": run.version})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "approved" and run.approved_by == boss
    assert set(run.payments.values_list("status", flat=True)) == {PaymentStatus.APPROVED}
    page = text_of(client.get(f"/beneficiaries/runs/{run.pk}/"))
    assert 'data-testid="locked"' in page and 'data-status="approved"' in page
    assert "approve-form" not in page and "rebuild-form" not in page

    # A rebuild of the approved month is refused with a message, from the page and the form.
    login(officer(HUU_LUNG))
    response = client.post(f"/beneficiaries/runs/{run.pk}/rebuild/", follow=True)
    assert vi("The run of %(month)s is approved: it is locked.") % {"month": "07/2024"} in text_of(response)
    response = client.post(
        "/beneficiaries/runs/new/", {"programme": "merit", "month": "2024-07", "area": f"c{HUU_LUNG}"}
    )
    assert vi("The run of %(month)s is approved: it is locked.") % {"month": "07/2024"} in text_of(response)
    assert Job.objects.count() == 0


def test_an_officer_cannot_approve(client, login):
    BeneficiaryFactory(commune_id=HUU_LUNG)
    clerk = officer(HUU_LUNG)
    run = build(clerk, HUU_LUNG)
    login(clerk)
    response = client.post(f"/beneficiaries/runs/{run.pk}/approve/", {"version": run.version})
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.status == "draft"


def test_an_approval_of_a_list_rebuilt_meanwhile_is_refused(client, login, django_capture_on_commit_callbacks):
    BeneficiaryFactory(commune_id=HUU_LUNG)
    clerk = officer(HUU_LUNG)
    run = build(clerk, HUU_LUNG)
    seen = run.version
    login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/beneficiaries/runs/{run.pk}/rebuild/")
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    run.refresh_from_db()
    assert run.version > seen

    login(head())
    response = client.post(f"/beneficiaries/runs/{run.pk}/approve/", {"version": seen}, follow=True)
    assert vi("The run was rebuilt after you opened it. Review the new list, then approve it.") in text_of(response)
    run.refresh_from_db()
    assert run.status == "draft"


def test_the_export_lists_the_payments_and_the_total(client, login, caplog):
    person_named = BeneficiaryFactory(commune_id=HUU_LUNG, person__full_name="=Hoàng Văn Thụ")
    run = build(officer(HUU_LUNG), HUU_LUNG)
    login(head(username="lanhdao"))
    with caplog.at_level("INFO", logger="welfare.audit"):
        response = client.get(f"/beneficiaries/runs/{run.pk}/export.xlsx")
    assert response.status_code == 200
    assert "chi-tra-merit-6385-2024-07.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == vi("Beneficiary code")
    assert rows[1][1] == person_named.code and rows[1][5] == 3_667_000
    assert rows[1][2] == "'=Hoàng Văn Thụ"  # a formula-like name is neutralised
    assert rows[-1][5] == 3_667_000
    assert any(r.getMessage().startswith("lanhdao downloaded_payment_run") for r in caplog.records)


def test_a_head_approves_pending_payments_and_officers_only_see_them(client, login):
    own = BeneficiaryFactory(commune_id=HUU_LUNG)
    clerk = officer(HUU_LUNG)
    gift = services.one_off_record(
        user=clerk, beneficiary=own, amount_vnd=300_000, reason="tet_gift", paid_on=None, month=dt.date(2024, 2, 1)
    )
    assert gift.status == "proposed"
    other = BeneficiaryFactory(commune_id=CHI_LANG)
    services.one_off_record(
        user=officer(CHI_LANG), beneficiary=other, amount_vnd=500_000, reason="tet_gift", paid_on=None,
        month=dt.date(2024, 2, 1),
    )

    login(clerk)
    page = text_of(client.get("/beneficiaries/payments/pending/"))
    assert own.code in page and "300.000 đ" in page and other.code not in page
    assert 'name="payments"' not in page
    assert client.post("/beneficiaries/payments/pending/", {"payments": [gift.pk]}).status_code == 403

    login(head())
    page = text_of(client.get("/beneficiaries/payments/pending/"))
    assert own.code in page and other.code in page and 'name="payments"' in page
    response = client.post("/beneficiaries/payments/pending/", {"payments": [gift.pk]}, follow=True)
    assert vi("%(count)s payments were approved.") % {"count": "1"} in text_of(response)
    gift.refresh_from_db()
    assert gift.status == "approved"
    assert Payment.objects.filter(status="proposed").count() == 1
    page = text_of(client.get("/beneficiaries/payments/pending/"))
    assert own.code not in page and other.code in page
