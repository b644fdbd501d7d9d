"""Who may open and post every page under /employment/ (design.md "Roles", conventions.md
"Scoping"): loans, placements and border-labour passes belong to a commune.

The matrix walks `employment.urls.urlpatterns`, so a page added later either gets a kind in
`KINDS` or fails `test_every_url_has_a_kind`. One world (a loan, placements, passes and a person
in each of Xã Hữu Lũng, Xã Chi Lăng, both of Lạng Sơn, and Phường Ba Đình of Hà Nội) is built
once per test; the requests are looped inside a few tests, and every mismatch is collected and
reported at once with its role, method, URL and status. The roles:

- nobody logged in: sent to the login page, nothing changed;
- "own", the officer of Hữu Lũng, and "other", the officer of Chi Lăng: read and write their
  commune's records; another commune's record is 404 (never 200 with its data), a form posting
  another commune's code is refused (200, on the commune field) with nothing saved;
- "head", the head of Lạng Sơn: reads the province (200), 403 on every page that edits cases;
- "far", the head of Hà Nội: reads Hà Nội only (404 for Lạng Sơn's records), 403 on edits;
- "admin": reads and writes everywhere.

Every record page is tried with the record of each of the three areas. Then the lists, their
totals, the XLSX exports, the overview's figures and the person page's section show exactly the
user's areas (forged `commune`/`province` filters included); imports refuse rows of another
commune or a loan code of another commune; the Django admin is scoped for staff heads and
officers.
"""

import datetime as dt
import html
import itertools
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.shortcuts import resolve_url
from django.urls import URLPattern, reverse
from django.utils import timezone
from openpyxl import load_workbook

from employment import urls as employment_urls
from employment.models import BorderPass, Loan, Placement
from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    BorderPassFactory,
    LoanFactory,
    PersonFactory,
    PlacementFactory,
    admin,
    head,
    officer,
)
from tests.imports.helpers import run_as, write
from welfare.households.models import Person

pytestmark = pytest.mark.django_db

HA_NOI = 1
PREFIX = "/employment/"
ROLES = ["own", "other", "head", "far", "admin"]
AREAS = {"HL": HUU_LUNG, "CL": CHI_LANG, "HN": HA_NOI_COMMUNE}
# Which areas' records each role reads, and where it may write (`welfare.edit_cases`).
SEES = {
    "own": {"HL"},
    "other": {"CL"},
    "head": {"HL", "CL"},
    "far": {"HN"},
    "admin": {"HL", "CL", "HN"},
}
WRITES = {"own": {"HL"}, "other": {"CL"}, "head": set(), "far": set(), "admin": {"HL", "CL", "HN"}}
EDITORS = {role for role, areas in WRITES.items() if areas}

# Every name and code of an area, by kind: found in a page, they say whose records it shows.
# Figures chosen so that every sum is distinct: placements 1/2/4, loans 50/70/90 million.
NAMES = {
    "HL": {
        "loan": ("VV-HL-01", "Nông Văn Hữu", 50_000_000),
        "workers": ("Nông Thị Làm",),
        "pass": ("STHHL001", "Nông Văn Thông"),
        "stray": ("STHHL009", "Nông Văn Lạc"),
    },
    "CL": {
        "loan": ("VV-CL-01", "Lý Thị Chi", 70_000_000),
        "workers": ("Lý Văn Công", "Lý Thị Nhân"),
        "pass": ("STHCL001", "Lý Văn Hành"),
        "stray": ("STHCL009", "Lý Thị Lạc"),
    },
    "HN": {
        "loan": ("VV-HN-01", "Trần Văn Hà", 90_000_000),
        "workers": ("Trần Văn Một", "Trần Văn Hai", "Trần Thị Ba", "Trần Thị Bốn"),
        "pass": ("STHHN001", "Trần Thị Biên"),
        "stray": ("STHHN009", "Trần Văn Lạc"),
    },
}
# Each area's stray pass is linked to the person of the next area (the person page must show it
# only to whoever reads the pass's commune).
STRAY_PERSON = {"HL": "HN", "CL": "HL", "HN": "CL"}


def employer(prefix: str) -> str:
    return f"Công ty Việc Làm {prefix}"


