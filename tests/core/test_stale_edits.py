"""No lost updates (issue 8, item 4): two officers open the same edit page; the first saves, the
second's save is refused with a table of what the first changed, their typed values kept; after
reading it, the second saves again and wins."""

import lxml.html
import pytest
from django.urls import reverse
from django.utils import translation

from tests import factories as f
from tests.factories import HUU_LUNG, LANG_SON
from welfare.core.history import changes_since
from welfare.core.services import StaleEditError, versioned_update

pytestmark = pytest.mark.django_db


def form_data(html: bytes) -> dict:
    """What the browser would send: every field of the page's form that carries a version."""
    page = lxml.html.fromstring(html)
    form = next(f for f in page.forms if f.xpath(".//input[@name='version']"))
    data = {}
    for name, value in form.form_values():
        data[name] = value
    return data


def stale_table(html: bytes) -> dict[str, list[str]]:
    """The refused save's table, field name -> [label, value when opened, value now, who]."""
    page = lxml.html.fromstring(html)
    rows = page.xpath("//*[@data-testid='stale-changes']//tbody/tr")
    return {
        row.get("data-field"): [" ".join(c.text_content().split()) for c in row.xpath("./th|./td")]
        for row in rows
    }


def plain(value) -> str:
    """A value as typed, whatever its display ("17.000", "17000.00" -> "17000")."""
    text = str(value)
    for tail in (".00", ",00"):
        text = text.removesuffix(tail)
    return text.replace(".", "")


def _person(users):
    return f.PersonFactory(commune_id=HUU_LUNG), "person_edit"


def _household(users):
    return f.HouseholdFactory(commune_id=HUU_LUNG), "household_edit"


def _beneficiary(users):
    return f.BeneficiaryFactory(), "beneficiary_edit"


def _dossier(users):
    return f.DossierFactory(), "dossier_edit"


def _gift(users):
    return f.GiftFactory(), "gift_edit"


def _covid(users):
    return f.CovidSupportFactory(), "covid_support_edit"


def _loan(users):
    return f.LoanFactory(), "loan_edit"


def _placement(users):
    return f.PlacementFactory(), "placement_edit"


def _plan(users):
    return f.PlanFactory(province_id=LANG_SON), "plan_edit"


# (make the record, the form field both change, the first's value, the second's value, role)
CASES = {
    "households.person": (_person, "full_name", "Nguyễn Văn Một", "Nguyễn Văn Hai", "officer"),
    "households.household": (_household, "village", "Thôn Đồng Tân", "Thôn Quyết Thắng", "officer"),
    "beneficiaries.beneficiary": (_beneficiary, "rate_percent", "61", "71", "officer"),
    "beneficiaries.dossier": (_dossier, "applicant_name", "Hoàng Thị Một", "Hoàng Thị Hai", "officer"),
    "relief.gift": (_gift, "recipient_name", "Lý Văn Một", "Lý Văn Hai", "officer"),
    "relief.covid_support": (_covid, "recipient_name", "Vi Văn Một", "Vi Văn Hai", "officer"),
    "employment.loan": (_loan, "purpose", "Trồng na", "Nuôi ong", "officer"),
    "employment.placement": (_placement, "employer", "Công ty Một", "Công ty Hai", "officer"),
    "reports.plan": (_plan, "target", "17000", "18000", "head"),
}


