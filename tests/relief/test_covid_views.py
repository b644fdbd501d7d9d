"""COVID-19 support: the list (filters, accent-free search, totals), recording with and
without a policy group, changing, the export and scoping."""

import datetime as dt
import html
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from relief.models import CovidPolicyGroup, CovidSupport
from tests.factories import CHI_LANG, HUU_LUNG, CovidSupportFactory, head, officer

pytestmark = pytest.mark.django_db


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


SUPPORT = {
    "commune": HUU_LUNG,
    "recipient_type": "worker",
    "recipient_name": "Hoàng Thị  Lan",
    "policy": "68/NQ-CP-5",
    "amount_vnd": "1.855.000",
    "approved_on": "15/09/2021",
    "decision_number": "123/QĐ-UBND",
    "note": "",
}


def test_the_form_shows_the_twelve_groups_marked_unverified(client, login):
    login(officer(HUU_LUNG))
    text = page(client, reverse("covid_support_create"))
    assert CovidPolicyGroup.objects.count() == 12
    for group in CovidPolicyGroup.objects.all():
        assert group.code in text
    assert vi("Reference list not yet checked against the official gazette: check the group in the decision before linking.") in text


def test_recording_with_a_groups_code_links_the_group(client, login):
    login(officer(HUU_LUNG))
    response = client.post(reverse("covid_support_create"), SUPPORT)
    assert response.status_code == 302
    support = CovidSupport.objects.get()
    group = CovidPolicyGroup.objects.get(number=5)
    assert support.policy_group == group
    assert support.recipient_name == "Hoàng Thị Lan"
    assert support.amount_vnd == 1_855_000
    text = page(client, reverse("covid_support_list"))
    assert "Hoàng Thị Lan" in text and group.name in text and "1.855.000 đ" in text


def test_free_text_policy_is_kept_without_a_group(client, login):
    login(officer(HUU_LUNG))
    response = client.post(
        reverse("covid_support_create"),
        {**SUPPORT, "policy": "23/2021/QĐ-TTg", "recipient_type": "household_business",
         "recipient_name": "Hộ kinh doanh Tạp hóa Minh"},
    )
    assert response.status_code == 302
    support = CovidSupport.objects.get()
    assert support.policy == "23/2021/QĐ-TTg" and support.policy_group is None
    text = page(client, reverse("covid_support_list"), policy_group="none")
    assert "Hộ kinh doanh Tạp hóa Minh" in text


def test_changing_the_policy_relinks(client, login):
    support = CovidSupportFactory(policy="68/NQ-CP")
    login(officer(HUU_LUNG))
    data = {**SUPPORT, "policy": "68/NQ-CP-12", "version": support.version}
    assert client.post(reverse("covid_support_edit", args=[support.pk]), data).status_code == 302
    support.refresh_from_db()
    assert support.policy_group.number == 12 and support.version == 2
    text = page(client, reverse("covid_support_edit", args=[support.pk]))
    assert 'data-testid="linked-group"' in text and 'data-testid="history"' in text


@pytest.mark.parametrize(
    "change",
    [
        {"amount_vnd": "0"},
        {"approved_on": (timezone.localdate() + dt.timedelta(days=2)).strftime("%d/%m/%Y")},
        {"policy": "  "},
    ],
)
def test_bad_values_are_refused(client, login, change):
    login(officer(HUU_LUNG))
    response = client.post(reverse("covid_support_create"), {**SUPPORT, **change})
    assert response.status_code == 200
    assert not CovidSupport.objects.exists()


def test_the_list_filters_searches_and_totals(client, login):
    group = CovidPolicyGroup.objects.get(number=10)
    CovidSupportFactory(recipient_name="Đặng Văn Đức", amount_vnd=3_000_000, approved_on=dt.date(2021, 9, 1))
    CovidSupportFactory(
        recipient_name="Hộ kinh doanh Lý Mai", recipient_type="household_business", policy=group.code,
        policy_group=group, amount_vnd=3_000_000, approved_on=dt.date(2022, 2, 1),
    )
    CovidSupportFactory(recipient_name="Người Chi Lăng", commune_id=CHI_LANG, amount_vnd=9_000_000)
    login(officer(HUU_LUNG))
    url = reverse("covid_support_list")
    text = page(client, url)
    assert "Người Chi Lăng" not in text
    assert "6.000.000 đ" in text  # the list's total and the cumulative one, own communes only
    assert "9.000.000" not in text
    text = page(client, url, q="dang van duc")
    assert "Đặng Văn Đức" in text and "Lý Mai" not in text
    text = page(client, url, recipient_type="household_business")
    assert "Lý Mai" in text and "Đặng Văn Đức" not in text
    text = page(client, url, policy_group=group.pk)
    assert "Lý Mai" in text and "Đặng Văn Đức" not in text
    text = page(client, url, year=2021)
    assert "Đặng Văn Đức" in text and "Lý Mai" not in text
    # Filtered: the list's total is 3.000.000, the cumulative total stays 6.000.000.
    assert "3.000.000 đ" in text and "6.000.000 đ" in text


def test_another_communes_support_is_not_found(client, login):
    other = CovidSupportFactory(commune_id=CHI_LANG)
    login(officer(HUU_LUNG))
    assert client.get(reverse("covid_support_edit", args=[other.pk])).status_code == 404
    response = client.post(reverse("covid_support_create"), {**SUPPORT, "commune": CHI_LANG})
    assert response.status_code == 200
    assert not CovidSupport.objects.filter(commune_id=CHI_LANG).exclude(pk=other.pk).exists()


def test_heads_read_the_province_but_do_not_record(client, login):
    CovidSupportFactory(recipient_name="Người Hữu Lũng")
    CovidSupportFactory(recipient_name="Người Chi Lăng", commune_id=CHI_LANG)
    login(head())
    text = page(client, reverse("covid_support_list"))
    assert "Người Hữu Lũng" in text and "Người Chi Lăng" in text
    assert client.get(reverse("covid_support_create")).status_code == 403


def test_export_follows_the_filters_and_the_scope(client, login, caplog):
    group = CovidPolicyGroup.objects.get(number=5)
    CovidSupportFactory(recipient_name="Nông Thị Hoa", policy=group.code, policy_group=group, amount_vnd=1_855_000)
    CovidSupportFactory(recipient_name="Người Chi Lăng", commune_id=CHI_LANG)
    user = officer(HUU_LUNG)
    login(user)
    with caplog.at_level("INFO", logger="welfare.audit"):
        response = client.get(reverse("covid_support_export"), {"q": "hoa"})
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "Nông Thị Hoa" and rows[1][5] == group.code and rows[1][7] == 1_855_000
    assert any(user.username in r.getMessage() for r in caplog.records)