def markers(prefix: str, kind: str | None = None) -> list[str]:
    n = NAMES[prefix]
    found = {
        "loan": [n["loan"][0], n["loan"][1]],
        "placement": [*n["workers"], employer(prefix)],
        "pass": [*n["pass"], *n["stray"]],
    }
    return found[kind] if kind else [m for ms in found.values() for m in ms]


def areas_in(text: str, kind: str | None = None) -> set[str]:
    """The areas whose records (of one kind, or any) appear in a text."""
    return {p for p in AREAS if any(m in text for m in markers(p, kind))}


# --- The world -----------------------------------------------------------------------------------


@dataclass
class World:
    users: dict
    loans: dict  # prefix -> Loan
    placements: dict  # prefix -> the first Placement of the area (linked to its person)
    passes: dict  # prefix -> BorderPass (expiring soon)
    people: dict  # prefix -> Person


@pytest.fixture
def world() -> World:
    today = timezone.localdate()
    users = {
        "own": officer(HUU_LUNG, last_name="Cán bộ Một"),
        "other": officer(CHI_LANG, last_name="Cán bộ Hai"),
        "head": head(LANG_SON, last_name="Trưởng phòng Một"),
        "far": head(HA_NOI, last_name="Trưởng phòng Hai"),
        "admin": admin(last_name="Quản trị"),
    }
    people = {
        p: PersonFactory(full_name=NAMES[p]["loan"][1], commune_id=commune)
        for p, commune in AREAS.items()
    }
    loans, placements, passes = {}, {}, {}
    for p, commune in AREAS.items():
        code, borrower, amount = NAMES[p]["loan"]
        loans[p] = LoanFactory(
            code=code,
            commune_id=commune,
            borrower_name=borrower,
            amount_vnd=amount,
            person=people[p],
        )
        for index, worker in enumerate(NAMES[p]["workers"]):
            made = PlacementFactory(
                commune_id=commune,
                worker_name=worker,
                employer=employer(p),
                person=people[p] if index == 0 else None,
            )
            placements.setdefault(p, made)
        number, holder = NAMES[p]["pass"]
        passes[p] = BorderPassFactory(
            commune_id=commune,
            number=number,
            holder_name=holder,
            person=people[p],
            issued_on=today - dt.timedelta(days=300),
            expires_on=today + dt.timedelta(days=10),
        )
        number, holder = NAMES[p]["stray"]
        BorderPassFactory(
            commune_id=commune,
            number=number,
            holder_name=holder,
            person=people[STRAY_PERSON[p]],
            issued_on=today - dt.timedelta(days=30),
            expires_on=today + dt.timedelta(days=300),
        )
    return World(users=users, loans=loans, placements=placements, passes=passes, people=people)


def snapshot() -> dict:
    """What a refused request must leave as it was: every record with its version and commune,
    the history tables and the people (a citizen ID typed may add one)."""
    return {
        "loans": sorted(Loan.objects.values_list("pk", "version", "commune_id", "note")),
        "placements": sorted(Placement.objects.values_list("pk", "version", "commune_id", "note")),
        "passes": sorted(BorderPass.objects.values_list("pk", "version", "commune_id", "note")),
        "history": [Loan.history.count(), Placement.history.count(), BorderPass.history.count()],
        "people": Person.objects.count(),
    }


def touched_communes(before: dict, after: dict) -> set[int]:
    """The communes of the records added, changed or deleted between two snapshots."""
    touched = set()
    for key in ("loans", "placements", "passes"):
        touched |= {row[2] for row in set(before[key]) ^ set(after[key])}
    return touched


def body(response) -> str:
    if "spreadsheetml" in response.get("Content-Type", ""):
        return " ".join(str(c) for row in xlsx_rows(response) for c in row if c is not None)
    return html.unescape(response.content.decode())


