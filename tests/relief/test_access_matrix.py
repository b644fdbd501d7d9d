"""Who may open and post every page under /relief/ (design.md "Roles", conventions.md
"Scoping"): relief rounds and gift rounds cover a whole province, so every officer of a commune
of Lạng Sơn opens Lạng Sơn's rounds, but reads and enters only the distributions and gifts of
their own communes, and the figures of those; COVID-19 support belongs to a commune.

The matrix walks `relief.urls.urlpatterns` (rounds, gifts and COVID-19 pages), so a page added
later either gets an entry in `ENTRIES` or fails `test_every_url_has_an_entry`. Each page is
opened by GET and by POST with a payload that succeeds for whoever may write, as:

- nobody logged in: sent to the login page;
- an officer of Xã Chi Lăng (another commune of the same province): Lạng Sơn's rounds open
  (200) and may be changed (`welfare.manage_rounds`), but 404 for a distribution, gift or
  support of Xã Hữu Lũng, 403 for an action of another role, and nothing changed;
- an officer of Xã Hữu Lũng: the page (200) or the write done (302);
- the head of Lạng Sơn: read pages 200, pages that edit cases 403, rounds opened and changed
  (`welfare.manage_rounds`) and closed (`welfare.close_rounds`);
- the head of Hà Nội (another province): 404 for the record (403 for a case-edit page, refused
  by role before any record is looked up), nothing changed;
- an officer of Phường Ba Đình, Hà Nội ("away"): 404 for Lạng Sơn's rounds and their records;
- an administrator: allowed.

Then the lists, the round pages, their totals and the XLSX exports never show another
commune's rows to an officer nor another province's to a head, the forms' choices (communes,
households of the entry list) never offer them, and a POST that forges another commune's
household or commune is refused with nothing changed.

The role tables, `Entry`, and the page helpers (`options`, `xlsx_rows`, `body`, `d`) are
imported from the households matrix; the tables gain the "away" officer here.
"""

import datetime as dt
import html
import re
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.urls import URLPattern
from openpyxl import load_workbook

from relief import urls as relief_urls
from relief.models import CovidSupport, Distribution, Gift, GiftRound, ReliefRound
from tests.access_matrix import Entry, Matrix
from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    CovidSupportFactory,
    DistributionFactory,
    GiftFactory,
    GiftRoundFactory,
    HouseholdFactory,
    MemberFactory,
    PersonFactory,
    ReliefRoundFactory,
    UserFactory,
    admin,
    head,
    officer,
)
from tests.households.test_access_matrix import (
    EDIT_GET,
    EDIT_POST,
    HA_NOI,
    LIST,
    NEW_GET,
    NEW_POST,
    NO_GET,
    NO_POST,
    ROLES,
    WRITERS,
    body,
    d,
    options,
    xlsx_rows,
)
from welfare.areas.models import Commune

pytestmark = pytest.mark.django_db

PREFIX = "/relief/"
# The five roles of the other matrices, and an officer of a commune of Hà Nội.
ALL_ROLES = [*ROLES, "away"]
GIVEN = dt.date(2022, 2, 10)


def patterns() -> list[URLPattern]:
    for pattern in relief_urls.urlpatterns:
        assert isinstance(pattern, URLPattern), f"{pattern!r}: nested includes are not walked"
    return list(relief_urls.urlpatterns)


URL_NAMES = [p.name for p in patterns()]


# --- The world: one of each record in Xã Hữu Lũng, and the same in Chi Lăng and Hà Nội -----------


@dataclass
class Area:
    given: Distribution  # a household's distribution in the province's relief round
    named: Distribution  # a named person without a household, same round
    waiting: object  # a household of the commune not yet given in the round (the entry list)
    gift: Gift  # a gift of the province's gift round
    support: CovidSupport
    commune: int


@dataclass
class World:
    users: dict
    hl: Area
    cl: Area
    hn: Area
    rounds: dict  # province -> ReliefRound
    gift_rounds: dict  # province -> GiftRound


# prefix, the given head, the waiting head, the named recipient, the gift's, the support's
NAMES = {
    HUU_LUNG: ("HL", "Nông Văn Hữu", "Nông Thị Chờ", "Mã Văn Lẻ", "Hoàng Thị Quà", "Vi Văn Dịch"),
    CHI_LANG: ("CL", "Lý Thị Chi", "Lý Văn Đợi", "Lục Thị Đơn", "Lục Văn Tặng", "Hà Thị Dịch"),
    HA_NOI_COMMUNE: (
        "HN", "Trần Văn Hà", "Trần Thị Mong", "Đỗ Văn Lẻ", "Đỗ Thị Quà", "Phạm Văn Dịch"
    ),
}
PREFIX_OF = {"HL": HUU_LUNG, "CL": CHI_LANG, "HN": HA_NOI_COMMUNE}
COMMUNE_NAMES = {"HL": "Xã Hữu Lũng", "CL": "Xã Chi Lăng", "HN": "Phường Ba Đình"}

# Figures chosen so that every sum is a distinct number (persons, rice kg, cost VND).
FIGURES = {
    # household's distribution, named person's distribution
    HUU_LUNG: ((4, 60, 720_000), (1, 15, 180_000)),
    CHI_LANG: ((7, 105, 1_260_000), (2, 30, 360_000)),
    HA_NOI_COMMUNE: ((6, 90, 1_080_000), (3, 45, 540_000)),
}
GIFT_VALUE = {HUU_LUNG: 610_000, CHI_LANG: 730_000, HA_NOI_COMMUNE: 850_000}
SUPPORT_AMOUNT = {HUU_LUNG: 3_710_000, CHI_LANG: 2_470_000, HA_NOI_COMMUNE: 1_930_000}


def household(code: str, commune: int, head_name: str, members: int = 1):
    made = HouseholdFactory(
        code=code,
        commune_id=commune,
        village=f"Thôn {code}",
        head_member=PersonFactory(full_name=head_name, commune_id=commune),
    )
    for _ in range(members - 1):
        MemberFactory(household=made, relation="child")
    return made


