"""The relief admin: policy groups edited with their history, rounds and case records scoped and
saved through the services, rounds closed by an action, a closed round's distributions locked."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from relief.models import CovidPolicyGroup, CovidSupport, Distribution, Gift, ReliefRound
from tests.factories import (
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    CovidSupportFactory,
    DistributionFactory,
    GiftFactory,
    HouseholdFactory,
    ReliefRoundFactory,
    admin,
    head,
)

pytestmark = pytest.mark.django_db

MODELS = ["covidpolicygroup", "reliefround", "giftround", "distribution", "gift", "covidsupport"]


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages and messages in the English source text, so that the assertions hold before and
    after the Vietnamese catalogue is merged."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def records():
    round = ReliefRoundFactory(code="CD-2022", name="Cứu đói giáp hạt 2022")
    distribution = DistributionFactory(round=round, household=HouseholdFactory(code="HL-00001"))
    DistributionFactory(round=round, household=None, recipient_name="Lý Văn Lang Thang", persons_covered=1)
    gift = GiftFactory(recipient_name="Hoàng Thị Mai", value_vnd=600_000)
    support = CovidSupportFactory(recipient_name="Nguyễn Văn An")
    return {"round": round, "distribution": distribution, "gift": gift, "support": support}


def test_every_changelist_and_add_page_opens_for_an_admin(login, records):
    client = login(admin())
    for model in MODELS:
        assert client.get(f"/admin/relief/{model}/").status_code == 200, model
        assert client.get(f"/admin/relief/{model}/add/").status_code == 200, model
    html = client.get("/admin/relief/reliefround/").content.decode()
    assert "CD-2022" in html and "Lạng Sơn" in html and "Open" in html
    html = client.get("/admin/relief/distribution/").content.decode()
    assert "HL-00001" in html and "720.000 đ" in html
    assert "600.000 đ" in client.get("/admin/relief/gift/").content.decode()
    # Accent-insensitive search on the recipient.
    html = client.get("/admin/relief/distribution/", {"q": "ly van lang thang"}).content.decode()
    assert "Lý Văn Lang Thang" in html and "HL-00001" not in html
    assert "Hoàng Thị Mai" in client.get("/admin/relief/gift/", {"q": "HOANG THI MAI"}).content.decode()
    assert "Nguyễn Văn An" in client.get("/admin/relief/covidsupport/", {"q": "nguyen van an"}).content.decode()
    for model, obj in (("reliefround", records["round"]), ("distribution", records["distribution"]),
                       ("gift", records["gift"]), ("covidsupport", records["support"])):
        assert client.get(f"/admin/relief/{model}/{obj.pk}/change/").status_code == 200, model


def test_unverified_policy_groups_are_flagged_and_an_edit_keeps_history(login):
    client = login(admin())
    group = CovidPolicyGroup.objects.get(number=5)
    html = client.get("/admin/relief/covidpolicygroup/", {"unverified__exact": "1"}).content.decode()
    assert group.code in html and 'alt="False"' in html
    page = client.get(f"/admin/relief/covidpolicygroup/{group.pk}/change/").content.decode()
    assert "check it against the gazette" in page
    before = group.history.count()
    response = client.post(f"/admin/relief/covidpolicygroup/{group.pk}/change/", {
        "number": 5, "code": group.code, "name": "Hỗ trợ người lao động ngừng việc",
        "legal_basis": group.legal_basis,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    group.refresh_from_db()
    assert group.name == "Hỗ trợ người lao động ngừng việc" and not group.unverified
    assert group.history.count() == before + 1
    assert group.history.first().name == "Hỗ trợ người lao động ngừng việc"
    assert client.get(f"/admin/relief/covidpolicygroup/{group.pk}/history/").status_code == 200


def test_a_closed_rounds_distribution_is_read_only(login, records):
    client = login(admin())
    round, distribution = records["round"], records["distribution"]
    round.status = "closed"
    round.save()
    page = client.get(f"/admin/relief/distribution/{distribution.pk}/change/").content.decode()
    assert 'name="_save"' not in page and 'name="persons_covered"' not in page
    assert client.post(f"/admin/relief/distribution/{distribution.pk}/change/",
                       {"persons_covered": 9}).status_code == 403
    assert client.post(f"/admin/relief/distribution/{distribution.pk}/delete/", {"post": "yes"}).status_code == 403
    page = client.get(f"/admin/relief/reliefround/{round.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    distribution.refresh_from_db()
    assert distribution.persons_covered == 4
    # A new distribution in the closed round is refused with why.
    response = client.post("/admin/relief/distribution/add/", {
        "round": round.pk, "commune": HUU_LUNG, "recipient_name": "Vi Văn Tám", "persons_covered": 1,
        "distributed_on": "2022-02-10",
    })
    assert response.status_code == 200
    assert "Round CD-2022 is closed: its distributions are locked." in response.content.decode()
    assert Distribution.objects.count() == 2


def test_a_distribution_added_in_the_admin_takes_the_rounds_ration(login, records):
    client = login(admin())
    household = HouseholdFactory(code="HL-00077")
    data = {"round": records["round"].pk, "commune": HUU_LUNG, "household": household.pk,
            "persons_covered": 3, "distributed_on": "2022-02-12"}
    assert client.post("/admin/relief/distribution/add/", data).status_code == 302
    added = Distribution.objects.get(household=household)
    assert (added.rice_kg, added.cost_vnd, added.history.count()) == (45, 540_000, 1)
    # The same household again in the round is refused, with the service's message.
    response = client.post("/admin/relief/distribution/add/", data)
    assert response.status_code == 200
    assert "Household HL-00077 already has a distribution in round CD-2022" in response.content.decode()
    # A change keeps the stored rice when its cell is left blank.
    change = {**data, "persons_covered": 4, "rice_kg": "", "cost_vnd": "", "expected_version": 1}
    assert client.post(f"/admin/relief/distribution/{added.pk}/change/", change).status_code == 302
    added.refresh_from_db()
    assert (added.persons_covered, added.rice_kg, added.version) == (4, 45, 2)


def test_a_head_closes_rounds_with_the_action(login, records):
    boss = head(LANG_SON, is_staff=True)
    boss.user_permissions.set(Permission.objects.filter(
        content_type__app_label="relief", codename__in=["view_reliefround", "change_reliefround"]
    ))
    other = ReliefRoundFactory(code="BL-2024", cause="disaster")
    client = login(boss)
    response = client.post("/admin/relief/reliefround/", {
        "action": "close_rounds", "_selected_action": [records["round"].pk, other.pk],
    }, follow=True)
    assert "2 rounds closed." in response.content.decode()
    assert set(ReliefRound.objects.values_list("status", flat=True)) == {"closed"}
    assert ReliefRound.objects.get(code="BL-2024").closed_by == boss
    response = client.post("/admin/relief/reliefround/", {
        "action": "close_rounds", "_selected_action": [other.pk],
    }, follow=True)
    assert "This round is already closed." in response.content.decode()


def test_a_round_saved_in_the_admin_goes_through_the_service(login):
    client = login(admin())
    response = client.post("/admin/relief/reliefround/add/", {
        "province": LANG_SON, "code": " TET-2025 ", "name": "", "cause": "tet", "months": 1,
        "ration_kg": "10", "rice_value_vnd": "13000",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    round = ReliefRound.objects.get()
    assert (round.code, round.name, round.status, round.history.count()) == ("TET-2025", "TET-2025", "open", 1)


def test_a_staff_head_sees_only_their_province(login, records):
    ReliefRoundFactory(code="HN-ROUND", province_id=1)
    GiftFactory(commune_id=HA_NOI_COMMUNE, round__province_id=1, recipient_name="Người Hà Nội")
    boss = head(LANG_SON, is_staff=True)
    boss.user_permissions.set(Permission.objects.filter(
        content_type__app_label="relief", codename__in=[f"view_{m}" for m in MODELS]
    ))
    client = login(boss)
    html = client.get("/admin/relief/reliefround/").content.decode()
    assert "CD-2022" in html and "HN-ROUND" not in html
    html = client.get("/admin/relief/gift/").content.decode()
    assert "Hoàng Thị Mai" in html and "Người Hà Nội" not in html
    # A head reads case records but does not edit them (edit_cases is the officers').
    assert client.get("/admin/relief/distribution/add/").status_code == 403


def test_gifts_and_support_saved_in_the_admin_go_through_the_services(login, records):
    client = login(admin())
    response = client.post("/admin/relief/gift/add/", {
        "round": records["gift"].round_id, "commune": HUU_LUNG, "recipient_group": "elderly",
        "funding_source": "province", "recipient_name": "Vi Thị Tám", "value_vnd": 0,
        "given_on": "2023-01-20",
    })
    assert response.status_code == 200 and "Enter a value above zero." in response.content.decode()
    group = CovidPolicyGroup.objects.get(number=3)
    response = client.post("/admin/relief/covidsupport/add/", {
        "commune": HUU_LUNG, "recipient_type": "employer", "recipient_name": "Công ty May Hữu Lũng",
        "policy": group.code, "amount_vnd": 5_000_000, "approved_on": "2021-10-01",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CovidSupport.objects.get(recipient_name="Công ty May Hữu Lũng").policy_group == group
    assert Gift.objects.count() == 1
    assert dt.date(2021, 10, 1) in CovidSupport.objects.values_list("approved_on", flat=True)