def xlsx_rows(response) -> list[tuple]:
    assert "spreadsheetml" in response["Content-Type"], response["Content-Type"]
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def d(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


# --- Payloads that succeed for whoever may write -------------------------------------------------

_serial = itertools.count(1)


def new_loan(prefix: str) -> dict:
    return {
        "code": f"VV-NEW-{next(_serial):03d}",
        "commune": AREAS[prefix],
        "borrower_type": "individual",
        "borrower_name": "Hà Văn Mới",
        "borrower_id_number": "",
        "purpose": "Trồng hồi",
        "amount_vnd": "30.000.000",
        "term_months": "24",
        "disbursed_on": "10/05/2024",
        "jobs": "1",
        "collateral": "",
        "monthly_rate_percent": "",
        "repayment_status": "current",
        "repaid_on": "",
        "note": "",
    }


def loan_edit(loan: Loan) -> dict:
    loan.refresh_from_db()
    return {
        "version": loan.version,
        "code": loan.code,
        "commune": loan.commune_id,
        "borrower_type": loan.borrower_type,
        "borrower_name": loan.borrower_name,
        "borrower_id_number": loan.borrower_id_number,
        "purpose": loan.purpose,
        "amount_vnd": str(loan.amount_vnd),
        "term_months": str(loan.term_months),
        "disbursed_on": d(loan.disbursed_on),
        "jobs": str(loan.jobs),
        "collateral": loan.collateral,
        "monthly_rate_percent": "",
        "repayment_status": loan.repayment_status,
        "repaid_on": "",
        "note": f"Sửa lần {next(_serial)}",
    }


def new_placement(prefix: str) -> dict:
    return {
        "commune": AREAS[prefix],
        "worker_name": "Hà Văn Mới",
        "worker_id_number": "",
        "channel": "other",
        "employer": "HTX Mới",
        "placed_on": "01/04/2022",
        "note": "",
    }


def placement_edit(placement: Placement) -> dict:
    placement.refresh_from_db()
    return {
        "version": placement.version,
        "commune": placement.commune_id,
        "worker_name": placement.worker_name,
        "worker_id_number": placement.worker_id_number,
        "channel": placement.channel,
        "employer": placement.employer,
        "placed_on": d(placement.placed_on),
        "note": f"Sửa lần {next(_serial)}",
    }


def new_pass(prefix: str) -> dict:
    return {
        "commune": AREAS[prefix],
        "number": f"STHNEW{next(_serial):03d}",
        "holder_name": "Hà Văn Mới",
        "holder_id_number": "",
        "issued_on": "10/01/2026",
        "expires_on": "09/01/2027",
        "border_gate": "Cửa khẩu Tân Thanh",
        "workplace": "",
        "note": "",
    }


def pass_edit(border_pass: BorderPass) -> dict:
    border_pass.refresh_from_db()
    return {
        "version": border_pass.version,
        "commune": border_pass.commune_id,
        "number": border_pass.number,
        "holder_name": border_pass.holder_name,
        "holder_id_number": border_pass.holder_id_number,
        "issued_on": d(border_pass.issued_on),
        "expires_on": d(border_pass.expires_on),
        "border_gate": border_pass.border_gate,
        "workplace": border_pass.workplace,
        "note": f"Sửa lần {next(_serial)}",
    }


# --- The kinds of page and what each role gets ---------------------------------------------------


@dataclass
class Kind:
    """`kind`: "list" (lists, exports, the overview: no POST), "new" (a form recording in the
    commune posted), "read" (one record, no POST), "edit" (a record's form or delete page).
    `target(world, prefix)` is the record of an area a record page is tried on; `data` the POST."""

    kind: str
    target: object = None
    data: object = None


def victim(world: World, prefix: str) -> Placement:
    """A placement made for one delete request (a successful delete must not starve the next)."""
    return PlacementFactory(commune_id=AREAS[prefix], worker_name=NAMES[prefix]["workers"][0])


KINDS: dict[str, Kind] = {
    "employment_overview": Kind("list"),
    "loan_list": Kind("list"),
    "loan_export": Kind("list"),
    "loan_create": Kind("new", data=new_loan),
    "loan_detail": Kind("read", target=lambda w, p: w.loans[p]),
    "loan_edit": Kind("edit", target=lambda w, p: w.loans[p], data=loan_edit),
    "placement_list": Kind("list"),
    "placement_export": Kind("list"),
    "placement_create": Kind("new", data=new_placement),
    "placement_edit": Kind("edit", target=lambda w, p: w.placements[p], data=placement_edit),
    "placement_delete": Kind("edit", target=victim, data=lambda placement: {}),
    "border_pass_list": Kind("list"),
    "border_pass_export": Kind("list"),
    "border_pass_create": Kind("new", data=new_pass),
    "border_pass_edit": Kind("edit", target=lambda w, p: w.passes[p], data=pass_edit),
}


def patterns() -> list[URLPattern]:
    for pattern in employment_urls.urlpatterns:
        assert isinstance(pattern, URLPattern), f"{pattern!r}: nested includes are not walked"
    return list(employment_urls.urlpatterns)


URL_NAMES = [p.name for p in patterns()]


def expected(kind: str, method: str, role: str, prefix: str | None) -> int:
    """The status a role gets; `prefix` is the area of the record (or of the commune posted)."""
    if kind == "list":
        return 200 if method == "get" else 405
    if kind == "read":
        if method == "post":
            return 405
        return 200 if prefix in SEES[role] else 404
    if role not in EDITORS:
        return 403  # refused by role before any record is looked up
    if kind == "new":
        if method == "get":
            return 200
        return 302 if prefix in WRITES[role] else 200  # another commune's code: the form refuses
    return (200 if method == "get" else 302) if prefix in WRITES[role] else 404


@dataclass
class Request:
    name: str
    method: str
    prefix: str | None  # the area of the record or of the commune posted
    url: str
    data: dict


# An administrator's forms and filters list the country's 3,321 communes, slow to render: the
# administrator opens a record's form for one area only (the code path is the same for all).
ADMIN_FORM_AREA = "HN"


def requests(world: World, role: str | None = None):
    """Every request of the matrix: each page by GET and POST, a record page with the record of
    each area, a form posting each area's commune. The URL and payload are made just before the
    request is sent (a payload reads the record's current version)."""
    for name in URL_NAMES:
        kind = KINDS[name]
        if kind.kind == "list":
            yield lambda name=name: Request(name, "get", None, reverse(name), {})
            yield lambda name=name: Request(name, "post", None, reverse(name), {})
        elif kind.kind == "new":
            yield lambda name=name: Request(name, "get", None, reverse(name), {})
            for p in AREAS:
                yield lambda name=name, p=p, kind=kind: Request(
                    name, "post", p, reverse(name), kind.data(p)
                )
        else:
            for p in AREAS:
                for method in ("get", "post"):
                    if (
                        role == "admin"
                        and kind.kind == "edit"
                        and method == "get"
                        and p != ADMIN_FORM_AREA
                    ):
                        continue

                    def make(name=name, p=p, kind=kind, method=method):
                        record = kind.target(world, p)
                        data = kind.data(record) if method == "post" and kind.data else {}
                        return Request(
                            name, method, p, reverse(name, kwargs={"pk": record.pk}), data
                        )

                    yield make


def send(client, request: Request):
    if request.method == "get":
        return client.get(request.url)
    return client.post(request.url, request.data)


def test_every_url_has_a_kind():
    assert len(URL_NAMES) == len(set(URL_NAMES)), "two URL patterns share a name"
    assert None not in URL_NAMES, "a URL pattern has no name"
    missing = sorted(set(URL_NAMES) - set(KINDS))
    stale = sorted(set(KINDS) - set(URL_NAMES))
    assert not missing, f"URLs without a kind in the access matrix: {missing}"
    assert not stale, f"kinds for URLs that no longer exist: {stale}"


def test_anonymous_is_sent_to_login_and_changes_nothing(client, world):
    login_url = resolve_url(settings.LOGIN_URL)
    failures = []
    for make in requests(world):
        request = make()
        assert request.url.startswith(PREFIX), request.url
        before = snapshot()
        response = send(client, request)
        where = f"anonymous {request.method.upper()} {request.url} ({request.name})"
        if response.status_code != 302 or not response["Location"].startswith(login_url):
            failures.append(
                f"{where}: {response.status_code} {response.get('Location', '')}, expected login"
            )
        if snapshot() != before:
            failures.append(f"{where}: changed the database")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, login, world, role):
    """Every page, method and area for one role: the status, a write only when allowed, and a
    page (or export) answered 200 never shows another area's records."""
    login(world.users[role])
    failures = []
    for make in requests(world, role):
        request = make()
        kind = KINDS[request.name].kind
        want = expected(kind, request.method, role, request.prefix)
        before = snapshot()
        response = send(client, request)
        after = snapshot()
        where = (
            f"{role} {request.method.upper()} {request.url} "
            f"({request.name}, record or commune of {request.prefix})"
        )
        if response.status_code != want:
            failures.append(f"{where}: {response.status_code}, expected {want}")
            continue
        if request.method == "post" and want == 302:
            touched = touched_communes(before, after)
            if touched != {AREAS[request.prefix]}:
                failures.append(
                    f"{where}: 302 and the records of communes {sorted(touched)} written"
                )
        elif after != before:
            failures.append(f"{where}: {response.status_code} and the database changed")
        if kind == "new" and request.method == "post" and want == 200:
            errors = response.context["form"].errors
            if "commune" not in errors:
                failures.append(f"{where}: refused, but not on the commune field: {dict(errors)}")
        if request.method == "get" and response.status_code == 200:
            leaked = areas_in(body(response)) - SEES[role]
            if leaked:
                failures.append(f"{where}: 200 showing records of {sorted(leaked)}")
    assert not failures, "\n".join(failures)


