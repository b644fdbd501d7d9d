"""The household list's content is kept in the cache (welfare.core.page_cache) and the menu is
rendered once per process (welfare.core.navigation.nav_html): what users notice must not change.
A change shows at once, nobody sees another area's rows, each user's layout is their own, and
the menu still marks the page it is on."""

import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import CHI_LANG, HUU_LUNG, HouseholdFactory, PersonFactory, head, officer
from welfare.households import services
from welfare.households.models import Household

pytestmark = pytest.mark.django_db

BACKEND = "welfare.accounts.backends.RoleBackend"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def household(name: str, code: str, commune=HUU_LUNG) -> Household:
    return HouseholdFactory(
        commune_id=commune, code=code, head_member=PersonFactory(full_name=name, commune_id=commune)
    )


def test_a_new_or_changed_household_shows_at_once_on_a_list_already_seen(client, login):
    household("Hoàng Văn Thụ", "HL-1")
    login(officer(HUU_LUNG))
    assert "HL-1" in page(client, "/households/")
    added = household("Lý Thị Mai", "HL-2")
    text = page(client, "/households/")
    assert "HL-1" in text and "HL-2" in text and "Lý Thị Mai" in text
    # An edit through the service (the form's path) shows as well.
    services.household_update(
        user=officer(HUU_LUNG), household=added, expected_version=added.version,
        changes={"village": "Thôn Đồng Mới"},
    )
    assert "Thôn Đồng Mới" in page(client, "/households/")
    Household.objects.filter(pk=added.pk).delete()
    assert "HL-2" not in page(client, "/households/")


def test_a_list_seen_in_one_commune_is_never_shown_in_another(client, login):
    household("Hoàng Văn Thụ", "HL-1")
    household("Lý Thị Mai", "CL-1", commune=CHI_LANG)
    login(officer(HUU_LUNG))
    assert "HL-1" in page(client, "/households/")
    login(officer(CHI_LANG))
    text = page(client, "/households/")
    assert "CL-1" in text and "HL-1" not in text and "Hoàng Văn Thụ" not in text
    # A head of the province sees both, with the commune filter of the whole province.
    login(head())
    text = page(client, "/households/")
    assert "CL-1" in text and "HL-1" in text


def test_officers_of_one_commune_share_the_rows_but_the_layout_is_each_ones_own():
    household("Hoàng Văn Thụ", "HL-1")
    first = officer(HUU_LUNG, first_name="Lan", last_name="Nguyễn Thị")
    second = officer(HUU_LUNG, first_name="Minh", last_name="Trần Văn")
    clients = []
    for user in (first, second):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user, backend=BACKEND)
        clients.append(client)
    page(clients[0], "/households/")
    text = page(clients[1], "/households/")
    assert "HL-1" in text
    assert "Minh" in text and "Lan" not in text
    # The logout form carries the second user's own CSRF token: logging out works.
    token = re.search(r'action="/accounts/logout/"><input type="hidden" '
                      r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    assert token, "the logout form has no CSRF token"
    response = clients[1].post("/accounts/logout/", {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert clients[1].get("/households/").status_code == 302  # logged out: to the login page
    assert clients[0].get("/households/").status_code == 200


def test_a_list_seen_in_vietnamese_is_shown_in_english_to_who_chose_english(client, login):
    household("Hoàng Văn Thụ", "HL-1")
    login(officer(HUU_LUNG))
    with translation.override("vi"):
        vietnamese = translation.gettext("Register a household")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert vietnamese in page(client, "/households/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = page(client, "/households/")
    assert "Register a household" in text and vietnamese not in text


def test_the_register_button_follows_the_users_permission_not_the_kept_page(client, login):
    household("Hoàng Văn Thụ", "HL-1")
    login(head())  # a head reads the province's list but registers nothing
    assert "/households/new/" not in page(client, "/households/")
    login(officer(HUU_LUNG))
    assert "/households/new/" in page(client, "/households/")


def test_the_menu_marks_the_page_it_is_on_whatever_its_query_string(client, login):
    login(officer(HUU_LUNG))

    def active(text: str) -> list[str]:
        return re.findall(r'class="[^"]*\bactive\b[^"]*"[^>]*data-nav="([^"]+)"', text)

    assert active(page(client, "/households/?page=1&q=thu")) == ["households"]
    assert active(page(client, "/beneficiaries/?programme=merit")) == ["beneficiaries_merit"]
    assert active(page(client, "/beneficiaries/?programme=social_protection&q=x")) == ["beneficiaries_social"]
    assert active(page(client, "/")) == ["home"]
    assert active(page(client, reverse("password_change"))) == []  # a page outside the menu


def test_a_later_page_shows_its_own_households_in_order_with_status_and_members(client, login):
    """The list reads a page's households first, then their figures (selectors.household_rows):
    page 2 shows households 51 to 60 in the list's order, each with its own figures."""
    from tests.factories import MemberFactory, PovertyReviewFactory

    households = [household(f"Chủ Hộ {n:02d}", f"HL-{n:02d}") for n in range(60)]
    MemberFactory(household=households[55])
    PovertyReviewFactory(household=households[57])  # recognised in 2021: the status for 2022
    login(officer(HUU_LUNG))
    text = page(client, "/households/?page=2")
    codes = re.findall(r'>(HL-\d\d)</a>', text)
    assert codes == [f"HL-{n:02d}" for n in range(50, 60)]
    row = text.split(">HL-55</a>")[1].split("</tr>")[0]
    assert re.search(r'class="num">2<', row)  # the head and the added member
    row = text.split(">HL-57</a>")[1].split("</tr>")[0]
    assert 'class="badge' in row and "2022" in row
    row = text.split(">HL-56</a>")[1].split("</tr>")[0]
    assert 'class="badge' not in row and re.search(r'class="num">1<', row)