def _users(role):
    if role == "head":
        return f.head(first_name="Lan", last_name="Đỗ Thị"), f.head(first_name="Hùng", last_name="Mạc Văn")
    return (
        f.officer(HUU_LUNG, first_name="Lan", last_name="Đỗ Thị"),
        f.officer(HUU_LUNG, first_name="Hùng", last_name="Mạc Văn"),
    )


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_second_save_is_refused_with_what_changed_then_wins(case, client, django_user_model):
    make, field, first_value, second_value, role = CASES[case]
    first, second = _users(role)
    record, url_name = make((first, second))
    url = reverse(url_name, args=[record.pk])
    opened_version = record.version
    first_client, second_client = client, type(client)()
    first_client.force_login(first)
    second_client.force_login(second)

    with translation.override("en"):
        first_form = form_data(first_client.get(url).content)
        second_form = form_data(second_client.get(url).content)
        before = second_form[field]
        first_form[field] = first_value
        answer = first_client.post(url, first_form)
        assert answer.status_code == 302, answer.content.decode()[:3000]

        second_form[field] = second_value
        refused = second_client.post(url, second_form)
    assert refused.status_code == 200
    record.refresh_from_db()
    assert record.version == opened_version + 1
    assert plain(getattr(record, field)) == first_value
    table = stale_table(refused.content)
    model_field = record._meta.get_field(field)
    assert field in table, table
    label, opened, now, who = table[field]
    assert label.lower() == str(model_field.verbose_name).lower()
    assert plain(opened) == plain(before)
    assert plain(now) == first_value
    assert first.display_name in who
    # The second's typed value is still in the form; the form now carries the stored version.
    again = form_data(refused.content)
    assert again[field] == second_value
    assert int(again["version"]) == record.version

    won = second_client.post(url, again)
    assert won.status_code == 302
    record.refresh_from_db()
    assert plain(getattr(record, field)) == second_value
    assert record.version == opened_version + 2


def test_a_service_refusal_carries_each_changed_field_with_its_author():
    lan, hung = f.officer(first_name="Lan", last_name="Đỗ Thị"), f.officer(first_name="Hùng", last_name="Mạc Văn")
    loan = f.LoanFactory(purpose="Chăn nuôi lợn", term_months=36)
    loan._history_user = lan
    loan = versioned_update(loan, expected_version=1, changes={"purpose": "Trồng na"})
    loan._history_user = hung
    loan = versioned_update(loan, expected_version=2, changes={"term_months": 48})
    with pytest.raises(StaleEditError) as refused:
        versioned_update(loan, expected_version=1, changes={"purpose": "Nuôi ong"})
    changes = {c.field: c for c in refused.value.changes}
    assert set(changes) == {"purpose", "term_months"}
    assert (changes["purpose"].opened, changes["purpose"].now) == ("Chăn nuôi lợn", "Trồng na")
    assert changes["term_months"].now == "48"
    assert changes["purpose"].who == lan.display_name and changes["term_months"].who == hung.display_name
    assert refused.value.current_version == 3
    # Nothing of the refused save was kept.
    loan.refresh_from_db()
    assert loan.purpose == "Trồng na" and loan.version == 3
    assert changes_since(loan, opened_version=3) == []


@pytest.mark.parametrize(
    "make, field, first_value, second_value",
    [
        (lambda: f.PlanFactory(target=16000), "target", "17000", "18000"),  # VersionCheckedAdmin
        (lambda: f.LoanFactory(purpose="Chăn nuôi lợn"), "purpose", "Trồng na", "Nuôi ong"),  # ServiceAdmin
    ],
    ids=["plan", "loan"],
)
def test_the_admin_refuses_a_stale_change_form_with_what_changed(make, field, first_value, second_value, client):
    record = make()
    meta = record._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
    first = f.admin(first_name="Lan", last_name="Đỗ Thị")
    second_client = type(client)()
    client.force_login(first)
    second_client.force_login(f.admin(first_name="Hùng", last_name="Mạc Văn"))
    first_form, second_form = form_data_of(client.get(url).content), form_data_of(second_client.get(url).content)
    assert first_form["expected_version"] == str(record.version)

    first_form[field] = first_value
    assert client.post(url, first_form).status_code == 302
    second_form[field] = second_value
    with translation.override("en"):
        refused = second_client.post(url, second_form, follow=True)
    record.refresh_from_db()
    assert plain(getattr(record, field)) == first_value and record.version == 2
    text = " ".join(lxml.html.fromstring(refused.content.decode()).xpath("string(//ul[@class='messagelist'])").split())
    assert first.display_name in text and first_value in text.replace(".", "")
    assert str(meta.get_field(field).verbose_name).lower() in text.lower()


def form_data_of(html: bytes) -> dict:
    """The fields of the admin's change form (the one with a version carried)."""
    page = lxml.html.fromstring(html)
    form = next(f for f in page.forms if f.xpath(".//input[@name='expected_version']"))
    return dict(form.form_values())