def test_a_recorded_record_keeps_its_commune_whatever_the_form_posts(client, login, world):
    """The commune of a loan, placement or pass is fixed once recorded: an officer posting
    another commune's code on the edit form saves the change in the record's own commune."""
    login(world.users["own"])
    cases = [
        ("loan_edit", world.loans["HL"], loan_edit),
        ("placement_edit", world.placements["HL"], placement_edit),
        ("border_pass_edit", world.passes["HL"], pass_edit),
    ]
    for name, record, payload in cases:
        data = {**payload(record), "commune": CHI_LANG}
        response = client.post(reverse(name, kwargs={"pk": record.pk}), data)
        record.refresh_from_db()
        assert (response.status_code, record.commune_id, record.note) == (
            302,
            HUU_LUNG,
            data["note"],
        ), name


# --- Lists, totals, exports, the overview --------------------------------------------------------


def listed(role: str) -> dict:
    """What the lists must show a role: loans, their amount and jobs, placements, passes, and
    the passes expiring within 30 days (one an area)."""
    seen = SEES[role]
    return {
        "loans": len(seen),
        "amount": sum(NAMES[p]["loan"][2] for p in seen),
        "jobs": len(seen),  # one job a loan (the factory's)
        "placements": sum(len(NAMES[p]["workers"]) for p in seen),
        "passes": 2 * len(seen),
        "expiring": len(seen),
    }


