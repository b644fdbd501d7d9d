"""Relief-round pages: the list and its figures, opening and closing a round, the round page's
quick entry (all or nothing, a household once per round, defaults from the ration), officers'
scoping, the head's totals by commune, the edit and delete of a distribution, the export."""

import datetime as dt
import html
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from relief.models import Distribution, ReliefRound, RoundStatus
from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    LANG_SON,
    DistributionFactory,
    HouseholdFactory,
    MemberFactory,
    ReliefRoundFactory,
    head,
    officer,
)

pytestmark = pytest.mark.django_db

GIVEN_ON = "10/02/2022"


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def household(commune=HUU_LUNG, members=0, **kwargs):
    """A household with its head and `members` more current members."""
    h = HouseholdFactory(commune_id=commune, **kwargs)
    for _ in range(members):
        MemberFactory(household=h)
    return h


def batch(households, commune=HUU_LUNG, given_on=GIVEN_ON, picked=None, **rows) -> dict:
    """The entry form's POST: every listed household's row, the picked ones ticked.
    `rows` overrides fields: h<pk>-rice_kg="…"."""
    data = {"action": "batch", "commune": str(commune), "distributed_on": given_on, "q": ""}
    picked = households if picked is None else picked
    for h in households:
        data[f"h{h.pk}-persons_covered"] = str(getattr(h, "persons", 1))
        data[f"h{h.pk}-rice_kg"] = ""
        data[f"h{h.pk}-cost_vnd"] = ""
        if h in picked:
            data[f"h{h.pk}-pick"] = "on"
    data.update(rows)
    return data


def url(round) -> str:
    return f"/relief/rounds/{round.pk}/"


# --- The entry ----------------------------------------------------------------------------------


def test_ticked_households_are_saved_with_rice_and_cost_from_the_ration(client, login):
    round = ReliefRoundFactory()  # 15 kg per person, 12.000 đ a kg
    a, b, c = household(members=3), household(members=1), household()
    a.persons, b.persons, c.persons = 4, 2, 1
    login(officer(HUU_LUNG))

    page = text_of(client.get(url(round)))
    for h in (a, b, c):
        assert h.code in page
    assert f'name="h{a.pk}-persons_covered" value="4"' in page  # current members by default

    response = client.post(url(round), batch([a, b, c], picked=[a, b], **{f"h{b.pk}-rice_kg": "25"}))
    assert response.status_code == 302
    rows = {d.household_id: d for d in Distribution.objects.filter(round=round)}
    assert set(rows) == {a.pk, b.pk}
    assert (rows[a.pk].persons_covered, rows[a.pk].rice_kg, rows[a.pk].cost_vnd) == (4, 60, 720_000)
    assert (rows[b.pk].rice_kg, rows[b.pk].cost_vnd) == (25, 25 * 12_000)  # typed rice, its cost at the value per kg
    assert rows[a.pk].distributed_on == dt.date(2022, 2, 10)

    page = text_of(client.get(response["Location"]))
    assert vi("Households") in page
    assert 'data-testid="total-households">2<' in page
    assert 'data-testid="total-persons">6<' in page
    assert 'data-testid="total-rice">85<' in page
    # Given households leave the entry list; the other stays.
    entry = page.split('data-testid="entry-rows"')[1].split("</table>")[0]
    assert c.code in entry and a.code not in entry and b.code not in entry


def test_a_named_person_without_a_household_is_entered_with_the_default_rice(client, login):
    round = ReliefRoundFactory(ration_kg=15, months=2, rice_value_vnd=10_000)
    login(officer(HUU_LUNG))
    response = client.post(
        url(round),
        {
            "action": "named",
            "commune": str(HUU_LUNG),
            "named-recipient_name": "Lò Văn Sáu",
            "named-persons_covered": "3",
            "named-distributed_on": GIVEN_ON,
        },
    )
    assert response.status_code == 302
    d = Distribution.objects.get(round=round)
    assert (d.household, d.recipient_name, d.rice_kg, d.cost_vnd) == (None, "Lò Văn Sáu", 90, 900_000)
    assert "Lò Văn Sáu" in text_of(client.get(url(round)))


def test_a_household_already_given_refuses_the_whole_batch_with_a_clear_message(client, login):
    round = ReliefRoundFactory()
    given = household()
    DistributionFactory(round=round, household=given)
    fresh = household(members=2)
    given.persons, fresh.persons = 1, 3
    login(officer(HUU_LUNG))

    # The officer had the page open before a colleague entered `given`.
    page = text_of(client.post(url(round), batch([fresh, given], **{f"h{fresh.pk}-rice_kg": "44"})))
    message = vi(
        "Household %(code)s already has a distribution in round %(round)s: change that one instead."
    ) % {"code": given.code, "round": round.code}
    assert message in page
    assert vi("Nothing was saved: correct the rows marked in red, then save again.") in page
    assert Distribution.objects.filter(round=round).count() == 1  # nothing of the batch
    # What the officer typed is kept, the message sits on the household's row.
    assert f'name="h{fresh.pk}-rice_kg" value="44"' in page
    rows = page.split('data-testid="entry-rows"')[1]
    assert rows.index(given.code) < rows.index(message)