def area(commune: int, round: ReliefRound, gift_round: GiftRound) -> Area:
    prefix, given_name, waiting_name, named_name, gift_name, support_name = NAMES[commune]
    (persons, rice, cost), (n_persons, n_rice, n_cost) = FIGURES[commune]
    given = DistributionFactory(
        round=round,
        commune_id=commune,
        household=household(f"{prefix}-A", commune, given_name, members=persons),
        persons_covered=persons,
        rice_kg=rice,
        cost_vnd=cost,
        distributed_on=GIVEN,
    )
    named = DistributionFactory(
        round=round,
        commune_id=commune,
        household=None,
        recipient_name=named_name,
        persons_covered=n_persons,
        rice_kg=n_rice,
        cost_vnd=n_cost,
        distributed_on=GIVEN,
    )
    waiting = household(f"{prefix}-B", commune, waiting_name, members=3)
    gift = GiftFactory(
        round=gift_round,
        commune_id=commune,
        household=given.household,
        recipient_name=gift_name,
        value_vnd=GIFT_VALUE[commune],
    )
    support = CovidSupportFactory(
        commune_id=commune,
        recipient_name=support_name,
        amount_vnd=SUPPORT_AMOUNT[commune],
        decision_number=f"{prefix}/QĐ-UBND",
    )
    return Area(given, named, waiting, gift, support, commune)


@pytest.fixture
def world() -> World:
    users = {
        "own": officer(HUU_LUNG),
        "other": officer(CHI_LANG),
        "head": head(LANG_SON),
        "far": head(HA_NOI),
        "admin": admin(),
        "away": officer(HA_NOI_COMMUNE),
    }
    rounds = {
        LANG_SON: ReliefRoundFactory(province_id=LANG_SON, code="CD-LS-1", name="Cứu đói Lạng Sơn"),
        HA_NOI: ReliefRoundFactory(province_id=HA_NOI, code="CD-HN-1", name="Cứu đói Hà Nội"),
    }
    gift_rounds = {
        LANG_SON: GiftRoundFactory(province_id=LANG_SON, code="QT-LS-1", name="Quà Tết Lạng Sơn"),
        HA_NOI: GiftRoundFactory(province_id=HA_NOI, code="QT-HN-1", name="Quà Tết Hà Nội"),
    }
    hl = area(HUU_LUNG, rounds[LANG_SON], gift_rounds[LANG_SON])
    cl = area(CHI_LANG, rounds[LANG_SON], gift_rounds[LANG_SON])
    hn = area(HA_NOI_COMMUNE, rounds[HA_NOI], gift_rounds[HA_NOI])
    return World(users=users, hl=hl, cl=cl, hn=hn, rounds=rounds, gift_rounds=gift_rounds)


def snapshot(world: World | None = None) -> dict:
    """What a refused request must leave as it was: every record with its version and the
    fields the pages write, and the history tables."""
    return {
        "rounds": sorted(
            ReliefRound.objects.values_list(
                "pk", "version", "province_id", "code", "name", "status", "ration_kg", "note"
            )
        ),
        "distributions": sorted(
            Distribution.objects.values_list(
                "pk",
                "version",
                "round_id",
                "commune_id",
                "household_id",
                "recipient_name",
                "persons_covered",
                "rice_kg",
                "cost_vnd",
                "note",
            )
        ),
        "gift_rounds": sorted(
            GiftRound.objects.values_list("pk", "version", "province_id", "code", "name", "note")
        ),
        "gifts": sorted(
            Gift.objects.values_list(
                "pk", "version", "round_id", "commune_id", "household_id", "recipient_name",
                "value_vnd", "note",
            )
        ),
        "support": sorted(
            CovidSupport.objects.values_list(
                "pk", "version", "commune_id", "recipient_name", "amount_vnd", "note"
            )
        ),
        "history": [
            ReliefRound.history.count(),
            Distribution.history.count(),
            GiftRound.history.count(),
            Gift.history.count(),
            CovidSupport.history.count(),
        ],
    }


# --- Payloads that succeed for whoever may write -----------------------------------------------


def round_payload(round: ReliefRound | None = None, code: str = "CD-NEW", **changes) -> dict:
    """A relief round; `province` is shown to an administrator only (one-province users post
    it hidden): Lạng Sơn, refused for a user of another province."""
    if round is not None:
        round.refresh_from_db()
    data = {
        "province": LANG_SON,
        "code": round.code if round else code,
        "name": "Cứu đói giáp hạt",
        "cause": "hunger",
        "funding_source": "central",
        "start_on": "01/01/2022",
        "end_on": "31/03/2022",
        "ration_kg": "15",
        "months": "2",
        "rice_value_vnd": "12.000",
        "note": "Đã duyệt",
        "version": round.version if round else "",
    }
    data.update(changes)
    return data


def entry_payload(commune: int, *households, persons: int = 3, **changes) -> dict:
    """The round page's batch entry: the commune, the date, one ticked row per household."""
    data = {"action": "batch", "commune": commune, "distributed_on": d(GIVEN), "q": ""}
    for h in households:
        data[f"h{h.pk}-pick"] = "on"
        data[f"h{h.pk}-persons_covered"] = str(persons)
        data[f"h{h.pk}-rice_kg"] = ""
        data[f"h{h.pk}-cost_vnd"] = ""
    data.update(changes)
    return data


def named_payload(commune: int, name: str = "Vi Thị Lẻ") -> dict:
    return {
        "action": "named",
        "commune": commune,
        "named-recipient_name": name,
        "named-persons_covered": "2",
        "named-rice_kg": "",
        "named-cost_vnd": "",
        "named-distributed_on": d(GIVEN),
        "named-note": "",
    }


def distribution_payload(distribution: Distribution, **changes) -> dict:
    distribution.refresh_from_db()
    data = {
        "persons_covered": distribution.persons_covered,
        "rice_kg": distribution.rice_kg + 5,
        "cost_vnd": distribution.cost_vnd,
        "distributed_on": d(distribution.distributed_on),
        "note": "Nhận thêm gạo",
        "version": distribution.version,
    }
    if not distribution.household_id:
        data["recipient_name"] = distribution.recipient_name
    data.update(changes)
    return data


def gift_round_payload(round: GiftRound | None = None, code: str = "QT-NEW") -> dict:
    """A gift round; `province` as for a relief round (a choice for an administrator only)."""
    if round is not None:
        round.refresh_from_db()
    return {
        "province": round.province_id if round else LANG_SON,
        "code": round.code if round else code,
        "name": "Quà Tết Nguyên đán",
        "given_from": "20/01/2022",
        "given_to": "31/01/2022",
        "note": "Đã duyệt",
        "version": round.version if round else "",
    }


def gift_entry_payload(
    commune: int, household_code: str = "", name: str = "Hoàng Văn Nhận"
) -> dict:
    return {
        "commune": commune,
        "gifts-TOTAL_FORMS": "1",
        "gifts-INITIAL_FORMS": "0",
        "gifts-MIN_NUM_FORMS": "0",
        "gifts-MAX_NUM_FORMS": "50",
        "gifts-0-household_code": household_code,
        "gifts-0-recipient_name": name,
        "gifts-0-recipient_group": "poor_household",
        "gifts-0-funding_source": "province",
        "gifts-0-value_vnd": "500.000",
        "gifts-0-given_on": "25/01/2022",
    }