EXPORTS = {
    # url name -> the column of the rows' key, and what the key of an area's rows is
    "loan_export": (1, lambda p: {NAMES[p]["loan"][0]}),
    "placement_export": (1, lambda p: set(NAMES[p]["workers"])),
    "border_pass_export": (1, lambda p: {NAMES[p]["pass"][0], NAMES[p]["stray"][0]}),
}
LISTS = {"loan_list": "loan", "placement_list": "placement", "border_pass_list": "pass"}


@pytest.mark.parametrize("role", ROLES)
def test_lists_totals_and_exports_show_only_the_users_areas(client, login, world, role):
    login(world.users[role])
    seen, want = SEES[role], listed(role)
    # Filters naming a commune the user does not read are ignored, never obeyed.
    forged = [{}] + [{"commune": AREAS[p]} for p in AREAS if p not in seen]
    for query in forged:
        context = f"{role} with {query or 'no filter'}"
        # The administrator reads everything: its lists (slow to render with the country's
        # communes in the filter) are opened by the matrix; its exports are read here.
        for name, kind in LISTS.items() if role != "admin" else ():
            response = client.get(reverse(name), query)
            assert response.status_code == 200, f"{context}: GET {name} {response.status_code}"
            text = body(response)
            assert areas_in(text, kind) == seen, (
                f"{context}: {name} shows {sorted(areas_in(text, kind))}"
            )
            assert areas_in(text) <= seen, (
                f"{context}: {name} shows records of {sorted(areas_in(text))}"
            )
            ctx = response.context
            if name == "loan_list":
                totals = ctx["totals"]
                assert (totals["count"], totals["amount"], totals["jobs"]) == (
                    want["loans"],
                    want["amount"],
                    want["jobs"],
                ), f"{context}: loan totals {totals}"
            elif name == "placement_list":
                assert ctx["totals"]["count"] == want["placements"], f"{context}: {ctx['totals']}"
            else:
                assert (ctx["total"], ctx["expiring"]) == (want["passes"], want["expiring"]), (
                    context
                )
            # The commune filter offers only the user's communes.
            offered = {
                code for code, _label in ctx["filter_form"].fields["commune"].choices if code
            }
            assert {p for p in AREAS if AREAS[p] in offered} == seen, (
                f"{context}: {name} offers {offered}"
            )
        for name, (column, keys) in EXPORTS.items():
            response = client.get(reverse(name), query)
            assert response.status_code == 200, f"{context}: GET {name} {response.status_code}"
            rows = {row[column] for row in xlsx_rows(response)[1:] if row[column]}
            wanted = set().union(*(keys(p) for p in seen))
            assert rows == wanted, (
                f"{context}: {name} rows {sorted(rows)}, expected {sorted(wanted)}"
            )
            assert areas_in(body(response)) <= seen, (
                f"{context}: {name} exports another area's rows"
            )