def test_a_household_twice_in_one_batch_is_refused(client, login):
    round = ReliefRoundFactory()
    h = household()
    login(officer(HUU_LUNG))
    data = batch([h])
    # The same household posted twice cannot happen from one row: entering it twice means
    # two requests; the second is refused.
    assert client.post(url(round), data).status_code == 302
    page = text_of(client.post(url(round), data))
    assert vi(
        "Household %(code)s already has a distribution in round %(round)s: change that one instead."
    ) % {"code": h.code, "round": round.code} in page
    assert Distribution.objects.filter(round=round).count() == 1


def test_a_ticked_row_without_persons_and_a_future_date_are_refused(client, login):
    round = ReliefRoundFactory()
    h = household()
    login(officer(HUU_LUNG))
    future = (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    page = text_of(client.post(url(round), batch([h], given_on=future, **{f"h{h.pk}-persons_covered": ""})))
    assert vi("The date cannot be in the future.") in page
    assert vi("At least one person is covered.") in page
    assert not Distribution.objects.exists()


def test_nothing_ticked_is_refused(client, login):
    round = ReliefRoundFactory()
    h = household()
    login(officer(HUU_LUNG))
    page = text_of(client.post(url(round), batch([h], picked=[])))
    assert vi("Tick at least one household in the list.") in page
    assert not Distribution.objects.exists()


def test_the_entry_list_searches_without_accents(client, login):
    round = ReliefRoundFactory()
    wanted = household()
    wanted.head.full_name = "Hoàng Thị Lụa"
    wanted.head.save()
    wanted.head_name_folded = "hoang thi lua"
    wanted.save()
    other = household()
    login(officer(HUU_LUNG))
    page = text_of(client.get(url(round), {"q": "thi lua"}))
    entry = page.split('data-testid="entry-rows"')[1].split("</table>")[0]
    assert wanted.code in entry and other.code not in entry


# --- A closed round -----------------------------------------------------------------------------


def test_a_closed_round_refuses_entry_edit_and_delete(client, login):
    round = ReliefRoundFactory(status=RoundStatus.CLOSED)
    existing = DistributionFactory(round=round)
    h = household()
    login(officer(HUU_LUNG))

    page = text_of(client.get(url(round)))
    assert vi("This round is closed: its distributions are locked and no more can be entered.") in page
    assert 'data-testid="entry-form"' not in page
    assert f"/relief/distributions/{existing.pk}/edit/" not in page

    response = client.post(url(round), batch([h]), follow=True)
    assert vi("Round %(code)s is closed: its distributions are locked.") % {"code": round.code} in text_of(response)
    assert Distribution.objects.filter(round=round).count() == 1

    page = text_of(
        client.post(
            f"/relief/distributions/{existing.pk}/edit/",
            {"persons_covered": "9", "rice_kg": "135", "cost_vnd": "1", "distributed_on": GIVEN_ON, "version": existing.version},
        )
    )
    assert vi("Round %(code)s is closed: its distributions are locked.") % {"code": round.code} in page
    existing.refresh_from_db()
    assert existing.persons_covered == 4

    client.post(f"/relief/distributions/{existing.pk}/delete/")
    assert Distribution.objects.filter(pk=existing.pk).exists()

    # Nor can the round itself be changed.
    response = client.get(f"/relief/rounds/{round.pk}/edit/")
    assert response.status_code == 302


def test_a_head_closes_and_reopens_a_round(client, login):
    round = ReliefRoundFactory()
    boss = head()
    login(boss)
    page = text_of(client.get(url(round)))
    assert vi("Close the round") in page
    response = client.post(f"/relief/rounds/{round.pk}/close/", {"version": round.version, "action": "close"})
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.closed and round.closed_by == boss
    assert vi("Reopen the round") in text_of(client.get(url(round)))
    client.post(f"/relief/rounds/{round.pk}/close/", {"version": round.version, "action": "reopen"})
    round.refresh_from_db()
    assert not round.closed

    login(officer(HUU_LUNG))
    assert client.post(f"/relief/rounds/{round.pk}/close/", {"version": round.version}).status_code == 403


# --- Scoping and roles --------------------------------------------------------------------------


def test_an_officer_cannot_reach_another_communes_distribution_nor_submit_its_household(client, login):
    round = ReliefRoundFactory()
    theirs = DistributionFactory(round=round, commune_id=CHI_LANG)
    stranger = household(CHI_LANG)
    own = household()
    login(officer(HUU_LUNG))

    assert client.get(f"/relief/distributions/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/relief/distributions/{theirs.pk}/delete/").status_code == 404
    page = text_of(client.get(url(round)))
    assert theirs.household.code not in page and stranger.code not in page
    assert 'data-testid="total-households">0<' in page  # the other commune's row is not counted

    page = text_of(client.post(url(round), batch([own, stranger])))
    assert vi(
        "Some ticked households are not households of your communes: nothing was saved. Reload the page."
    ) in page
    assert Distribution.objects.filter(round=round).count() == 1

    # Posting the other commune's code as the commune changes nothing: it is not a choice.
    page = text_of(client.post(url(round), batch([own], commune=CHI_LANG)))
    assert vi("Choose one of your communes, then try again.") in page
    assert Distribution.objects.filter(round=round).count() == 1


def test_an_officer_of_two_communes_cannot_give_a_household_to_the_wrong_commune(client, login):
    round = ReliefRoundFactory()
    chi_lang = household(CHI_LANG)
    login(officer(HUU_LUNG, CHI_LANG))
    page = text_of(client.get(url(round), {"commune": CHI_LANG}))
    assert chi_lang.code in page
    page = text_of(client.post(url(round), batch([chi_lang], commune=HUU_LUNG)))
    assert vi("Household %(code)s belongs to another commune.") % {"code": chi_lang.code} in page
    assert not Distribution.objects.exists()
    assert client.post(url(round), batch([chi_lang], commune=CHI_LANG)).status_code == 302
    assert Distribution.objects.get().commune_id == CHI_LANG


def test_another_provinces_round_is_not_found(client, login):
    round = ReliefRoundFactory(province_id=1)
    login(officer(HUU_LUNG))
    assert client.get(url(round)).status_code == 404
    assert client.get(f"/relief/rounds/{round.pk}/export.xlsx").status_code == 404
    assert round.code not in text_of(client.get("/relief/rounds/"))


def test_heads_read_the_totals_by_commune_but_do_not_enter(client, login):
    round = ReliefRoundFactory()
    DistributionFactory(round=round, commune_id=HUU_LUNG, persons_covered=4, rice_kg=60, cost_vnd=720_000)
    DistributionFactory(round=round, commune_id=HUU_LUNG, persons_covered=2, rice_kg=30, cost_vnd=360_000)
    DistributionFactory(round=round, commune_id=CHI_LANG, persons_covered=5, rice_kg=75, cost_vnd=900_000)
    h = household()
    login(head())

    page = text_of(client.get(url(round)))
    table = page.split('data-testid="by-commune"')[1].split("</table>")[0]
    rows = [r for r in table.split("<tr") if "<td" in r]
    assert "Xã Chi Lăng" in rows[0] and ">1<" in rows[0] and ">75<" in rows[0]
    assert "Xã Hữu Lũng" in rows[1] and ">2<" in rows[1] and ">6<" in rows[1] and ">90<" in rows[1]
    assert "1.080.000 đ" in rows[1]
    assert vi("Total") in rows[2] and ">3<" in rows[2] and ">11<" in rows[2] and ">165<" in rows[2]
    assert "1.980.000 đ" in rows[2]
    assert 'data-testid="entry-form"' not in page

    assert client.post(url(round), batch([h])).status_code == 403
    assert client.get(f"/relief/distributions/{Distribution.objects.first().pk}/edit/").status_code == 403

    officer_page = text_of(login(officer(HUU_LUNG)).get(url(round)))
    assert 'data-testid="by-commune"' not in officer_page


def test_the_list_shows_each_rounds_figures_for_the_users_area(client, login):
    round = ReliefRoundFactory(code="CD-2022-01", name="Cứu đói giáp hạt 2022")
    DistributionFactory(round=round, commune_id=HUU_LUNG, persons_covered=4, rice_kg=60, cost_vnd=720_000)
    DistributionFactory(round=round, commune_id=CHI_LANG, persons_covered=5, rice_kg=75, cost_vnd=900_000)
    ReliefRoundFactory(code="TET-2023", cause="tet", start_on=dt.date(2023, 1, 10), end_on=dt.date(2023, 1, 20))

    login(officer(HUU_LUNG))
    page = text_of(client.get("/relief/rounds/"))
    row = page.split("CD-2022-01<")[1].split("</tr>")[0]
    assert "Cứu đói giáp hạt 2022" in row and "01/01/2022 – 31/03/2022" in row
    assert ">60<" in row and "720.000 đ" in row and ">75<" not in row

    page = text_of(client.get("/relief/rounds/", {"cause": "tet"}))
    assert "TET-2023" in page and "CD-2022-01" not in page
    page = text_of(client.get("/relief/rounds/", {"year": "2022", "q": "giáp"}))
    assert "CD-2022-01" in page and "TET-2023" not in page

    head_page = text_of(login(head()).get("/relief/rounds/"))
    row = head_page.split("CD-2022-01<")[1].split("</tr>")[0]
    assert ">135<" in row and "1.620.000 đ" in row


# --- Opening and changing a round ---------------------------------------------------------------


def test_an_officer_opens_a_round_of_their_province(client, login):
    login(officer(HUU_LUNG))
    response = client.post(
        "/relief/rounds/new/",
        {
            "code": "CD-2024-01",
            "name": "Cứu đói giáp hạt 2024",
            "cause": "hunger",
            "funding_source": "central",
            "start_on": "01/03/2024",
            "end_on": "30/04/2024",
            "ration_kg": "12,5",
            "months": "2",
            "rice_value_vnd": "13.000",
        },
    )
    assert response.status_code == 302
    round = ReliefRound.objects.get(code="CD-2024-01")
    assert round.province_id == LANG_SON and round.ration_kg == 12.5 and round.rice_value_vnd == 13_000

    page = text_of(client.get(f"/relief/rounds/{round.pk}/edit/"))
    assert 'value="CD-2024-01"' in page
    response = client.post(
        f"/relief/rounds/{round.pk}/edit/",
        {"code": "CD-2024-01", "name": "Giáp hạt", "cause": "hunger", "months": "2", "version": round.version - 1},
    )
    assert response.status_code == 200  # a stale edit is refused
    round.refresh_from_db()
    assert round.name == "Cứu đói giáp hạt 2024"


def test_the_end_of_a_round_cannot_precede_its_start(client, login):
    login(head())
    page = text_of(
        client.post(
            "/relief/rounds/new/",
            {"code": "X", "cause": "other", "months": "1", "start_on": "10/03/2024", "end_on": "01/03/2024"},
        )
    )
    assert vi("The end cannot be before the start.") in page
    assert not ReliefRound.objects.exists()


# --- Editing, deleting, exporting ----------------------------------------------------------------


def test_an_officer_edits_and_deletes_a_distribution_and_a_stale_edit_is_refused(client, login):
    round = ReliefRoundFactory()
    d = DistributionFactory(round=round)
    login(officer(HUU_LUNG))
    data = {"persons_covered": "5", "rice_kg": "75", "cost_vnd": "900.000", "distributed_on": GIVEN_ON, "version": d.version}
    assert client.post(f"/relief/distributions/{d.pk}/edit/", data).status_code == 302
    d.refresh_from_db()
    assert (d.persons_covered, d.rice_kg, d.cost_vnd) == (5, 75, 900_000)

    page = text_of(client.post(f"/relief/distributions/{d.pk}/edit/", {**data, "persons_covered": "6"}))
    assert vi(
        "This record was changed by someone else after you opened it. "
        "Look at their changes below, then save again to keep yours."
    ) in page
    d.refresh_from_db()
    assert d.persons_covered == 5

    assert vi("Delete this distribution?") in text_of(client.get(f"/relief/distributions/{d.pk}/delete/"))
    assert client.post(f"/relief/distributions/{d.pk}/delete/").status_code == 302
    assert not Distribution.objects.exists()
    # The household is back in the entry list.
    entry = text_of(client.get(url(round))).split('data-testid="entry-rows"')[1]
    assert d.household.code in entry


def test_the_export_holds_the_distributions_of_the_users_area(client, login, caplog):
    round = ReliefRoundFactory(code="CD-2022-02")
    own = DistributionFactory(round=round, commune_id=HUU_LUNG, persons_covered=4, rice_kg=60, cost_vnd=720_000)
    DistributionFactory(
        round=round, commune_id=HUU_LUNG, household=None, recipient_name="=Lò Văn Bảy", persons_covered=1,
        rice_kg=15, cost_vnd=180_000,
    )
    other = DistributionFactory(round=round, commune_id=CHI_LANG)
    clerk = officer(HUU_LUNG)
    login(clerk)
    with caplog.at_level("INFO", logger="welfare.audit"):
        response = client.get(f"/relief/rounds/{round.pk}/export.xlsx")
    assert response.status_code == 200
    assert "cuu-tro-CD-2022-02.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    codes = [r[3] for r in rows[1:-1]]
    assert own.household.code in codes and other.household.code not in codes
    named = next(r for r in rows if r[4] and "Lò Văn Bảy" in r[4])
    assert not named[4].startswith("=")  # formulas neutralised
    assert rows[-1][5:8] == [5, 75, 900_000]
    assert any(clerk.username in m and round.code in m for m in caplog.messages)
