"""The imports of the relief app (contract.md, "Import"): relief_distributions, gifts,
covid_support. Through the command (as an admin) and as officers and heads (scoped)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from relief import services
from relief.models import CovidPolicyGroup, CovidSupport, Distribution, Gift, GiftRound, ReliefRound
from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    DistributionFactory,
    GiftRoundFactory,
    HouseholdFactory,
    PersonFactory,
    ReliefRoundFactory,
    admin,
    head,
    officer,
)
from tests.imports.helpers import run_as, run_command, write
from welfare.imports.models import ImportRun, RunStatus
from welfare.imports.services import UndoRefused, import_undo

pytestmark = pytest.mark.django_db

DIS = ["round_code", "commune_code", "cause", "persons_covered", "distributed_on", "household_code",
       "recipient_name", "rice_kg", "cost_vnd"]
GIFT = ["round_code", "commune_code", "recipient_group", "funding_source", "recipient_name", "value_vnd",
        "given_on", "household_code"]
COVID = ["commune_code", "recipient_type", "recipient_name", "policy", "amount_vnd", "approved_on"]


@pytest.fixture(autouse=True)
def in_english():
    """Messages in the English source, so the assertions hold before and after the Vietnamese
    catalogue is merged."""
    with translation.override("en"):
        yield


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


# --- relief_distributions -----------------------------------------------------------------------


def test_distributions_import_with_the_rounds_ration_for_blank_rice_and_cost(tmp_path):
    round = ReliefRoundFactory(code="CD-2022", ration_kg=15, months=2, rice_value_vnd=12_000)
    first = HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Hoàng Văn Nam"))
    second = HouseholdFactory(code="CL-1", commune_id=CHI_LANG)
    path = write(tmp_path, "cd.csv", [
        DIS,
        ["CD-2022", HUU_LUNG, "hunger", 4, "2022-02-10", "HL-1", "Hoàng Văn Nam", "", ""],
        ["CD-2022", CHI_LANG, "hunger", 3, "10/02/2022", "CL-1", "", 50, 700000],
        ["CD-2022", HUU_LUNG, "hunger", 1, "2022-02-11", "", "Lý Văn Lang thang", "", ""],
    ])
    assert run_command("relief_distributions", path) == (0, ["imported 3 relief_distributions"])
    by_household = {d.household_id: d for d in Distribution.objects.filter(round=round)}
    # 4 persons × 15 kg × 2 months = 120 kg, at 12,000 VND a kg.
    assert (by_household[first.pk].rice_kg, by_household[first.pk].cost_vnd) == (120, 1_440_000)
    assert (by_household[second.pk].rice_kg, by_household[second.pk].cost_vnd) == (50, 700_000)
    assert by_household[second.pk].commune_id == CHI_LANG
    # A recipient named within the household is linked to that member.
    assert by_household[first.pk].person == first.head and by_household[second.pk].person is None
    named = by_household[None]
    assert (named.recipient_name, named.rice_kg, named.distributed_on) == ("Lý Văn Lang thang", 30,
                                                                          dt.date(2022, 2, 11))
    assert named.recipient_folded == "ly van lang thang"
    assert by_household[first.pk].history.get().history_change_reason == f"import {ImportRun.objects.get().pk}"


def test_one_bad_row_saves_nothing_and_names_row_and_column(tmp_path):
    ReliefRoundFactory(code="CD-2022")
    HouseholdFactory(code="HL-1")
    path = write(tmp_path, "cd.csv", [
        DIS,
        ["CD-2022", HUU_LUNG, "hunger", 4, "2022-02-10", "HL-1", "", "", ""],
        [],
        ["CD-2022", HUU_LUNG, "hunger", 2, "2022-02-10", "", "", "", ""],
        ["CD-2022", HUU_LUNG, "flood", 2, tomorrow(), "HL-404", "", -5, ""],
        ["CD-2022", HUU_LUNG, "hunger", 0, "2022-02-10", "", "Vi Văn Tám", "", ""],
    ])
    status, lines = run_command("relief_distributions", path)
    assert status == 1
    assert lines == [
        "row 3, column recipient_name: Choose a household or write the recipient's name.",
        "row 4, column cause: “flood” is not one of: hunger, disaster, tet, other.",
        "row 4, column distributed_on: The date cannot be in the future.",
        "row 5, column persons_covered: At least one person is covered.",
    ]
    assert not Distribution.objects.exists()
    # With the parse errors fixed, the unknown household and the negative rice are named.
    path = write(tmp_path, "cd2.csv", [DIS, ["CD-2022", HUU_LUNG, "hunger", 2, "2022-02-10", "HL-404", "",
                                             "-5", ""]])
    assert run_command("relief_distributions", path) == (1, [
        "row 1, column rice_kg: The rice cannot be negative.",
    ])
    path = write(tmp_path, "cd3.csv", [DIS, ["CD-2022", HUU_LUNG, "hunger", 2, "2022-02-10", "HL-404", "",
                                             "", ""]])
    assert run_command("relief_distributions", path) == (1, [
        "row 1, column household_code: No household has the code HL-404.",
    ])


def test_an_unknown_round_code_opens_the_round_and_later_rows_use_it(tmp_path, monkeypatch):
    from welfare.imports import engine

    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)  # the round is found again in a later chunk
    HouseholdFactory(code="HL-1")
    HouseholdFactory(code="HL-2")
    HouseholdFactory(code="CL-1", commune_id=CHI_LANG)
    path = write(tmp_path, "bl.csv", [
        DIS,
        ["BL-2024", HUU_LUNG, "disaster", 4, "2024-09-10", "HL-1", "", "", ""],
        ["BL-2024", HUU_LUNG, "disaster", 2, "2024-09-10", "HL-2", "", "", ""],
        ["BL-2024", CHI_LANG, "disaster", 5, "2024-09-11", "CL-1", "", 100, ""],
    ])
    assert run_command("relief_distributions", path) == (0, ["imported 3 relief_distributions"])
    round = ReliefRound.objects.get()
    assert (round.province_id, round.code, round.name, round.cause, round.status) == (
        LANG_SON, "BL-2024", "BL-2024", "disaster", "open"
    )
    assert round.distributions.count() == 3
    # No ration yet: blank rice and cost are 0 until the round's ration is set.
    assert sorted(round.distributions.values_list("rice_kg", flat=True)) == [0, 0, 100]
    # A later file reuses the round; the code is the round of the row's province: the same code
    # in Hà Nội is another round.
    HouseholdFactory(code="HN-1", commune_id=HA_NOI_COMMUNE)
    path = write(tmp_path, "bl2.csv", [
        DIS,
        ["BL-2024", CHI_LANG, "disaster", 1, "2024-09-12", "", "Hoàng Văn Nam", "", ""],
        ["BL-2024", HA_NOI_COMMUNE, "disaster", 3, "2024-09-12", "HN-1", "", "", ""],
    ])
    assert run_command("relief_distributions", path)[0] == 0
    assert round.distributions.count() == 4
    assert ReliefRound.objects.filter(code="BL-2024").count() == 2


def test_a_row_with_another_cause_than_its_round_is_invalid(tmp_path):
    ReliefRoundFactory(code="CD-2022", cause="hunger")
    HouseholdFactory(code="HL-1")
    HouseholdFactory(code="HL-2")
    path = write(tmp_path, "cd.csv", [
        DIS,
        ["CD-2022", HUU_LUNG, "tet", 4, "2022-02-10", "HL-1", "", "", ""],
        # A new round takes its cause from its first row.
        ["TET-1", HUU_LUNG, "tet", 4, "2022-01-20", "HL-1", "", "", ""],
        ["TET-1", HUU_LUNG, "other", 4, "2022-01-20", "HL-2", "", "", ""],
    ])
    assert run_command("relief_distributions", path) == (1, [
        "row 1, column cause: Round CD-2022 is for “Hunger relief (lean season)”: a round has one cause.",
        "row 3, column cause: Round TET-1 is for “Tết”: a round has one cause.",
    ])
    assert not ReliefRound.objects.filter(code="TET-1").exists()


def test_a_closed_rounds_distributions_are_locked(tmp_path):
    round = ReliefRoundFactory(code="CD-2022", status="closed")
    kept = DistributionFactory(round=round, household=HouseholdFactory(code="HL-1"), persons_covered=4)
    path = write(tmp_path, "cd.csv", [
        DIS,
        ["CD-2022", HUU_LUNG, "hunger", 6, "2022-02-10", "HL-1", "", "", ""],
        ["CD-2022", HUU_LUNG, "hunger", 1, "2022-02-10", "", "Vi Văn Tám", "", ""],
    ])
    message = "Round CD-2022 is closed: its distributions are locked."
    assert run_command("relief_distributions", path) == (1, [
        f"row 1, column round_code: {message}", f"row 2, column round_code: {message}",
    ])
    kept.refresh_from_db()
    assert kept.persons_covered == 4 and Distribution.objects.count() == 1


def test_a_household_must_belong_to_the_rows_commune(tmp_path):
    ReliefRoundFactory(code="CD-2022")
    HouseholdFactory(code="CL-1", commune_id=CHI_LANG)
    path = write(tmp_path, "cd.csv", [DIS, ["CD-2022", HUU_LUNG, "hunger", 4, "2022-02-10", "CL-1", "", "", ""]])
    assert run_command("relief_distributions", path) == (1, [
        "row 1, column household_code: Household CL-1 belongs to another commune.",
    ])


def test_the_same_household_twice_in_a_round_is_the_same_key(tmp_path):
    ReliefRoundFactory(code="CD-2022")
    HouseholdFactory(code="HL-1")
    path = write(tmp_path, "cd.csv", [
        DIS,
        ["CD-2022", HUU_LUNG, "hunger", 4, "2022-02-10", "HL-1", "", "", ""],
        ["CD-2022", HUU_LUNG, "hunger", 3, "2022-02-11", "HL-1", "", "", ""],
    ])
    assert run_command("relief_distributions", path) == (1, [
        "row 2, column household_code: The same key as row 1: a record may appear only once in a file.",
    ])


def test_a_row_updates_the_households_distribution_and_keeps_blank_cells(tmp_path):
    round = ReliefRoundFactory(code="CD-2022")
    household = HouseholdFactory(code="HL-1")
    kept = DistributionFactory(round=round, household=household, persons_covered=4, rice_kg=60, cost_vnd=720_000)
    path = write(tmp_path, "cd.csv", [DIS, ["CD-2022", HUU_LUNG, "hunger", 5, "2022-02-15", "HL-1", "", "", ""]])
    assert run_command("relief_distributions", path) == (0, ["imported 1 relief_distributions"])
    kept.refresh_from_db()
    # Blank rice and cost leave the stored values (not the ration's 75 kg).
    assert (kept.persons_covered, kept.distributed_on, kept.rice_kg, kept.cost_vnd, kept.version) == (
        5, dt.date(2022, 2, 15), 60, 720_000, 2
    )
    path = write(tmp_path, "cd2.csv", [DIS, ["CD-2022", HUU_LUNG, "hunger", 5, "2022-02-15", "HL-1", "", 75, ""]])
    assert run_command("relief_distributions", path)[0] == 0
    kept.refresh_from_db()
    assert (kept.rice_kg, kept.cost_vnd) == (75, 720_000)
    assert Distribution.objects.count() == 1
    assert ImportRun.objects.order_by("pk").last().updated == 1


def test_an_officer_imports_only_their_communes_distributions(tmp_path):
    round = ReliefRoundFactory(code="CD-2022")
    HouseholdFactory(code="HL-1")
    HouseholdFactory(code="CL-1", commune_id=CHI_LANG)
    path = write(tmp_path, "cd.csv", [
        DIS,
        ["CD-2022", HUU_LUNG, "hunger", 4, "2022-02-10", "HL-1", "", "", ""],
        ["CD-2022", CHI_LANG, "hunger", 4, "2022-02-10", "CL-1", "", "", ""],
        ["CD-2022", HA_NOI_COMMUNE, "hunger", 1, "2022-02-10", "", "Người Hà Nội", "", ""],
    ])
    assert run_as(officer(HUU_LUNG), "relief_distributions", path) == (False, [
        f"row 2, column commune_code: You do not work in commune {CHI_LANG}.",
        f"row 3, column commune_code: You do not work in commune {HA_NOI_COMMUNE}.",
    ])
    assert run_as(head(LANG_SON), "relief_distributions", path) == (False, [
        f"row 3, column commune_code: Commune {HA_NOI_COMMUNE} is not in your province.",
    ])
    ok = write(tmp_path, "ok.csv", [DIS, ["CD-2022", HUU_LUNG, "hunger", 4, "2022-02-10", "HL-1", "", "", ""],
                                    ["NEW-1", HUU_LUNG, "tet", 2, "2022-01-20", "", "Vi Văn Tám", "", ""]])
    assert run_as(officer(HUU_LUNG), "relief_distributions", ok) == (True, ["imported 2 relief_distributions"])
    assert round.distributions.count() == 1
    assert ReliefRound.objects.get(code="NEW-1").province_id == LANG_SON


def test_distributions_are_checked_and_written_in_bulk(tmp_path):
    ReliefRoundFactory(code="CD-2022")

    def queries(n: int, prefix: str) -> int:
        rows = [["CD-2022", HUU_LUNG, "hunger", 2, "2022-02-10", "", f"{prefix} {i}", "", ""] for i in range(n)]
        path = write(tmp_path, f"{prefix}.csv", [DIS, *rows])
        with CaptureQueriesContext(connection) as captured:
            assert run_command("relief_distributions", path)[0] == 0
        return len(captured.captured_queries)

    assert queries(200, "B") < queries(10, "A") + 20


def test_undo_removes_the_distributions_and_the_round_the_import_opened(tmp_path):
    HouseholdFactory(code="HL-1")
    round = ReliefRoundFactory(code="CD-2022")
    changed = DistributionFactory(round=round, household=HouseholdFactory(code="HL-2"), persons_covered=4)
    path = write(tmp_path, "bl.csv", [
        DIS,
        ["BL-2024", HUU_LUNG, "disaster", 4, "2024-09-10", "HL-1", "", "", ""],
        ["CD-2022", HUU_LUNG, "hunger", 6, "2022-02-10", "HL-2", "", "", ""],
    ])
    user = head(LANG_SON)
    assert run_as(user, "relief_distributions", path)[0]
    run = ImportRun.objects.get()
    import_undo(user=user, run=run)
    assert not ReliefRound.objects.filter(code="BL-2024").exists()
    changed.refresh_from_db()
    assert changed.persons_covered == 4 and Distribution.objects.count() == 1
    assert ImportRun.objects.get().status == RunStatus.UNDONE


def test_undo_is_refused_when_later_distributions_use_the_round_it_opened(tmp_path):
    HouseholdFactory(code="HL-1")
    later = HouseholdFactory(code="HL-2")
    path = write(tmp_path, "bl.csv", [DIS, ["BL-2024", HUU_LUNG, "disaster", 4, "2024-09-10", "HL-1", "", "", ""]])
    assert run_command("relief_distributions", path)[0] == 0
    round = ReliefRound.objects.get()
    services.distributions_add(user=admin(), round=round, entries=[
        services.Entry(commune_id=HUU_LUNG, persons_covered=2, distributed_on=dt.date(2024, 9, 12), household=later)
    ])
    with pytest.raises(UndoRefused):
        import_undo(user=admin(), run=ImportRun.objects.get())
    # Nothing was undone: the imported distribution and the round stay.
    assert round.distributions.count() == 2


# --- gifts --------------------------------------------------------------------------------------


def test_gifts_import_and_open_an_unknown_gift_round(tmp_path):
    household = HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Hoàng Văn Nam"))
    GiftRoundFactory(code="QT-2023")
    path = write(tmp_path, "qua.csv", [
        GIFT,
        ["QT-2023", HUU_LUNG, "poor_household", "province", "HOANG VAN NAM", "600.000", "2023-01-15", "HL-1"],
        ["QT-2024", CHI_LANG, "elderly", "socialized", "Vi Thị Tám", 500000, "2024-02-01", ""],
        ["QT-2024", HUU_LUNG, "meritorious", "central", "Lý Văn Hùng", 400000, "2024-02-02", ""],
    ])
    assert run_command("gifts", path) == (0, ["imported 3 gifts"])
    linked = Gift.objects.get(round__code="QT-2023")
    # A recipient named within the household is linked to that member.
    assert (linked.household, linked.person, linked.value_vnd) == (household, household.head, 600_000)
    opened = GiftRound.objects.get(code="QT-2024")
    assert (opened.province_id, opened.name) == (LANG_SON, "QT-2024")
    assert opened.gifts.count() == 2
    assert {g.funding_source for g in opened.gifts.all()} == {"socialized", "central"}


def test_a_bad_gift_row_saves_nothing(tmp_path):
    HouseholdFactory(code="CL-1", commune_id=CHI_LANG)
    path = write(tmp_path, "qua.csv", [
        GIFT,
        ["QT-2024", HUU_LUNG, "elderly", "province", "Vi Thị Tám", 500000, "2024-02-01", ""],
        ["QT-2024", HUU_LUNG, "elderly", "province", "Vi Văn Tám", 0, "2024-02-01", ""],
        ["QT-2024", HUU_LUNG, "elderly", "province", "Hoàng Văn Nam", 500000, "2024-02-01", "CL-1"],
        ["QT-2024", HUU_LUNG, "veterans", "ngo", "Lý Văn Hùng", 500000, tomorrow(), ""],
    ])
    status, lines = run_command("gifts", path)
    assert status == 1
    assert lines == [
        "row 2, column value_vnd: Enter a value above zero.",
        "row 3, column household_code: Household CL-1 belongs to another commune.",
        "row 4, column recipient_group: “veterans” is not one of: poor_household, social_protection, elderly, "
        "children, meritorious, worker, other.",
        "row 4, column funding_source: “ngo” is not one of: central, province, district, commune, socialized.",
        "row 4, column given_on: The date cannot be in the future.",
    ]
    assert not Gift.objects.exists() and not GiftRound.objects.exists()


def test_an_officer_imports_gifts_of_their_communes_only(tmp_path):
    path = write(tmp_path, "qua.csv", [
        GIFT,
        ["QT-2024", HUU_LUNG, "elderly", "province", "Vi Thị Tám", 500000, "2024-02-01", ""],
        ["QT-2024", CHI_LANG, "elderly", "province", "Vi Văn Tám", 500000, "2024-02-01", ""],
    ])
    assert run_as(officer(HUU_LUNG), "gifts", path) == (False, [
        f"row 2, column commune_code: You do not work in commune {CHI_LANG}.",
    ])
    assert run_as(officer(HUU_LUNG, CHI_LANG), "gifts", path) == (True, ["imported 2 gifts"])


def test_undo_removes_the_gifts_and_their_new_round(tmp_path):
    kept = GiftRoundFactory(code="QT-2023")
    path = write(tmp_path, "qua.csv", [
        GIFT,
        ["QT-2023", HUU_LUNG, "elderly", "province", "Vi Thị Tám", 500000, "2023-02-01", ""],
        ["QT-2024", HUU_LUNG, "elderly", "province", "Vi Văn Tám", 500000, "2024-02-01", ""],
    ])
    user = officer(HUU_LUNG)
    assert run_as(user, "gifts", path)[0]
    import_undo(user=user, run=ImportRun.objects.get())
    assert not Gift.objects.exists()
    assert list(GiftRound.objects.all()) == [kept]


# --- covid_support ------------------------------------------------------------------------------


def test_covid_support_links_the_policy_group_of_its_code(tmp_path):
    group = CovidPolicyGroup.objects.get(number=5)
    path = write(tmp_path, "covid.csv", [
        COVID,
        [HUU_LUNG, "worker", "Nguyễn Văn An", group.code, 3710000, "2021-09-15"],
        [CHI_LANG, "household_business", "Hộ kinh doanh Bình Minh", " 68/NQ-CP ", "3.000.000", "15/10/2021"],
    ])
    assert run_command("covid_support", path) == (0, ["imported 2 covid_support"])
    linked = CovidSupport.objects.get(commune_id=HUU_LUNG)
    assert (linked.policy_group, linked.amount_vnd, linked.approved_on) == (group, 3_710_000, dt.date(2021, 9, 15))
    other = CovidSupport.objects.get(commune_id=CHI_LANG)
    # Free text that is no group's code is kept as written, unlinked.
    assert (other.policy, other.policy_group, other.amount_vnd) == ("68/NQ-CP", None, 3_000_000)
    assert other.recipient_folded == "ho kinh doanh binh minh"


def test_a_bad_covid_row_saves_nothing_and_officers_are_scoped(tmp_path):
    path = write(tmp_path, "covid.csv", [
        COVID,
        [HUU_LUNG, "worker", "Nguyễn Văn An", "68/NQ-CP", 3710000, "2021-09-15"],
        [HUU_LUNG, "student", "Trần Văn B", "68/NQ-CP", 0, tomorrow()],
        [CHI_LANG, "employer", "Công ty A", "23/2021/QĐ-TTg", 1000000, "2021-09-15"],
    ])
    status, lines = run_command("covid_support", path)
    assert status == 1
    assert lines == [
        "row 2, column recipient_type: “student” is not one of: worker, employer, household_business, other.",
        "row 2, column approved_on: The date cannot be in the future.",
    ]
    assert not CovidSupport.objects.exists()
    fine = write(tmp_path, "covid2.csv", [COVID, [HUU_LUNG, "worker", "Nguyễn Văn An", "68/NQ-CP", 0,
                                                  "2021-09-15"]])
    assert run_command("covid_support", fine) == (1, ["row 1, column amount_vnd: Enter an amount above zero."])
    mixed = write(tmp_path, "covid3.csv", [COVID, [HUU_LUNG, "worker", "Nguyễn Văn An", "68/NQ-CP", 1000,
                                                   "2021-09-15"],
                                           [CHI_LANG, "employer", "Công ty A", "68/NQ-CP", 1000, "2021-09-15"]])
    assert run_as(officer(HUU_LUNG), "covid_support", mixed) == (False, [
        f"row 2, column commune_code: You do not work in commune {CHI_LANG}.",
    ])
    assert run_as(head(LANG_SON), "covid_support", mixed) == (True, ["imported 2 covid_support"])


def test_undo_removes_the_covid_support(tmp_path):
    path = write(tmp_path, "covid.csv", [COVID, [HUU_LUNG, "worker", "Nguyễn Văn An", "68/NQ-CP", 3710000,
                                                 "2021-09-15"]])
    assert run_command("covid_support", path)[0] == 0
    import_undo(user=admin(), run=ImportRun.objects.get())
    assert not CovidSupport.objects.exists()


def test_the_xlsx_templates_download_and_the_filled_template_imports(tmp_path, client, login):
    import io

    from openpyxl import load_workbook

    from welfare.imports.registry import kind_for

    login(officer(HUU_LUNG))
    for kind in ("relief_distributions", "gifts", "covid_support"):
        response = client.get(f"/imports/templates/{kind}.xlsx", HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200, kind
        keys = [c.value for c in next(load_workbook(io.BytesIO(response.content)).active.iter_rows(max_row=1))]
        assert keys == [c.key for c in kind_for(kind).columns]
    with translation.override("vi"):
        labels = [str(c.label) for c in kind_for("covid_support").columns]
    path = write(tmp_path, "covid.xlsx", [COVID, labels, [HUU_LUNG, "worker", "Nguyễn Văn An", "68/NQ-CP",
                                                          3710000, dt.date(2021, 9, 15)]])
    assert run_command("covid_support", path) == (0, ["imported 1 covid_support"])