# (area code, new jobs, loans, amount lent) of the overview's cards, the communes' table, the
# passes expiring soon: placements and loans are of 2022.
OVERVIEW = {
    "own": ([(HUU_LUNG, 1, 1, 50_000_000)], [], 1),
    "other": ([(CHI_LANG, 2, 1, 70_000_000)], [], 1),
    "head": ([(LANG_SON, 3, 2, 120_000_000)], [CHI_LANG, HUU_LUNG], 2),
    "far": ([(HA_NOI, 4, 1, 90_000_000)], [HA_NOI_COMMUNE], 1),
    "admin": ([(LANG_SON, 3, 2, 120_000_000)], [CHI_LANG, HUU_LUNG], 3),  # ?province=20
}


@pytest.mark.parametrize("role", ROLES)
def test_the_overview_counts_only_the_users_areas(client, login, world, role):
    login(world.users[role])
    cards, communes, expiring = OVERVIEW[role]
    # A head or an officer naming Lạng Sơn's or Hà Nội's province gets their own areas anyway;
    # an administrator gets the province named.
    for province in ("", LANG_SON, HA_NOI):
        query = {"year": 2022, "province": province}
        response = client.get(reverse("employment_overview"), query)
        assert response.status_code == 200, (role, query, response.status_code)
        ctx = response.context
        shown = [
            (a.area.code, a.new_jobs, a.loans["projects"], a.loans["amount_vnd"])
            for a in ctx["areas"]
        ]
        want_cards, want_communes = cards, communes
        if role == "admin" and province != LANG_SON:
            # No province named: the first by name with placements, Hà Nội.
            want_cards, want_communes = OVERVIEW["far"][:2]
        assert shown == want_cards, f"{role} {query}: cards {shown}, expected {want_cards}"
        listed_communes = [c.area.code for c in ctx["communes"]]
        assert listed_communes == want_communes, f"{role} {query}: communes {listed_communes}"
        assert ctx["expiring_passes"] == expiring, (
            f"{role} {query}: {ctx['expiring_passes']} passes expiring"
        )
        if role != "admin":
            names = {"HL": "Xã Hữu Lũng", "CL": "Xã Chi Lăng", "HN": "Phường Ba Đình"}
            text = body(response)
            shown_names = {p for p, n in names.items() if n in text}
            assert shown_names <= SEES[role], (
                f"{role} {query}: overview names {sorted(shown_names)}"
            )


# --- The person page's section -------------------------------------------------------------------


def section_markers(prefix: str) -> list[str]:
    """What the section shows of an area's records linked to its person: the loan's code, the
    placement's employer, the pass's number."""
    return [NAMES[prefix]["loan"][0], employer(prefix), NAMES[prefix]["pass"][0]]


