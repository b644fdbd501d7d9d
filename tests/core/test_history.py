"""History on every case model (issue 8, item 1): each keeps its change history, has the admin's
history button, and shows who changed what and when on its record's page (or on the page named
in SHOWN_ELSEWHERE). A new case model that is in neither list fails this test."""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from simple_history.admin import SimpleHistoryAdmin

from tests import factories as f
from tests.factories import HUU_LUNG, LANG_SON
from welfare.core.models import VersionedModel
from welfare.core.services import versioned_update

pytestmark = pytest.mark.django_db


def case_models() -> list:
    """The project's case models (the test suite's own `tests.scoped` models left out)."""
    return [
        m for m in apps.get_models() if issubclass(m, VersionedModel) and not m.__module__.startswith("tests.")
    ]


def _run(**kwargs):
    from beneficiaries.models import PaymentRun

    return PaymentRun.objects.create(
        programme="merit", province_id=LANG_SON, commune_id=HUU_LUNG, month=dt.date(2022, 7, 1), **kwargs
    )


def _snapshot():
    from welfare.reports.models import SummarySnapshot

    return SummarySnapshot.objects.create(province_id=LANG_SON, year=2022, half=1)


def at(url_name: str):
    return lambda record: reverse(url_name, args=[record.pk])


# model -> (make the record, field changed, new value, its page, who reads the page)
RECORD_PAGES = {
    "households.Person": (f.PersonFactory, "full_name", "Hoàng Văn Sử", at("person_detail"), "officer"),
    "households.Household": (f.HouseholdFactory, "village", "Thôn Sử Ký", at("household_detail"), "officer"),
    "households.PovertyReview": (f.PovertyReviewFactory, "note", "Ghi chú sử", at("review_detail"), "officer"),
    "households.InsuranceCard": (f.InsuranceCardFactory, "holder_name", "Vi Thị Sử", at("card_edit"), "officer"),
    "reports.Plan": (f.PlanFactory, "note", "Ghi chú kế hoạch", at("plan_edit"), "head"),
    "reports.SummarySnapshot": (_snapshot, "shortcomings", "Còn chậm", at("report_detail"), "head"),
    "beneficiaries.Beneficiary": (f.BeneficiaryFactory, "note", "Ghi chú hưởng", at("beneficiary_detail"), "officer"),
    "beneficiaries.PaymentRun": (_run, "payments_count", 7, at("payment_run_detail"), "officer"),
    "beneficiaries.Dossier": (f.DossierFactory, "applicant_name", "Lộc Văn Sử", at("dossier_detail"), "officer"),
    "relief.ReliefRound": (f.ReliefRoundFactory, "name", "Cứu đói sử", at("relief_round_detail"), "head"),
    "relief.Distribution": (f.DistributionFactory, "note", "Ghi chú gạo", at("distribution_edit"), "officer"),
    "relief.GiftRound": (f.GiftRoundFactory, "name", "Quà Tết sử", at("gift_round_edit"), "head"),
    "relief.Gift": (f.GiftFactory, "recipient_name", "Nông Thị Sử", at("gift_edit"), "officer"),
    "relief.CovidSupport": (f.CovidSupportFactory, "recipient_name", "Mã Văn Sử", at("covid_support_edit"), "officer"),
    "employment.Loan": (f.LoanFactory, "purpose", "Trồng hồi", at("loan_detail"), "officer"),
    "employment.Placement": (f.PlacementFactory, "employer", "Công ty Sử", at("placement_edit"), "officer"),
    "employment.BorderPass": (f.BorderPassFactory, "border_gate", "Cửa khẩu Chi Ma", at("border_pass_edit"), "officer"),
}

# Case models without a page of their own: where their history is shown instead, and why.
SHOWN_ELSEWHERE = {
    # A membership is a line of its household: the household's page lists its members' changes.
    "households.Member": (
        lambda: f.MemberFactory(relation="child"),
        "relation",
        "grandchild",
        lambda o: reverse("household_detail", args=[o.household_id]),
        "officer",
    ),
    # A payment is a line of its run, built and approved with it: the run's page says who built
    # and approved it and when; each payment's own rows are in the admin's history.
    "beneficiaries.Payment": (
        lambda: _payment(),
        "note",
        "Ghi chú chi trả",
        lambda o: reverse("payment_run_detail", args=[o.run_id]),
        "officer",
    ),
}


def _payment():
    from beneficiaries.models import Payment

    run = _run()
    return Payment.objects.create(
        run=run, beneficiary=f.BeneficiaryFactory(), kind="monthly", month=run.month, amount_vnd=2_000_000
    )


def test_every_case_model_keeps_history_and_has_the_admin_history_button():
    models = case_models()
    assert len(models) >= 19
    for model in models:
        assert hasattr(model, "history"), model
        model_admin = admin.site._registry.get(model)
        assert isinstance(model_admin, SimpleHistoryAdmin), f"{model._meta.label}: no history admin"


def test_every_case_model_is_listed_with_the_page_that_shows_its_history():
    labels = {m._meta.label for m in case_models()}
    assert labels == set(RECORD_PAGES) | set(SHOWN_ELSEWHERE), (
        "a case model must show its history on its page (RECORD_PAGES) or say where (SHOWN_ELSEWHERE)"
    )


@pytest.mark.parametrize("label", sorted({**RECORD_PAGES, **SHOWN_ELSEWHERE}))
def test_the_page_shows_who_changed_what_and_when(label, client):
    make, field, value, page, role = {**RECORD_PAGES, **SHOWN_ELSEWHERE}[label]
    editor = f.officer(HUU_LUNG, first_name="Sử", last_name="Nguyễn Thị")
    reader = f.head(LANG_SON) if role == "head" else f.officer(HUU_LUNG)
    record = make()
    record._history_user = editor
    record = versioned_update(record, expected_version=record.version, changes={field: value})
    assert record.history.first().history_user == editor

    client.force_login(reader)
    with translation.override("en"):
        html = client.get(page(record)).content.decode()
    assert 'data-testid="history"' in html
    if label != "beneficiaries.Payment":  # the run's page shows the run's own changes
        assert editor.display_name in html
    if label in RECORD_PAGES and label != "households.PovertyReview" and not isinstance(value, int):
        assert value in html

    superuser = f.admin()
    client.force_login(superuser)
    meta = record._meta
    history = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[record.pk]))
    assert history.status_code == 200
    assert editor.display_name in history.content.decode() or editor.username in history.content.decode()
