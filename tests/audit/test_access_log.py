"""The access log of personal data (issue 8, item 2; Law 91/2025/QH15): each page showing one
person's records and each export or download writes one entry naming who, what and how many
rows; a 404 writes none; heads and admins read the log, officers do not; the admin only reads."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beneficiaries import services as beneficiary_services
from beneficiaries.models import PaymentRun
from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    BeneficiaryFactory,
    DistributionFactory,
    DossierFactory,
    GiftFactory,
    GiftRoundFactory,
    HouseholdFactory,
    LoanFactory,
    PovertyReviewFactory,
    ReliefRoundFactory,
    admin,
    head,
    officer,
)
from welfare.areas.models import Commune
from welfare.audit.models import AccessEvent, Action
from welfare.core.demo import DemoContext
from welfare.reports.periods import Period, ReportArea
from welfare.reports.snapshots import snapshot_build

pytestmark = pytest.mark.django_db


def only_event(**expected) -> AccessEvent:
    events = list(AccessEvent.objects.all())
    assert len(events) == 1, [str(e) for e in events]
    event = events[0]
    for key, value in expected.items():
        assert getattr(event, key) == value, (key, getattr(event, key), value)
    return event


# --- Pages of one person's records ---------------------------------------------------------------


def record_pages():
    """(URL name, factory of the record, its action, the record the entry names)."""
    return [
        ("person_detail", lambda: HouseholdFactory().head, Action.VIEWED_PERSON),
        ("household_detail", HouseholdFactory, Action.VIEWED_HOUSEHOLD),
        ("beneficiary_detail", BeneficiaryFactory, Action.VIEWED_BENEFICIARY),
        ("dossier_detail", DossierFactory, Action.VIEWED_DOSSIER),
        ("loan_detail", LoanFactory, Action.VIEWED_LOAN),
    ]


@pytest.mark.parametrize("url_name, make, action", record_pages(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_record_page_writes_one_entry_naming_the_user_and_the_record(login, url_name, make, action):
    record = make()
    clerk = officer(HUU_LUNG)
    client = login(clerk)
    url = reverse(url_name, args=[record.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, REMOTE_ADDR="10.20.1.15").status_code == 200
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT") and "audit_" in q["sql"]]
    assert len(inserts) == 1
    event = only_event(
        user=clerk,
        username=clerk.username,
        action=action,
        object_type=record._meta.label_lower,
        object_id=record.pk,
        path=url,
        ip="10.20.1.15",
        province_id=LANG_SON,
        rows=None,
    )
    assert event.what and event.at <= timezone.now()


@pytest.mark.parametrize("url_name, make, action", record_pages(), ids=lambda v: v if isinstance(v, str) else "")
def test_another_communes_record_answers_404_and_writes_nothing(login, url_name, make, action):
    record = make()
    client = login(officer(CHI_LANG))
    assert client.get(reverse(url_name, args=[record.pk])).status_code == 404
    assert not AccessEvent.objects.exists()


def test_the_certificate_and_the_posting_pdfs_are_logged(login):
    review = PovertyReviewFactory(income_per_capita_vnd=900_000, deprivations=[1, 2, 3, 4])
    household = review.household
    client = login(officer(HUU_LUNG))
    assert client.get(reverse("review_certificate_pdf", args=[review.pk])).status_code == 200
    certificate = only_event(action=Action.DOWNLOADED_CERTIFICATE, object_type="households.household")
    assert certificate.object_id == household.pk and household.code in certificate.what

    assert client.get(reverse("review_posting_pdf", args=[HUU_LUNG, 2021])).status_code == 200
    posting = AccessEvent.objects.get(action=Action.DOWNLOADED_POSTING)
    assert (posting.object_type, posting.object_id, posting.rows) == ("areas.commune", HUU_LUNG, 1)
    assert "Xã Hữu Lũng" in posting.what and "2021" in posting.what


# --- Exports and downloads ----------------------------------------------------------------------


def test_a_list_export_counts_its_rows_and_names_its_filters(login):
    HouseholdFactory.create_batch(3)
    HouseholdFactory(commune_id=CHI_LANG)
    client = login(officer(HUU_LUNG, CHI_LANG))
    response = client.get(reverse("household_export"), {"commune": HUU_LUNG, "q": "", "page": "2"})
    assert response.status_code == 200
    event = only_event(action=Action.EXPORTED_LIST, rows=3, object_id=None)
    assert "Xã Hữu Lũng" in event.what and "Xã Chi Lăng" not in event.what
    assert event.path == f"{reverse('household_export')}?commune={HUU_LUNG}&q=&page=2"

    client.get(reverse("loan_export"))
    assert AccessEvent.objects.filter(action=Action.EXPORTED_LIST).count() == 2


def test_a_payment_run_download_counts_its_payments(login):
    BeneficiaryFactory.create_batch(2)
    clerk = officer(HUU_LUNG)
    run, _ = PaymentRun.objects.get_or_create(
        programme="merit", province_id=LANG_SON, commune=Commune.objects.get(code=HUU_LUNG), month=dt.date(2024, 7, 1)
    )
    beneficiary_services.payment_run_build(run_id=run.pk, user=clerk)
    client = login(clerk)
    assert client.get(reverse("payment_run_export", args=[run.pk])).status_code == 200
    only_event(action=Action.DOWNLOADED_PAYMENT_RUN, object_type="beneficiaries.paymentrun", object_id=run.pk, rows=2)


def test_relief_and_gift_round_downloads_count_their_rows(login):
    relief = ReliefRoundFactory()
    DistributionFactory.create_batch(2, round=relief)
    DistributionFactory(round=relief, commune_id=CHI_LANG)
    gifts = GiftRoundFactory()
    GiftFactory.create_batch(3, round=gifts)
    client = login(officer(HUU_LUNG))
    assert client.get(f"/relief/rounds/{relief.pk}/export.xlsx").status_code == 200
    assert client.get(f"/relief/gifts/{gifts.pk}/export.xlsx").status_code == 200
    rows = dict(AccessEvent.objects.values_list("object_type", "rows"))
    assert rows == {"relief.reliefround": 2, "relief.giftround": 3}
    assert set(AccessEvent.objects.values_list("action", flat=True)) == {Action.DOWNLOADED_ROUND}


def test_a_report_download_is_logged(login):
    snapshot = snapshot_build(area=ReportArea.commune(HUU_LUNG), period=Period(2022, 1))
    client = login(officer(HUU_LUNG))
    assert client.get(reverse("report_download", args=[snapshot.pk, "xlsx"])).status_code == 200
    event = only_event(action=Action.DOWNLOADED_REPORT, object_type="reports.summarysnapshot", object_id=snapshot.pk)
    assert "2022" in event.what and "Xã Hữu Lũng" in event.what


# --- The log page -------------------------------------------------------------------------------


def seen(client, **params) -> set[int]:
    response = client.get(reverse("access_log"), params)
    assert response.status_code == 200
    return {e.pk for e in response.context["object_list"]}


def test_officers_get_403_heads_and_admins_read_their_part(login, client):
    household = HouseholdFactory()
    clerk = officer(HUU_LUNG)
    login(clerk).get(reverse("household_detail", args=[household.pk]))
    hanoi_clerk = officer(HA_NOI_COMMUNE)
    login(hanoi_clerk).get(reverse("household_export"))
    ours, theirs = AccessEvent.objects.get(user=clerk), AccessEvent.objects.get(user=hanoi_clerk)

    assert login(clerk).get(reverse("access_log")).status_code == 403
    chief = head(LANG_SON)
    assert seen(login(chief)) == {ours.pk}
    page = client.get(reverse("access_log")).content.decode()
    assert household.code in page and clerk.username in page and 'data-nav="access_log"' in page
    assert seen(login(admin())) == {ours.pk, theirs.pk}

    client.logout()
    response = client.get(reverse("access_log"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_filters_narrow_the_log(login):
    first, second = HouseholdFactory(), HouseholdFactory()
    clerk, other_clerk = officer(HUU_LUNG), officer(HUU_LUNG)
    login(clerk).get(reverse("household_detail", args=[first.pk]))
    login(clerk).get(reverse("person_detail", args=[first.head.pk]))
    login(other_clerk).get(reverse("household_detail", args=[second.pk]))
    login(other_clerk).get(reverse("household_export"))
    events = {(e.username, e.action): e.pk for e in AccessEvent.objects.all()}

    client = login(head(LANG_SON))
    assert len(seen(client)) == 4
    assert seen(client, user=clerk.pk) == {events[clerk.username, "viewed_household"], events[clerk.username, "viewed_person"]}
    assert seen(client, action="exported_list") == {events[other_clerk.username, "exported_list"]}
    assert seen(client, object=f"households.household:{second.pk}") == {events[other_clerk.username, "viewed_household"]}
    assert seen(client, q=first.code) == {events[clerk.username, "viewed_household"]}
    today = timezone.localdate()
    assert len(seen(client, date_from=today.strftime("%d/%m/%Y"), date_to=today.strftime("%d/%m/%Y"))) == 4
    assert seen(client, date_to=(today - dt.timedelta(days=1)).strftime("%d/%m/%Y")) == set()
    # A filter that does not read is dropped, not an error page.
    assert len(seen(client, date_from="31/02/2024", object="nonsense")) == 4


def test_the_person_page_links_heads_to_who_viewed_that_person(login):
    person = HouseholdFactory().head
    url = reverse("person_detail", args=[person.pk])
    assert 'data-testid="who-viewed"' not in login(officer(HUU_LUNG)).get(url).content.decode()
    client = login(head(LANG_SON))
    page = client.get(url).content.decode()
    link = f'{reverse("access_log")}?object=households.person:{person.pk}'
    assert 'data-testid="who-viewed"' in page and link in page
    response = client.get(link)
    assert response.context["record_filtered"] and response.context["record_label"] == person.full_name
    assert len(response.context["object_list"]) == 2  # the officer's view and the head's


# --- Append-only, the admin, the demo -----------------------------------------------------------


def test_the_log_cannot_be_changed_or_deleted(login, client):
    HouseholdFactory()
    login(officer(HUU_LUNG)).get(reverse("household_export"))
    event = AccessEvent.objects.get()
    from django.core.exceptions import PermissionDenied

    event.what = "rewritten"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AccessEvent.objects.all().update(what="rewritten")
    with pytest.raises(PermissionDenied):
        AccessEvent.objects.all().delete()

    login(admin())
    changelist = client.get("/admin/audit/accessevent/")
    assert changelist.status_code == 200 and event.username in changelist.content.decode()
    assert client.get("/admin/audit/accessevent/add/").status_code == 403
    assert client.get(f"/admin/audit/accessevent/{event.pk}/delete/").status_code == 403
    change = client.get(f"/admin/audit/accessevent/{event.pk}/change/")
    assert change.status_code == 200 and 'name="what"' not in change.content.decode()
    client.post(f"/admin/audit/accessevent/{event.pk}/change/", {"what": "rewritten"})
    assert AccessEvent.objects.get().what != "rewritten"


def test_the_demo_step_fills_the_log_once():
    from welfare.accounts.demo import demo_users
    from welfare.audit.demo import demo_access_log

    ctx = DemoContext()
    demo_users(ctx)
    HouseholdFactory()
    HouseholdFactory(commune_id=CHI_LANG)
    assert demo_access_log(ctx) == "4 access-log entries"
    assert demo_access_log(ctx) == "0 access-log entries"
    by = {(e.username, e.action) for e in AccessEvent.objects.all()}
    assert by == {
        ("canbo", "viewed_household"),
        ("canbo", "exported_list"),
        ("lanhdao", "viewed_person"),
        ("canbo2", "viewed_person"),
    }
    assert AccessEvent.objects.get(action="exported_list").path.endswith(f"commune={HUU_LUNG}&status=poor")