@pytest.mark.parametrize("role", ROLES)
def test_the_person_page_section_shows_only_the_users_records(client, login, world, role):
    """Each area's person has its area's loan, placement and pass, and a pass recorded in
    another area (`STRAY_PERSON`): the section shows that one only to whoever reads its commune."""
    login(world.users[role])
    for p, person in world.people.items():
        response = client.get(f"/households/people/{person.pk}/")
        where = f"{role} GET /households/people/{person.pk}/ (person of {p})"
        if p not in SEES[role]:
            assert response.status_code == 404, f"{where}: {response.status_code}, expected 404"
            continue
        assert response.status_code == 200, f"{where}: {response.status_code}, expected 200"
        text = body(response)
        assert 'data-testid="person-employment"' in text, where
        for marker in section_markers(p):
            assert marker in text, f"{where}: {marker} missing"
        stray = next(s for s, owner in STRAY_PERSON.items() if owner == p)
        stray_number = NAMES[stray]["stray"][0]
        assert (stray_number in text) == (stray in SEES[role]), (
            f"{where}: the pass {stray_number} of {stray} "
            f"{'hidden' if stray in SEES[role] else 'shown'}"
        )
        others = [q for q in AREAS if q != p]
        for q in others:
            for marker in section_markers(q):
                assert marker not in text, f"{where}: {marker} of {q} shown"


# --- Imports -------------------------------------------------------------------------------------

LOAN_COLUMNS = [
    "loan_code",
    "commune_code",
    "borrower_name",
    "borrower_type",
    "amount_vnd",
    "disbursed_on",
    "jobs",
]
JOB_COLUMNS = ["commune_code", "worker_name", "channel", "placed_on"]


def loan_row(code: str, commune: int, borrower: str) -> list:
    return [code, commune, borrower, "individual", 40_000_000, "2022-05-02", 1]


def job_row(commune: int, worker: str) -> list:
    return [commune, worker, "other", "2022-05-02"]


def test_imports_refuse_another_communes_rows_and_codes(world, tmp_path):
    own, far = world.users["own"], world.users["far"]
    good = {
        "loans": [LOAN_COLUMNS, loan_row("VV-IMP-1", HUU_LUNG, "Hoàng Văn Nhập")],
        "job_placements": [JOB_COLUMNS, job_row(HUU_LUNG, "Hoàng Thị Nhập")],
    }
    # The control: the officer's own rows pass (a dry run, nothing written).
    for kind, rows in good.items():
        ok, lines = run_as(own, kind, write(tmp_path, f"{kind}.csv", rows), dry_run=True)
        assert ok, (kind, lines)
    cases = [
        # (who, kind, the refused row, the commune the refusal names)
        (own, "loans", loan_row("VV-IMP-2", CHI_LANG, "Lý Văn Nhập"), CHI_LANG),
        # Hữu Lũng's commune on a loan code recorded in Chi Lăng or Hà Nội: not the officer's.
        (own, "loans", loan_row("VV-CL-01", HUU_LUNG, "Lý Thị Chi"), CHI_LANG),
        (own, "loans", loan_row("VV-HN-01", HUU_LUNG, "Trần Văn Hà"), HA_NOI_COMMUNE),
        (own, "job_placements", job_row(CHI_LANG, "Lý Văn Nhập"), CHI_LANG),
        (own, "job_placements", job_row(HA_NOI_COMMUNE, "Trần Văn Nhập"), HA_NOI_COMMUNE),
        # The head of Hà Nội: neither a row of Lạng Sơn nor the code of Lạng Sơn's loan.
        (far, "loans", loan_row("VV-IMP-3", HUU_LUNG, "Nông Văn Nhập"), HUU_LUNG),
        (far, "loans", loan_row("VV-HL-01", HA_NOI_COMMUNE, "Nông Văn Hữu"), HUU_LUNG),
        (far, "job_placements", job_row(HUU_LUNG, "Nông Văn Nhập"), HUU_LUNG),
    ]
    for index, (user, kind, row, named) in enumerate(cases):
        # The officer's file also holds a good row: all or nothing.
        rows = [*good[kind], row] if user is own else [good[kind][0], row]
        before = snapshot()
        ok, lines = run_as(user, kind, write(tmp_path, f"bad{index}.csv", rows))
        where = f"{user.role} importing {kind} row {row}"
        assert not ok, f"{where}: accepted {lines}"
        assert any(str(named) in line for line in lines), f"{where}: {named} not named in {lines}"
        assert snapshot() == before, f"{where}: something was saved"


# --- The Django admin ----------------------------------------------------------------------------

ADMIN_MODELS = {"loan": "loan", "placement": "placement", "borderpass": "pass"}


