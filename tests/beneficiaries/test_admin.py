"""The beneficiaries admin: reference rows edited with their history, case records saved
through the services, payment runs read and approved, an approved run locked."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from beneficiaries import services
from beneficiaries.models import (
    AllowanceRate,
    Beneficiary,
    Dossier,
    DossierTimeLimit,
    Payment,
    PaymentRun,
    StandardLevel,
)
from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    BeneficiaryFactory,
    DossierFactory,
    PersonFactory,
    SocialBeneficiaryFactory,
    admin,
    head,
)

pytestmark = pytest.mark.django_db

MODELS = ["standardlevel", "allowancerate", "socialcoefficient", "dossiertimelimit", "beneficiary",
          "paymentrun", "payment", "dossier"]


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages and messages in the English source text, so that the assertions hold before and
    after the Vietnamese catalogue is merged."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def built_run(month=dt.date(2024, 7, 1), commune=HUU_LUNG) -> PaymentRun:
    run = PaymentRun.objects.create(programme="merit", province_id=LANG_SON, commune_id=commune, month=month)
    return services.payment_run_build(run_id=run.pk)


@pytest.fixture
def cases():
    invalid = BeneficiaryFactory(code="NCC-001", person=PersonFactory(full_name="Nguyễn Văn Hùng"))
    BeneficiaryFactory(code="NCC-HN", commune_id=HA_NOI_COMMUNE,
                       person=PersonFactory(full_name="Trần Văn Cường", commune_id=HA_NOI_COMMUNE))
    SocialBeneficiaryFactory(code="BTXH-001", commune_id=CHI_LANG)
    DossierFactory(code="HS-001", applicant_name="Vi Thị Tám")
    run = built_run()
    return {"invalid": invalid, "run": run}


def test_every_changelist_and_add_page_opens_for_an_admin(login, cases):
    client = login(admin())
    for model in MODELS:
        response = client.get(f"/admin/beneficiaries/{model}/")
        assert response.status_code == 200, model
    html = client.get("/admin/beneficiaries/beneficiary/").content.decode()
    assert "NCC-001" in html and "Nguyễn Văn Hùng" in html and "BTXH-001" in html
    assert "3.667.000 đ" in client.get("/admin/beneficiaries/paymentrun/").content.decode()
    for model in ["standardlevel", "allowancerate", "socialcoefficient", "dossiertimelimit",
                  "beneficiary", "dossier"]:
        assert client.get(f"/admin/beneficiaries/{model}/add/").status_code == 200, model
    # Nobody adds a payment run or a payment by hand: jobs and services write them.
    assert client.get("/admin/beneficiaries/paymentrun/add/").status_code == 403
    assert client.get("/admin/beneficiaries/payment/add/").status_code == 403
    assert client.get(f"/admin/beneficiaries/beneficiary/{cases['invalid'].pk}/change/").status_code == 200
    # Accent-insensitive search.
    html = client.get("/admin/beneficiaries/beneficiary/", {"q": "nguyen van hung"}).content.decode()
    assert "NCC-001" in html and "BTXH-001" not in html


def test_unverified_reference_rows_are_flagged_and_filterable(login):
    client = login(admin())
    row = AllowanceRate.objects.filter(unverified=True).first() or AllowanceRate.objects.first()
    row.unverified = True
    row.save()
    html = client.get("/admin/beneficiaries/allowancerate/", {"unverified__exact": "1"}).content.decode()
    assert 'alt="False"' in html  # "checked against the gazette": no
    page = client.get(f"/admin/beneficiaries/allowancerate/{row.pk}/change/").content.decode()
    assert "check it against the gazette" in page


def test_editing_a_reference_row_keeps_its_history(login):
    client = login(admin())
    level = StandardLevel.objects.get(kind="merit", valid_from=dt.date(2024, 7, 1))
    before = level.history.count()
    response = client.post(
        f"/admin/beneficiaries/standardlevel/{level.pk}/change/",
        {
            "kind": "merit", "amount_vnd": 2_789_001, "valid_from": "2024-07-01", "valid_to": "",
            "legal_basis": level.legal_basis, "unverified": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    level.refresh_from_db()
    assert level.amount_vnd == 2_789_001 and level.unverified
    assert level.history.count() == before + 1
    assert level.history.first().amount_vnd == 2_789_001
    history = client.get(f"/admin/beneficiaries/standardlevel/{level.pk}/history/").content.decode()
    assert "2789001" in history.replace(".", "").replace(",", "") or "2789001" in history
    limit = DossierTimeLimit.objects.get(kind="recognition")
    assert client.get(f"/admin/beneficiaries/dossiertimelimit/{limit.pk}/history/").status_code == 200


def test_an_approved_run_and_its_payments_are_read_only(login, cases):
    client = login(admin())
    run = cases["run"]
    services.payment_run_approve(user=admin(), run=run, expected_version=run.version)
    page = client.get(f"/admin/beneficiaries/paymentrun/{run.pk}/change/").content.decode()
    assert "NCC-001" in page  # the payments inline
    assert 'name="_save"' not in page and 'name="payments-0-amount_vnd"' not in page
    response = client.post(f"/admin/beneficiaries/paymentrun/{run.pk}/change/", {"status": "draft"})
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.status == "approved"
    payment = run.payments.get()
    page = client.get(f"/admin/beneficiaries/payment/{payment.pk}/change/").content.decode()
    assert 'name="_save"' not in page and 'name="amount_vnd"' not in page
    assert client.post(f"/admin/beneficiaries/payment/{payment.pk}/change/",
                       {"amount_vnd": 1}).status_code == 403
    assert client.post(f"/admin/beneficiaries/payment/{payment.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/beneficiaries/paymentrun/{run.pk}/delete/", {"post": "yes"}).status_code == 403
    payment.refresh_from_db()
    assert payment.amount_vnd == 3_667_000


def test_a_head_approves_selected_runs_with_the_action(login, cases):
    boss = head(LANG_SON, is_staff=True)
    boss.user_permissions.set(Permission.objects.filter(
        content_type__app_label="beneficiaries", codename__in=["view_paymentrun", "view_payment"]
    ))
    client = login(boss)
    other = built_run(month=dt.date(2024, 6, 1))
    response = client.post("/admin/beneficiaries/paymentrun/", {
        "action": "approve", "_selected_action": [cases["run"].pk, other.pk],
    }, follow=True)
    assert "2 payment runs approved." in response.content.decode()
    assert set(PaymentRun.objects.values_list("status", flat=True)) == {"approved"}
    assert set(Payment.objects.values_list("status", flat=True)) == {"approved"}
    # Once approved, the run is refused with why.
    response = client.post("/admin/beneficiaries/paymentrun/", {
        "action": "approve", "_selected_action": [other.pk],
    }, follow=True)
    assert "This run is already approved." in response.content.decode()


def test_a_staff_head_sees_only_their_province(login, cases):
    boss = head(LANG_SON, is_staff=True)
    boss.user_permissions.set(Permission.objects.filter(
        content_type__app_label="beneficiaries", codename__in=[f"view_{m}" for m in MODELS]
    ))
    client = login(boss)
    html = client.get("/admin/beneficiaries/beneficiary/").content.decode()
    assert "NCC-001" in html and "NCC-HN" not in html
    # A head reads beneficiaries but does not edit them (edit_cases is the officers').
    assert client.get("/admin/beneficiaries/beneficiary/add/").status_code == 403


def test_a_beneficiary_saved_in_the_admin_goes_through_the_service(login):
    client = login(admin())
    person = PersonFactory(full_name="Hoàng Thị Lan")
    data = {
        "programme": "merit", "code": "NCC-100", "person": person.pk, "commune": HUU_LUNG,
        "category": "c", "relation": "self", "sub_case": "standard", "start_on": "2024-01-01",
        "payments-TOTAL_FORMS": 0, "payments-INITIAL_FORMS": 0,
    }
    response = client.post("/admin/beneficiaries/beneficiary/add/", data)
    assert response.status_code == 200
    assert "A martyr&#x27;s allowance goes to a relative" in response.content.decode()
    assert not Beneficiary.objects.exists()
    data.update(relation="parent", sub_case="martyrs_1")
    response = client.post("/admin/beneficiaries/beneficiary/add/", data)
    assert response.status_code == 302
    beneficiary = Beneficiary.objects.get()
    assert beneficiary.history.count() == 1
    # A change is a versioned update: a stale form is refused, not saved over the newer one.
    change = {**data, "sub_case": "martyrs_2", "expected_version": beneficiary.version,
              "relation": "parent", "end_on": "", "end_reason": ""}
    change.pop("programme")
    change.pop("person")
    assert client.post(f"/admin/beneficiaries/beneficiary/{beneficiary.pk}/change/", change).status_code == 302
    beneficiary.refresh_from_db()
    assert (beneficiary.sub_case, beneficiary.version) == ("martyrs_2", 2)
    stale = {**change, "sub_case": "martyrs_3", "expected_version": 1}
    client.post(f"/admin/beneficiaries/beneficiary/{beneficiary.pk}/change/", stale)
    beneficiary.refresh_from_db()
    assert beneficiary.sub_case == "martyrs_2"


def test_a_dossier_received_in_the_admin_gets_its_due_date_and_officer(login):
    user = admin()
    client = login(user)
    response = client.post("/admin/beneficiaries/dossier/add/", {
        "code": "HS-100", "commune": HUU_LUNG, "applicant_name": "Vi Văn Tám", "kind": "allowance",
        "received_on": "2024-03-01",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    days = DossierTimeLimit.objects.get(kind="allowance").days
    assert dossier.due_on == dt.date(2024, 3, 1) + dt.timedelta(days=days)
    assert (dossier.status, dossier.handled_by) == ("received", user)
    future = client.post("/admin/beneficiaries/dossier/add/", {
        "code": "HS-101", "commune": HUU_LUNG, "applicant_name": "Vi Văn Tám", "kind": "allowance",
        "received_on": "2999-03-01",
    })
    assert "The date cannot be in the future." in future.content.decode()
    assert Dossier.objects.count() == 1
