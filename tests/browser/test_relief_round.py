"""In Chromium, in Vietnamese: an officer opens a hunger-relief round from the menu, ticks three
households of the commune's list (changing one household's persons, whose default rice follows),
saves, and sees the round's totals; the households leave the entry list.

Screenshots go to `tmp_path` (or to $SCREENSHOTS when set, to look at them)."""

import os
from pathlib import Path

import pytest

from relief.models import Distribution
from tests.browser.test_household_review import log_in
from tests.factories import HUU_LUNG, HouseholdFactory, MemberFactory, ReliefRoundFactory, officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_officer_enters_hunger_relief_for_three_households_and_sees_the_totals(
    page, live_server, reference_loaded, tmp_path
):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    round = ReliefRoundFactory(code="CD-2022-01", name="Cứu đói giáp hạt 2022")  # 15 kg, 12.000 đ/kg
    households = []
    for members in (2, 3, 0, 1):  # besides the head
        household = HouseholdFactory(commune_id=HUU_LUNG)
        for _ in range(members):
            MemberFactory(household=household)
        households.append(household)
    first, second, third, untouched = households
    clerk = officer(HUU_LUNG, username="canbo_cd")

    log_in(page, base, clerk.username)
    page.locator('[data-nav-group="relief"]').click()
    page.locator('[data-nav="relief_rounds"]').click()
    page.get_by_test_id("rounds").get_by_role("link", name="CD-2022-01").click()
    page.wait_for_url(f"{base}/relief/rounds/{round.pk}/")

    rows = page.get_by_test_id("entry-rows")
    rows.wait_for()
    page.screenshot(path=shots / "relief-1-entry.png", full_page=True)

    rows.locator(f'tr[data-household="{first.code}"] [data-role="pick"]').check()
    rows.locator(f'tr[data-household="{second.code}"] [data-role="pick"]').check()
    # Typing the persons of a row ticks it; the default rice follows (2 × 15 kg).
    persons = rows.locator(f'tr[data-household="{third.code}"] [data-role="persons"]')
    persons.fill("2")
    assert rows.locator(f'tr[data-household="{third.code}"] [data-role="pick"]').is_checked()
    assert rows.locator(f'tr[data-household="{third.code}"] [data-role="rice"]').get_attribute("placeholder") == "30"
    page.get_by_test_id("entry-save").click()
    page.wait_for_url(f"{base}/relief/rounds/{round.pk}/*")

    assert page.get_by_test_id("total-households").inner_text() == "3"
    assert page.get_by_test_id("total-persons").inner_text() == "9"  # 3 + 4 + 2
    assert page.get_by_test_id("total-rice").inner_text() == "135"
    assert page.get_by_test_id("total-cost").inner_text().startswith("1.620.000")
    entry = page.get_by_test_id("entry-rows").inner_text()
    assert untouched.code in entry and first.code not in entry and third.code not in entry
    given = page.get_by_test_id("given").inner_text()
    assert first.code in given and second.code in given and third.code in given
    page.screenshot(path=shots / "relief-2-saved.png", full_page=True)

    assert Distribution.objects.filter(round=round).count() == 3