def staff(user, *actions: str):
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="employment",
            codename__in=[f"{a}_{m}" for a in actions for m in ADMIN_MODELS],
        )
    )
    return user


def test_the_admin_shows_staff_only_their_areas(client, login, world):
    """Staff heads (view permissions) and a staff officer (every permission) read only their
    areas in /admin/employment/; another area's record is "not found" (a redirect to the index,
    its history 404), and nothing of it changes."""
    users = {
        "head": staff(world.users["head"], "view"),
        "far": staff(world.users["far"], "view"),
        "own": staff(world.users["own"], "view", "add", "change", "delete"),
    }
    records = {"loan": world.loans, "placement": world.placements, "borderpass": world.passes}
    for role, user in users.items():
        login(user)
        for model, kind in ADMIN_MODELS.items():
            url = f"/admin/employment/{model}/"
            response = client.get(url)
            assert response.status_code == 200, f"{role} GET {url}: {response.status_code}"
            shown = areas_in(body(response), kind)
            assert shown == SEES[role], (
                f"{role} GET {url}: shows {sorted(shown)}, expected {sorted(SEES[role])}"
            )
            for p, record in records[model].items():
                if p in SEES[role]:
                    continue
                change = f"{url}{record.pk}/change/"
                response = client.get(change)
                assert response.status_code == 302, f"{role} GET {change}: {response.status_code}"
                history = f"{url}{record.pk}/history/"
                response = client.get(history)
                assert response.status_code == 404, f"{role} GET {history}: {response.status_code}"
        # Heads read but never add (edit_cases is the officers').
        if role in ("head", "far"):
            response = client.get("/admin/employment/loan/add/")
            assert response.status_code == 403, (
                f"{role} GET /admin/employment/loan/add/: {response.status_code}"
            )

    # The officer of Hữu Lũng: Chi Lăng's records are neither changed, deleted, nor added to.
    login(users["own"])
    cl_loan, cl_placement = world.loans["CL"], world.placements["CL"]
    before = snapshot()
    response = client.post(
        f"/admin/employment/loan/{cl_loan.pk}/change/",
        {
            "borrower_type": "individual",
            "borrower_name": "Đổi Tên",
            "amount_vnd": 1_000_000,
            "disbursed_on": "2022-03-15",
            "jobs": 1,
            "repayment_status": "current",
            "expected_version": 1,
        },
    )
    assert response.status_code == 302, f"own POST change of CL's loan: {response.status_code}"
    response = client.post(
        f"/admin/employment/placement/{cl_placement.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302, f"own POST delete of CL's placement: {response.status_code}"
    response = client.post(
        "/admin/employment/placement/",
        {
            "action": "delete_selected",
            "_selected_action": [cl_placement.pk],
            "post": "yes",
        },
    )
    assert response.status_code in (200, 302), (
        f"own bulk delete of CL's placement: {response.status_code}"
    )
    adds = {
        "loan": {
            "code": "VV-ADM-1",
            "commune": CHI_LANG,
            "borrower_type": "individual",
            "borrower_name": "Lý Văn Thêm",
            "amount_vnd": 20_000_000,
            "term_months": 24,
            "disbursed_on": "2022-03-15",
            "jobs": 1,
            "repayment_status": "current",
        },
        "placement": {
            "commune": CHI_LANG,
            "worker_name": "Lý Văn Thêm",
            "channel": "other",
            "placed_on": "2022-04-01",
        },
        "borderpass": {
            "commune": CHI_LANG,
            "number": "STHADM1",
            "holder_name": "Lý Văn Thêm",
            "issued_on": "2026-01-10",
            "expires_on": "2027-01-09",
            "border_gate": "Cửa khẩu Chi Ma",
        },
    }
    for model, data in adds.items():
        response = client.post(f"/admin/employment/{model}/add/", data)
        assert response.status_code == 200, (
            f"own POST /admin/employment/{model}/add/ in CL: {response.status_code}"
        )
        errors = response.context["adminform"].form.errors
        assert "commune" in errors, (
            f"own POST /admin/employment/{model}/add/ in CL: errors {dict(errors)}"
        )
    assert snapshot() == before, (
        "the officer of Hữu Lũng changed Chi Lăng's records through the admin"
    )