def gift_payload(gift: Gift, **changes) -> dict:
    gift.refresh_from_db()
    data = {
        "version": gift.version,
        "household_code": gift.household.code if gift.household_id else "",
        "recipient_name": gift.recipient_name,
        "recipient_group": gift.recipient_group,
        "funding_source": gift.funding_source,
        "value_vnd": str(gift.value_vnd),
        "given_on": d(gift.given_on),
        "note": "Đã trao",
    }
    data.update(changes)
    return data


def support_payload(commune: int, support: CovidSupport | None = None, **changes) -> dict:
    if support is not None:
        support.refresh_from_db()
    data = {
        "version": support.version if support else "",
        "commune": commune,
        "recipient_type": "worker",
        "recipient_name": support.recipient_name if support else "Nông Văn Lao",
        "policy": "68/NQ-CP",
        "amount_vnd": "3.710.000",
        "approved_on": "15/09/2021",
        "decision_number": "12/QĐ-UBND",
        "note": "Đã chi",
    }
    data.update(changes)
    return data


# --- The matrix ---------------------------------------------------------------------------------


def away(table: dict, status) -> dict:
    """A table of the other matrices with the Hà Nội officer's status."""
    return {**table, "away": status}


# Lạng Sơn's rounds: every officer of a Lạng Sơn commune opens them, nobody of Hà Nội.
ROUND_READ = {"own": 200, "other": 200, "head": 200, "far": 404, "admin": 200, "away": 404}
# Opening and changing rounds (`welfare.manage_rounds`): officers, heads and admins.
ROUND_WRITE = {"own": 302, "other": 302, "head": 302, "far": 404, "admin": 302, "away": 404}
ROUND_WRITERS = {"own", "other", "head", "admin"}
# Closing (`welfare.close_rounds`): heads only; no GET handler (405), officers refused by role.
CLOSE_GET = {"own": 403, "other": 403, "head": 405, "far": 405, "admin": 405, "away": 403}
CLOSE_POST = {"own": 403, "other": 403, "head": 302, "far": 404, "admin": 302, "away": 403}
# The round page's entry (`welfare.edit_cases`): the round is looked up first (404 outside
# the province); the officer of Chi Lăng posts Hữu Lũng's commune and household: refused (200).
ENTRY_POST = {"own": 302, "other": 200, "head": 403, "far": 404, "admin": 302, "away": 404}

LIST6 = away(LIST, 200)
NO_POST6 = away(NO_POST, 405)
NO_GET6 = away(NO_GET, 405)
EDIT_GET6 = away(EDIT_GET, 404)
EDIT_POST6 = away(EDIT_POST, 404)
NEW_GET6 = away(NEW_GET, 200)
NEW_POST6 = away(NEW_POST, 200)


def none(w: World) -> dict:
    return {}


def ls_round(w: World) -> dict:
    return {"pk": w.rounds[LANG_SON].pk}


def ls_gift_round(w: World) -> dict:
    return {"pk": w.gift_rounds[LANG_SON].pk}


ENTRIES: dict[str, Entry] = {
    # Relief rounds
    "relief_round_list": Entry(none, LIST6, NO_POST6),
    "relief_round_create": Entry(
        none,
        LIST6,
        # The head of Hà Nội and its officer post Lạng Sơn: not their province (200, refused).
        {"own": 302, "other": 302, "head": 302, "far": 200, "admin": 302, "away": 200},
        data=lambda w: round_payload(),
        changes=ROUND_WRITERS,
    ),
    "relief_round_detail": Entry(
        ls_round,
        ROUND_READ,
        ENTRY_POST,
        data=lambda w: entry_payload(HUU_LUNG, w.hl.waiting),
        changes=WRITERS,
    ),
    "relief_round_edit": Entry(
        ls_round,
        ROUND_READ,
        ROUND_WRITE,
        data=lambda w: round_payload(w.rounds[LANG_SON]),
        changes=ROUND_WRITERS,
    ),
    "relief_round_close": Entry(
        ls_round,
        CLOSE_GET,
        CLOSE_POST,
        data=lambda w: {"version": ReliefRound.objects.get(pk=w.rounds[LANG_SON].pk).version},
        changes={"head", "admin"},
    ),
    "relief_round_export": Entry(ls_round, ROUND_READ, NO_POST6),
    "distribution_edit": Entry(
        lambda w: {"pk": w.hl.given.pk},
        EDIT_GET6,
        EDIT_POST6,
        data=lambda w: distribution_payload(w.hl.given),
        changes=WRITERS,
    ),
    "distribution_delete": Entry(
        lambda w: {"pk": w.hl.given.pk}, EDIT_GET6, EDIT_POST6, changes=WRITERS
    ),
    # Gift rounds and gifts
    "gift_round_list": Entry(none, LIST6, NO_POST6),
    "gift_round_create": Entry(
        none,
        LIST6,
        # As a relief round: Lạng Sơn posted from Hà Nội is not among the choices (refused).
        {"own": 302, "other": 302, "head": 302, "far": 200, "admin": 302, "away": 200},
        data=lambda w: gift_round_payload(),
        changes=ROUND_WRITERS,
    ),
    "gift_round_detail": Entry(
        ls_gift_round,
        ROUND_READ,
        ENTRY_POST,
        data=lambda w: gift_entry_payload(HUU_LUNG, "HL-B"),
        changes=WRITERS,
    ),
    "gift_round_edit": Entry(
        ls_gift_round,
        ROUND_READ,
        ROUND_WRITE,
        data=lambda w: gift_round_payload(w.gift_rounds[LANG_SON]),
        changes=ROUND_WRITERS,
    ),
    "gift_round_export": Entry(ls_gift_round, ROUND_READ, NO_POST6),
    "gift_edit": Entry(
        lambda w: {"pk": w.hl.gift.pk},
        EDIT_GET6,
        EDIT_POST6,
        data=lambda w: gift_payload(w.hl.gift),
        changes=WRITERS,
    ),
    "gift_delete": Entry(lambda w: {"pk": w.hl.gift.pk}, EDIT_GET6, EDIT_POST6, changes=WRITERS),
    # COVID-19 support
    "covid_support_list": Entry(none, LIST6, NO_POST6),
    "covid_support_create": Entry(
        none, NEW_GET6, NEW_POST6, data=lambda w: support_payload(HUU_LUNG), changes=WRITERS
    ),
    "covid_support_edit": Entry(
        lambda w: {"pk": w.hl.support.pk},
        EDIT_GET6,
        EDIT_POST6,
        data=lambda w: support_payload(HUU_LUNG, w.hl.support),
        changes=WRITERS,
    ),
    "covid_support_export": Entry(none, LIST6, NO_POST6),
}


MATRIX = Matrix(
    url_names=URL_NAMES,
    entries=ENTRIES,
    snapshot=lambda world: snapshot(world),
    assert_no_hl=lambda response: assert_no_hl(response),
    prefixes=(PREFIX,),
    outsiders=("other", "far", "away"),
)
url_of = MATRIX.url_of
send = MATRIX.send


def test_every_url_has_an_entry():
    MATRIX.every_url_has_an_entry()
    for name, entry in ENTRIES.items():
        assert set(entry.get) == set(entry.post) == set(ALL_ROLES), name


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_is_sent_to_login(client, world, name, method, django_capture_on_commit_callbacks):
    MATRIX.anonymous_is_sent_to_login(client, world, name, method, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", URL_NAMES)
def test_access_matrix(client, login, world, name, method, role, django_capture_on_commit_callbacks):
    MATRIX.role_gets_its_status(client, login, world, name, method, role, django_capture_on_commit_callbacks)


HL_WORDS = ("HL-A", "HL-B", *NAMES[HUU_LUNG][1:], "HL/QĐ-UBND", "Xã Hữu Lũng")


def assert_no_hl(response, typed: str = "") -> None:
    """No record of Hữu Lũng in the page (what the user typed is taken out first)."""
    text = body(response)
    if typed:
        text = text.replace(typed, "")
    for word in HL_WORDS:
        assert word not in text, f"{word} shown to an outsider"


# --- What a successful write did (the matrix only sees that something changed) ----------------


def test_the_writes_of_the_matrix_do_what_they_say(
    client, login, world, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    ls, gifts = world.rounds[LANG_SON], world.gift_rounds[LANG_SON]
    login(world.users["own"])
    with capture(execute=True):
        for url, data in (
            (f"/relief/rounds/{ls.pk}/", entry_payload(HUU_LUNG, world.hl.waiting)),
            (f"/relief/rounds/{ls.pk}/", named_payload(HUU_LUNG)),
            (f"/relief/gifts/{gifts.pk}/", gift_entry_payload(HUU_LUNG, "HL-B")),
            ("/relief/covid/new/", support_payload(HUU_LUNG)),
            ("/relief/rounds/new/", round_payload(code="CD-HL-2")),
        ):
            assert client.post(url, data).status_code == 302, url
    # 3 persons × 15 kg × 1 month at 12.000 VND a kg: the round's defaults.
    made = Distribution.objects.get(round=ls, household=world.hl.waiting)
    assert (made.commune_id, made.persons_covered, made.rice_kg, made.cost_vnd) == (
        HUU_LUNG, 3, 45, 540_000
    )
    assert Distribution.objects.get(round=ls, recipient_name="Vi Thị Lẻ").commune_id == HUU_LUNG
    gift = Gift.objects.get(round=gifts, household=world.hl.waiting)
    assert (gift.commune_id, gift.value_vnd) == (HUU_LUNG, 500_000)
    assert CovidSupport.objects.get(recipient_name="Nông Văn Lao").commune_id == HUU_LUNG
    assert ReliefRound.objects.get(code="CD-HL-2").province_id == LANG_SON

    login(world.users["head"])
    version = ReliefRound.objects.get(pk=ls.pk).version
    with capture(execute=True):
        response = client.post(f"/relief/rounds/{ls.pk}/close/", {"version": version})
    assert response.status_code == 302
    closed = ReliefRound.objects.get(pk=ls.pk)
    assert closed.closed and closed.closed_by == world.users["head"]
    # A closed round locks its distributions: the officer changes, deletes, adds nothing.
    login(world.users["own"])
    before = snapshot(world)
    with capture(execute=True):
        client.post(
            f"/relief/distributions/{world.hl.given.pk}/edit/",
            distribution_payload(world.hl.given),
        )
        client.post(f"/relief/distributions/{world.hl.named.pk}/delete/")
        client.post(f"/relief/rounds/{ls.pk}/", named_payload(HUU_LUNG, "Vi Văn Muộn"))
        client.post(f"/relief/rounds/{ls.pk}/edit/", round_payload(ls))
    assert snapshot(world) == before


# --- Lists, round pages, totals and exports ----------------------------------------------------


SEES = {
    "own": {"HL"},
    "other": {"CL"},
    "head": {"HL", "CL"},
    "far": {"HN"},
    "admin": {"HL", "CL", "HN"},
    "away": {"HN"},
}
# Which provinces' rounds each role opens.
SEES_ROUNDS = {
    "own": {LANG_SON},
    "other": {LANG_SON},
    "head": {LANG_SON},
    "far": {HA_NOI},
    "admin": {LANG_SON, HA_NOI},
    "away": {HA_NOI},
}
PROVINCE_OF = {"HL": LANG_SON, "CL": LANG_SON, "HN": HA_NOI}


def shown(text: str, index: int) -> set[str]:
    """Which areas' records (by the NAMES column `index`) appear in a text."""
    return {prefix for prefix, commune in PREFIX_OF.items() if NAMES[commune][index] in text}


def households_shown(text: str) -> set[str]:
    return {p for p in PREFIX_OF if f"{p}-A" in text}


def vnd(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def sums(prefixes) -> tuple[int, int, int, int]:
    """Households (distributions), persons, rice kg, cost of the areas' distributions."""
    rows = [row for p in prefixes for row in FIGURES[PREFIX_OF[p]]]
    return len(rows), sum(r[0] for r in rows), sum(r[1] for r in rows), sum(r[2] for r in rows)


def page_text(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


ALL_COSTS = {
    vnd(c)
    for commune in FIGURES
    for c in (
        FIGURES[commune][0][2],
        FIGURES[commune][1][2],
        FIGURES[commune][0][2] + FIGURES[commune][1][2],
    )
} | {vnd(sums(s)[3]) for s in ({"HL", "CL"}, {"HL", "CL", "HN"})}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_lists_show_only_the_users_areas(client, login, world, role):
    login(world.users[role])
    expected = SEES[role]
    provinces = SEES_ROUNDS[role]

    rounds = page_text(client, "/relief/rounds/")
    listed = {p for p, r in world.rounds.items() if f"/relief/rounds/{r.pk}/" in rounds}
    assert listed == provinces
    # Each round's figures are those of the user's area only.
    for province in provinces:
        mine = {p for p in expected if PROVINCE_OF[p] == province}
        assert vnd(sums(mine)[3]) in rounds, (province, mine)
    costs_shown = {c for c in ALL_COSTS if re.search(rf"(?<![\d.]){re.escape(c)}(?![\d])", rounds)}
    allowed = {vnd(sums({p for p in expected if PROVINCE_OF[p] == pr})[3]) for pr in provinces}
    assert costs_shown <= allowed, costs_shown

    gifts = page_text(client, "/relief/gifts/")
    listed = {p for p, r in world.gift_rounds.items() if f"/relief/gifts/{r.pk}/" in gifts}
    assert listed == provinces
    for province in provinces:
        mine = [GIFT_VALUE[PREFIX_OF[p]] for p in expected if PROVINCE_OF[p] == province]
        assert vnd(sum(mine)) in gifts
    others = [GIFT_VALUE[PREFIX_OF[p]] for p in set(PREFIX_OF) - expected]
    for value in others:
        assert vnd(value) not in gifts

    covid = page_text(client, "/relief/covid/")
    assert shown(covid, 5) == expected
    total = sum(SUPPORT_AMOUNT[PREFIX_OF[p]] for p in expected)
    assert vnd(total) in covid
    assert shown(page_text(client, "/relief/covid/", q="a"), 5) <= expected
    assert shown(page_text(client, "/relief/covid/", q="Dịch"), 5) == expected


@pytest.mark.parametrize("role", ALL_ROLES)
def test_round_pages_show_only_the_users_distributions_and_figures(client, login, world, role):
    """A round of the province opens for every officer of the province, with only their
    communes' distributions, entry list and figures; a head's with the province's."""
    login(world.users[role])
    expected = SEES[role]
    for province, round in world.rounds.items():
        page = client.get(f"/relief/rounds/{round.pk}/")
        export = client.get(f"/relief/rounds/{round.pk}/export.xlsx")
        if province not in SEES_ROUNDS[role]:
            assert (page.status_code, export.status_code) == (404, 404), round.code
            continue
        assert (page.status_code, export.status_code) == (200, 200), round.code
        rows = {p for p in expected if PROVINCE_OF[p] == province}
        text = html.unescape(page.content.decode())
        assert households_shown(text) == rows
        assert shown(text, 3) == rows  # the named recipients
        assert shown(text, 1) == rows  # the given heads
        # The totals of the user's area, and no figure of another commune's.
        count, persons, rice, cost = sums(rows)
        assert vnd(cost) in text
        outside = {p for p in PREFIX_OF if PROVINCE_OF[p] == province} - rows
        for p in outside:
            for figure in FIGURES[PREFIX_OF[p]]:
                assert vnd(figure[2]) not in text, (p, figure)
        assert {p for p, name in COMMUNE_NAMES.items() if name in text} <= rows
        if role in ("head", "admin"):
            by_commune = text.split('data-testid="by-commune"', 1)[1].split("</table>", 1)[0]
            assert {p for p, name in COMMUNE_NAMES.items() if name in by_commune} == rows
        # The export: one row per distribution of the area, and their total.
        sheet = xlsx_rows(export)
        data, last = sheet[1:-1], sheet[-1]
        assert {r[3] for r in data if r[3]} == {f"{p}-A" for p in rows}
        assert {r[4] for r in data} == {NAMES[PREFIX_OF[p]][i] for p in rows for i in (1, 3)}
        assert {r[1] for r in data} == {COMMUNE_NAMES[p] for p in rows}
        assert (last[5], last[6], last[7]) == (persons, rice, cost)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_gift_round_pages_and_exports_hold_only_the_users_gifts(client, login, world, role):
    login(world.users[role])
    expected = SEES[role]
    for province, round in world.gift_rounds.items():
        page = client.get(f"/relief/gifts/{round.pk}/")
        export = client.get(f"/relief/gifts/{round.pk}/export.xlsx")
        if province not in SEES_ROUNDS[role]:
            assert (page.status_code, export.status_code) == (404, 404), round.code
            continue
        assert (page.status_code, export.status_code) == (200, 200), round.code
        rows = {p for p in expected if PROVINCE_OF[p] == province}
        text = html.unescape(page.content.decode())
        assert shown(text, 4) == rows
        assert vnd(sum(GIFT_VALUE[PREFIX_OF[p]] for p in rows)) in text
        outside = {p for p in PREFIX_OF if PROVINCE_OF[p] == province} - rows
        for p in outside:
            assert vnd(GIFT_VALUE[PREFIX_OF[p]]) not in text
        book = load_workbook(BytesIO(export.content))
        gifts, totals = (list(ws.iter_rows(values_only=True)) for ws in book.worksheets[:2])
        assert {r[1] for r in gifts[1:]} == {NAMES[PREFIX_OF[p]][4] for p in rows}
        assert {r[3] for r in gifts[1:]} == {COMMUNE_NAMES[p] for p in rows}
        assert totals[-1][2:] == (len(rows), sum(GIFT_VALUE[PREFIX_OF[p]] for p in rows))
        # The totals by commune (heads): the communes of the user's area that gave.
        labels = {r[1] for r in totals[1:]}
        by_commune = {p for p, n in COMMUNE_NAMES.items() if n in labels}
        assert by_commune == (rows if role in ("head", "far", "admin") else set())


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_covid_export_holds_only_the_users_support(client, login, world, role):
    login(world.users[role])
    expected = SEES[role]
    for params in ({}, {"commune": HUU_LUNG}, {"commune": CHI_LANG}, {"q": "Dịch"}):
        rows = xlsx_rows(client.get("/relief/covid/export.xlsx", params))[1:]
        found = {p for p in PREFIX_OF if NAMES[PREFIX_OF[p]][5] in {r[1] for r in rows}}
        assert found <= expected, params
        assert {r[3] for r in rows} <= {COMMUNE_NAMES[p] for p in expected}
        if not params or params == {"q": "Dịch"}:
            assert found == expected, params


# --- The forms' choices -----------------------------------------------------------------------


def province_of(codes: set[int]) -> set[int]:
    return set(Commune.objects.filter(code__in=codes).values_list("province_id", flat=True))


COMMUNE_FORMS = [
    ("/relief/covid/", "commune"),
    ("/relief/covid/new/", "commune"),
    ("gift_round", "commune"),
]


@pytest.mark.parametrize("role", ["own", "other", "head", "far", "away"])
@pytest.mark.parametrize("url,name", COMMUNE_FORMS)
def test_commune_choices_are_the_users_own(client, login, world, role, url, name):
    user = world.users[role]
    login(user)
    if url == "gift_round":
        province = LANG_SON if role in ("own", "other", "head") else HA_NOI
        url = f"/relief/gifts/{world.gift_rounds[province].pk}/"
    response = client.get(url)
    if response.status_code == 403:
        return  # a form of another role (checked by the matrix)
    assert response.status_code == 200
    page = response.content.decode()
    if role in ("head", "far") and 'name="commune"' not in page:
        return  # the head reads the round, enters nothing
    offered = {int(v) for v in options(page, name)}
    if role in ("own", "other", "away"):
        assert offered == {{"own": HUU_LUNG, "other": CHI_LANG, "away": HA_NOI_COMMUNE}[role]}
    else:
        assert offered, "a head is offered the communes of the province"
        assert province_of(offered) == {LANG_SON if role == "head" else HA_NOI}


def test_the_support_edit_form_offers_only_the_officers_commune(client, login, world):
    login(world.users["own"])
    page = client.get(f"/relief/covid/{world.hl.support.pk}/edit/").content.decode()
    assert {int(v) for v in options(page, "commune")} == {HUU_LUNG}


def entry_rows(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="h(\d+)-pick"', page)}


@pytest.mark.parametrize("role", ["own", "other"])
def test_the_entry_list_offers_only_the_officers_households(client, login, world, role):
    """Each officer of the province opens the round, with the households of their commune not
    yet given, and enters for their commune only (a hidden field of that commune)."""
    login(world.users[role])
    a = world.hl if role == "own" else world.cl
    url = f"/relief/rounds/{world.rounds[LANG_SON].pk}/"
    for params in ({}, {"commune": HUU_LUNG}, {"commune": CHI_LANG}, {"q": "B"}):
        page = client.get(url, params).content.decode()
        assert entry_rows(page) == {a.waiting.pk}, params
        entry = page.split('data-testid="entry-form"', 1)[1].split("</form>", 1)[0]
        assert set(re.findall(r'name="commune" value="(\d+)"', entry)) == {str(a.commune)}
        assert set(re.findall(r'name="commune" value="(\d+)"', page)) == {str(a.commune)}
    # Hà Nội's round is not theirs.
    assert client.get(f"/relief/rounds/{world.rounds[HA_NOI].pk}/").status_code == 404


def test_an_officer_of_two_communes_chooses_between_them_only(client, login, world):
    both = officer(HUU_LUNG, CHI_LANG)
    login(both)
    url = f"/relief/rounds/{world.rounds[LANG_SON].pk}/"
    page = client.get(url).content.decode()
    assert {int(v) for v in options(page, "commune")} == {HUU_LUNG, CHI_LANG}
    for commune, a in ((HUU_LUNG, world.hl), (CHI_LANG, world.cl)):
        page = client.get(url, {"commune": commune}).content.decode()
        assert entry_rows(page) == {a.waiting.pk}
    # Another province's commune typed in the address: the first of theirs instead.
    rows = entry_rows(client.get(url, {"commune": HA_NOI_COMMUNE}).content.decode())
    assert rows <= {world.hl.waiting.pk, world.cl.waiting.pk} and len(rows) == 1


def test_a_head_enters_nothing_and_sees_the_provinces_communes(client, login, world):
    login(world.users["head"])
    page = client.get(f"/relief/rounds/{world.rounds[LANG_SON].pk}/").content.decode()
    assert entry_rows(page) == set()
    assert 'data-testid="entry-form"' not in page
    page = client.get(f"/relief/gifts/{world.gift_rounds[LANG_SON].pk}/").content.decode()
    assert 'data-testid="gift-entry"' not in page


def test_the_round_form_offers_an_admin_every_province_and_others_their_own(client, login, world):
    login(world.users["admin"])
    page = client.get("/relief/rounds/new/").content.decode()
    assert {LANG_SON, HA_NOI} <= {int(v) for v in options(page, "province")}
    for role in ("own", "other", "head", "far", "away"):
        province = HA_NOI if role in ("far", "away") else LANG_SON
        login(world.users[role])
        page = client.get("/relief/rounds/new/").content.decode()
        assert not re.search(r'<select[^>]*name="province"', page), role
        hidden = re.findall(r'<input[^>]*name="province"[^>]*>', page)
        assert all(f'value="{province}"' in h or "value=" not in h for h in hidden), (role, hidden)


# --- Forged ids in POSTs ----------------------------------------------------------------------


def refused(client, world, capture, url, data=None, statuses=(200,)):
    before = snapshot(world)
    with capture(execute=True):
        response = client.post(url, data or {})
    assert response.status_code in statuses, (url, response.status_code)
    assert snapshot(world) == before, f"{url}: a forged post changed the database"
    return response


def test_an_officer_cannot_enter_distributions_for_another_commune(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    capture = django_capture_on_commit_callbacks
    url = f"/relief/rounds/{world.rounds[LANG_SON].pk}/"
    cl = world.cl.waiting
    # Chi Lăng's commune with its household; Hữu Lũng's commune with Chi Lăng's household;
    # Hữu Lũng's household ticked with Chi Lăng's: the whole post is refused.
    refused(client, world, capture, url, entry_payload(CHI_LANG, cl))
    refused(client, world, capture, url, entry_payload(HUU_LUNG, cl))
    refused(client, world, capture, url, entry_payload(HUU_LUNG, world.hl.waiting, cl))
    refused(client, world, capture, url, entry_payload(CHI_LANG, world.hl.waiting))
    # A household of Hà Nội, and a Hữu Lũng household already given (a second entry).
    refused(client, world, capture, url, entry_payload(HUU_LUNG, world.hn.waiting))
    refused(client, world, capture, url, entry_payload(HUU_LUNG, world.hl.given.household))
    # A named person for another commune.
    refused(client, world, capture, url, named_payload(CHI_LANG))
    refused(client, world, capture, url, named_payload(HA_NOI_COMMUNE))
    assert not Distribution.objects.filter(household__in=[cl, world.hn.waiting]).exists()


def test_an_officer_cannot_give_gifts_in_another_commune(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    capture = django_capture_on_commit_callbacks
    url = f"/relief/gifts/{world.gift_rounds[LANG_SON].pk}/"
    refused(client, world, capture, url, gift_entry_payload(CHI_LANG))
    refused(client, world, capture, url, gift_entry_payload(CHI_LANG, "CL-B"))
    refused(client, world, capture, url, gift_entry_payload(HUU_LUNG, "CL-B"))
    refused(client, world, capture, url, gift_entry_payload(HA_NOI_COMMUNE))
    refused(client, world, capture, url, gift_entry_payload(HUU_LUNG, "HN-B"))
    # A gift of Hữu Lũng moved onto Chi Lăng's household.
    refused(
        client,
        world,
        capture,
        f"/relief/gift/{world.hl.gift.pk}/edit/",
        gift_payload(world.hl.gift, household_code="CL-A"),
    )
    assert Gift.objects.get(pk=world.hl.gift.pk).household_id == world.hl.given.household_id


def test_an_officer_cannot_record_or_move_support_to_another_commune(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    capture = django_capture_on_commit_callbacks
    refused(client, world, capture, "/relief/covid/new/", support_payload(CHI_LANG))
    refused(client, world, capture, "/relief/covid/new/", support_payload(HA_NOI_COMMUNE))
    assert not CovidSupport.objects.filter(recipient_name="Nông Văn Lao").exists()
    # The commune of a support is not changed by its form (disabled): the rest is saved.
    with capture(execute=True):
        response = client.post(
            f"/relief/covid/{world.hl.support.pk}/edit/",
            support_payload(CHI_LANG, world.hl.support),
        )
    assert response.status_code in (200, 302)
    assert CovidSupport.objects.get(pk=world.hl.support.pk).commune_id == HUU_LUNG


def test_a_user_of_another_province_cannot_open_nor_change_lang_sons_rounds(
    client, login, world, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    ls, gifts = world.rounds[LANG_SON], world.gift_rounds[LANG_SON]
    for role in ("far", "away"):
        login(world.users[role])
        refused(client, world, capture, f"/relief/rounds/{ls.pk}/edit/", round_payload(ls), (404,))
        url = f"/relief/gifts/{gifts.pk}/edit/"
        refused(client, world, capture, url, gift_round_payload(gifts), (404,))
        refused(client, world, capture, "/relief/rounds/new/", round_payload(code="CD-X"))
        refused(client, world, capture, "/relief/gifts/new/", gift_round_payload(code="QT-X"))
    login(world.users["far"])
    url = f"/relief/rounds/{ls.pk}/close/"
    refused(client, world, capture, url, {"version": ls.version}, (404,))
    login(world.users["away"])
    for url, data in (
        (f"/relief/rounds/{ls.pk}/", entry_payload(HA_NOI_COMMUNE, world.hn.waiting)),
        (f"/relief/rounds/{ls.pk}/", named_payload(HA_NOI_COMMUNE)),
        (f"/relief/gifts/{gifts.pk}/", gift_entry_payload(HA_NOI_COMMUNE, "HN-B")),
    ):
        refused(client, world, capture, url, data, (404,))
    # The head of Lạng Sơn closes nor changes Hà Nội's rounds.
    login(world.users["head"])
    hn = world.rounds[HA_NOI]
    url = f"/relief/rounds/{hn.pk}/close/"
    refused(client, world, capture, url, {"version": hn.version}, (404,))
    refused(client, world, capture, f"/relief/rounds/{hn.pk}/edit/", round_payload(hn), (404,))
    refused(
        client,
        world,
        capture,
        f"/relief/gifts/{world.gift_rounds[HA_NOI].pk}/edit/",
        gift_round_payload(world.gift_rounds[HA_NOI]),
        (404,),
    )
    url = "/relief/rounds/new/"
    refused(client, world, capture, url, round_payload(code="CD-X", province=HA_NOI))


def test_an_officer_cannot_act_on_another_communes_records(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    capture = django_capture_on_commit_callbacks
    for a in (world.cl, world.hn):
        for url, data in (
            (f"/relief/distributions/{a.given.pk}/edit/", distribution_payload(a.given)),
            (f"/relief/distributions/{a.named.pk}/edit/", distribution_payload(a.named)),
            (f"/relief/distributions/{a.given.pk}/delete/", {}),
            (f"/relief/gift/{a.gift.pk}/edit/", gift_payload(a.gift)),
            (f"/relief/gift/{a.gift.pk}/delete/", {}),
            (f"/relief/covid/{a.support.pk}/edit/", support_payload(a.commune, a.support)),
        ):
            refused(client, world, capture, url, data, (404,))
        for url in (
            f"/relief/distributions/{a.given.pk}/edit/",
            f"/relief/distributions/{a.named.pk}/delete/",
            f"/relief/gift/{a.gift.pk}/edit/",
            f"/relief/covid/{a.support.pk}/edit/",
        ):
            assert client.get(url).status_code == 404, url


def test_an_officer_cannot_close_a_round(client, login, world, django_capture_on_commit_callbacks):
    ls = world.rounds[LANG_SON]
    for role in ("own", "other"):
        login(world.users[role])
        refused(
            client, world, django_capture_on_commit_callbacks,
            f"/relief/rounds/{ls.pk}/close/", {"version": ls.version}, (403,),
        )
    assert not ReliefRound.objects.get(pk=ls.pk).closed


# --- Links ------------------------------------------------------------------------------------


LINK = re.compile(r'href="(/(?:relief|households)/[^"#]*)')


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_link_a_user_is_shown_opens(client, login, world, role):
    """Each page a user may read links only to pages the user may open: no link to another
    role's page (403) nor to another commune's record (404)."""
    login(world.users[role])
    start = [url_of(name, world) for name, e in ENTRIES.items() if e.get[role] == 200]
    start += [f"/relief/rounds/{r.pk}/" for r in world.rounds.values()]
    start += [f"/relief/gifts/{r.pk}/" for r in world.gift_rounds.values()]
    seen, broken = set(), []
    for url in start:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        for href in set(LINK.findall(response.content.decode())):
            href = html.unescape(href)
            if href in seen:
                continue
            seen.add(href)
            status = client.get(href).status_code
            if status not in (200, 302):
                broken.append((url, href, status))
    assert not broken, f"links that do not open for {role}: {broken}"


# --- Edges -------------------------------------------------------------------------------------


def test_an_officer_without_communes_sees_nothing(client, login, world):
    login(UserFactory(role="officer"))
    for url in ("/relief/rounds/", "/relief/gifts/", "/relief/covid/"):
        text = html.unescape(client.get(url).content.decode())
        assert not any(n in text for c in NAMES for n in NAMES[c][1:]), url
        assert "CD-LS-1" not in text and "QT-LS-1" not in text, url
    rows = xlsx_rows(client.get("/relief/covid/export.xlsx"))
    assert rows[1:] == []
    for url in (
        f"/relief/rounds/{world.rounds[LANG_SON].pk}/",
        f"/relief/rounds/{world.rounds[LANG_SON].pk}/export.xlsx",
        f"/relief/gifts/{world.gift_rounds[LANG_SON].pk}/",
        f"/relief/distributions/{world.hl.given.pk}/edit/",
        f"/relief/gift/{world.hl.gift.pk}/edit/",
        f"/relief/covid/{world.hl.support.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["other", "far", "away"])
def test_filters_naming_another_commune_show_nothing_of_it(client, login, world, role):
    """A query string naming Hữu Lũng (typed by hand) never brings its rows to an outsider."""
    login(world.users[role])
    ls = world.rounds[LANG_SON]
    for url, params in [
        ("/relief/covid/", {"commune": HUU_LUNG}),
        ("/relief/covid/", {"q": "Vi Văn Dịch"}),
        ("/relief/covid/", {"q": "vi van dich"}),
        ("/relief/covid/", {"q": "HL/QĐ-UBND"}),
        ("/relief/covid/export.xlsx", {"commune": HUU_LUNG}),
        ("/relief/rounds/", {"q": "CD-LS-1"}),
        ("/relief/gifts/", {"q": "QT-LS-1"}),
        (f"/relief/rounds/{ls.pk}/", {"commune": HUU_LUNG}),
        (f"/relief/rounds/{ls.pk}/", {"commune": HUU_LUNG, "q": "HL-B"}),
        (f"/relief/rounds/{ls.pk}/", {"commune": HUU_LUNG, "q": "nong thi cho"}),
    ]:
        response = client.get(url, params)
        if response.status_code == 404 and role in ("far", "away") and "/rounds/" in url:
            continue  # another province's round
        assert response.status_code == 200, url
        assert_no_hl(response, typed=str(params.get("q", "")))


def test_an_officer_moved_to_another_commune_no_longer_changes_the_old_records(
    client, login, world, django_capture_on_commit_callbacks
):
    moved = world.users["own"]
    moved.communes.set([CHI_LANG])
    login(moved)
    capture = django_capture_on_commit_callbacks
    assert client.get(f"/relief/distributions/{world.hl.given.pk}/edit/").status_code == 404
    url = f"/relief/distributions/{world.hl.given.pk}/delete/"
    refused(client, world, capture, url, statuses=(404,))
    refused(client, world, capture, f"/relief/gift/{world.hl.gift.pk}/delete/", statuses=(404,))
    page = client.get(f"/relief/rounds/{world.rounds[LANG_SON].pk}/").content.decode()
    assert entry_rows(page) == {world.cl.waiting.pk}
    assert "HL-A" not in html.unescape(page)


def test_the_person_page_shows_only_the_officers_relief(client, login, world):
    """The head of a Hữu Lũng household given a gift and support by Chi Lăng too (after a
    move, say): Hữu Lũng's officer sees Hữu Lũng's relief only; the head of the province both."""
    person = world.hl.given.household.head
    GiftFactory(round=world.gift_rounds[LANG_SON], commune_id=CHI_LANG, person=person,
                recipient_name=person.full_name, value_vnd=990_000)
    CovidSupportFactory(commune_id=CHI_LANG, person=person, recipient_name=person.full_name,
                        amount_vnd=4_440_000)
    CovidSupportFactory(commune_id=HUU_LUNG, person=person, recipient_name=person.full_name,
                        amount_vnd=5_550_000)
    url = f"/households/people/{person.pk}/"
    login(world.users["own"])
    text = page_text(client, url)
    section = text.split('data-testid="person-relief"', 1)[1]
    assert "CD-LS-1" in section and vnd(720_000) in section  # the household's distribution
    assert vnd(610_000) in section and vnd(5_550_000) in section
    assert vnd(990_000) not in section and vnd(4_440_000) not in section
    login(world.users["other"])
    assert client.get(url).status_code == 404
    login(world.users["head"])
    section = page_text(client, url).split('data-testid="person-relief"', 1)[1]
    assert all(vnd(v) in section for v in (720_000, 610_000, 990_000, 4_440_000, 5_550_000))


def test_an_officer_of_two_provinces_enters_a_round_for_its_provinces_communes_only(
    client, login, world, django_capture_on_commit_callbacks
):
    """An officer of Xã Hữu Lũng and of Phường Ba Đình (Hà Nội) opens both provinces' rounds;
    on Lạng Sơn's, only Hữu Lũng is offered, and a Ba Đình entry is refused: a distribution
    or gift of Hà Nội in a round of Lạng Sơn would be seen by neither province's head."""
    both = officer(HUU_LUNG, HA_NOI_COMMUNE)
    login(both)
    capture = django_capture_on_commit_callbacks
    url = f"/relief/rounds/{world.rounds[LANG_SON].pk}/"
    assert entry_rows(client.get(url, {"commune": HA_NOI_COMMUNE}).content.decode()) == {
        world.hl.waiting.pk
    }
    refused(client, world, capture, url, entry_payload(HA_NOI_COMMUNE, world.hn.waiting))
    refused(client, world, capture, url, named_payload(HA_NOI_COMMUNE))
    given = Distribution.objects.filter(round=world.rounds[LANG_SON], commune_id=HA_NOI_COMMUNE)
    assert not given.exists()


def test_an_officer_of_two_provinces_is_offered_the_rounds_provinces_communes_only(
    client, login, world
):
    login(officer(HUU_LUNG, HA_NOI_COMMUNE))
    page = client.get(f"/relief/gifts/{world.gift_rounds[LANG_SON].pk}/").content.decode()
    assert {int(v) for v in options(page, "commune")} == {HUU_LUNG}


def test_an_officer_of_two_provinces_cannot_give_a_rounds_gifts_in_another_province(
    client, login, world, django_capture_on_commit_callbacks
):
    login(officer(HUU_LUNG, HA_NOI_COMMUNE))
    capture = django_capture_on_commit_callbacks
    url = f"/relief/gifts/{world.gift_rounds[LANG_SON].pk}/"
    refused(client, world, capture, url, gift_entry_payload(HA_NOI_COMMUNE, "HN-B"))
    refused(client, world, capture, url, gift_entry_payload(HA_NOI_COMMUNE))
    given = Gift.objects.filter(round=world.gift_rounds[LANG_SON], commune_id=HA_NOI_COMMUNE)
    assert not given.exists()


def test_a_user_of_several_provinces_chooses_the_gift_rounds_province(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["admin"])
    page = client.get("/relief/gifts/new/").content.decode()
    assert {LANG_SON, HA_NOI} <= {int(v) for v in options(page, "province")}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/relief/gifts/new/", gift_round_payload(code="QT-LS-2"))
    assert GiftRound.objects.get(code="QT-LS-2").province_id == LANG_SON
