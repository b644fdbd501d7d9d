"""Who may open and post every page under /households/ and /imports/ (design.md "Roles",
conventions.md "Scoping": a commune officer never sees or changes another commune's records).

The matrix walks `welfare.households.urls.urlpatterns` and `welfare.imports.urls.urlpatterns`
themselves, so a page added later either gets an entry in `ENTRIES` or fails
`test_every_url_has_an_entry`. Each page is opened by GET and by POST with a payload that
succeeds for whoever may write, as:

- nobody logged in: sent to the login page;
- an officer of Xã Chi Lăng (another commune): 404 for a record of Xã Hữu Lũng, 403 for an
  action of another role, and nothing changed in the database;
- an officer of Xã Hữu Lũng: the page (200) or the write done (302);
- the head of Lạng Sơn: read pages 200, pages that edit cases 403, recognition allowed;
- the head of Hà Nội (another province): 404 for the record (403 for an edit page, refused by
  role before any record is looked up), nothing changed;
- an administrator: allowed.

Then the lists and exports (XLSX parsed with openpyxl, PDFs with pdftotext) and the forms'
choices never offer another commune's rows to an officer nor another province's to a head,
and a POST that forges another commune's id is refused with nothing changed.
"""

import datetime as dt
import html
import re
import subprocess
from dataclasses import dataclass, field
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse
from openpyxl import load_workbook

from tests.access_matrix import Entry, Matrix
from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    HouseholdFactory,
    InsuranceCardFactory,
    MemberFactory,
    PersonFactory,
    PovertyReviewFactory,
    admin,
    head,
    officer,
)
from welfare.households import urls as household_urls
from welfare.households.models import (
    Household,
    InsuranceCard,
    Member,
    Person,
    PersonDistinct,
    PovertyReview,
)
from welfare.imports import urls as import_urls
from welfare.imports.models import ImportRun
from welfare.imports.services import import_execute, import_run_create

pytestmark = pytest.mark.django_db

HA_NOI = 1
ROLES = ["own", "other", "head", "far", "admin"]
PREFIXES = {"households": "/households/", "imports": "/imports/"}


def patterns() -> list[tuple[str, URLPattern]]:
    found = []
    for prefix, module in (("households", household_urls), ("imports", import_urls)):
        for pattern in module.urlpatterns:
            assert isinstance(pattern, URLPattern), f"{pattern!r}: nested includes are not walked"
            found.append((prefix, pattern))
    return found


URL_NAMES = [p.name for _prefix, p in patterns()]


# --- The world: one of each record in Xã Hữu Lũng, and the same in Chi Lăng and Hà Nội -----------


@dataclass
class Area:
    household: Household
    child: Member
    proposed: PovertyReview  # 2024, waiting for recognition
    recognised: PovertyReview  # 2023, recognised poor (certificate)
    card: InsuranceCard
    twins: tuple[Person, Person]
    commune: int


@dataclass
class World:
    users: dict
    hl: Area
    cl: Area
    hn: Area
    run: ImportRun
    other_runs: list[ImportRun] = field(default_factory=list)


NAMES = {
    HUU_LUNG: ("HL-A", "Nông Văn Hữu", "Nông Thị Con", "HL-CARD-1", "Hoàng Văn Trùng"),
    CHI_LANG: ("CL-A", "Lý Thị Chi", "Lý Văn Nhỏ", "CL-CARD-1", "Lục Văn Kép"),
    HA_NOI_COMMUNE: ("HN-A", "Trần Văn Hà", "Trần Thị Bé", "HN-CARD-1", "Đỗ Văn Đôi"),
}


def area(commune: int) -> Area:
    code, head_name, child_name, card_number, twin_name = NAMES[commune]
    household = HouseholdFactory(
        code=code,
        commune_id=commune,
        village=f"Thôn {code}",
        head_member=PersonFactory(
            full_name=head_name, commune_id=commune, birth_date=dt.date(1975, 3, 4)
        ),
    )
    child = MemberFactory(
        household=household,
        person=PersonFactory(
            full_name=child_name, commune_id=commune, birth_date=dt.date(2005, 6, 7)
        ),
        relation="child",
    )
    recognised = PovertyReviewFactory(
        household=household,
        review_year=2023,
        income_per_capita_vnd=1_000_000,
        deprivations=[1, 2, 3],
    )
    proposed = PovertyReviewFactory(
        household=household,
        review_year=2024,
        income_per_capita_vnd=1_200_000,
        deprivations=[1, 4, 7],
        status="proposed",
        recognised_on=None,
        decision_number="",
    )
    card = InsuranceCardFactory(
        card_number=card_number,
        holder_name=head_name,
        commune_id=commune,
        household=household,
        person=household.head,
    )
    twins = tuple(
        PersonFactory(full_name=twin_name, commune_id=commune, birth_date=dt.date(1980, 1, 1))
        for _ in range(2)
    )
    return Area(household, child, proposed, recognised, card, twins, commune)


def real_import(user, code: str) -> ImportRun:
    """An import made through the engine, as the page makes it: one new household."""
    data = f"household_code,commune_code,head_name,area_type\n{code},{HUU_LUNG},Vi Văn Nhập,rural\n"
    run = import_run_create(
        user=user,
        kind="households",
        file_name="ho-huu-lung.csv",
        chunks=[data.encode()],
        dry_run=False,
    )
    assert import_execute(run=run).ok
    run.refresh_from_db()
    return run


@pytest.fixture
def world() -> World:
    users = {
        "own": officer(HUU_LUNG),
        "other": officer(CHI_LANG),
        "head": head(LANG_SON),
        "far": head(HA_NOI),
        "admin": admin(),
    }
    hl, cl, hn = area(HUU_LUNG), area(CHI_LANG), area(HA_NOI_COMMUNE)
    run = real_import(users["own"], "HL-IMP")
    others = [
        ImportRun.objects.create(
            kind="households",
            user=users["other"],
            province_id=LANG_SON,
            file_name="ho-chi-lang.csv",
            status="imported",
        ),
        ImportRun.objects.create(
            kind="households",
            user=users["far"],
            province_id=HA_NOI,
            file_name="ho-ha-noi.csv",
            status="imported",
        ),
    ]
    return World(users=users, hl=hl, cl=cl, hn=hn, run=run, other_runs=others)


def snapshot(world: World) -> dict:
    """What a refused request must leave as it was: every record with its version and the
    fields the pages write, the history tables, and the import run."""
    return {
        "households": sorted(
            Household.objects.values_list("pk", "version", "code", "village", "head_id")
        ),
        "members": sorted(
            Member.objects.values_list("pk", "version", "relation", "left_on", "person_id")
        ),
        "people": sorted(Person.objects.values_list("pk", "version", "status", "ethnicity")),
        "reviews": sorted(
            PovertyReview.objects.values_list(
                "pk", "version", "status", "income_per_capita_vnd", "decision_number"
            )
        ),
        "cards": sorted(
            InsuranceCard.objects.values_list("pk", "version", "beneficiary_group", "household_id")
        ),
        "distinct": sorted(PersonDistinct.objects.values_list("first_id", "second_id")),
        "history": [
            Household.history.count(),
            Member.history.count(),
            Person.history.count(),
            PovertyReview.history.count(),
            InsuranceCard.history.count(),
        ],
        "run": ImportRun.objects.filter(pk=world.run.pk).values_list("status", flat=True).first(),
    }


# --- Payloads that succeed for whoever may write -----------------------------------------------


def d(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def household_payload(household: Household, **changes) -> dict:
    data = {
        "code": household.code,
        "commune": household.commune_id,
        "village": "Thôn Mới",
        "area_type": household.area_type,
        "address": household.address,
        "legacy_district": household.legacy_district,
        "version": household.version,
    }
    rows = list(
        household.members.filter(left_on__isnull=True).select_related("person").order_by("pk")
    )
    data.update(
        {
            "members-TOTAL_FORMS": len(rows),
            "members-INITIAL_FORMS": len(rows),
            "members-MIN_NUM_FORMS": 0,
            "members-MAX_NUM_FORMS": 40,
        }
    )
    for i, member in enumerate(rows):
        person = member.person
        data.update(
            {
                f"members-{i}-member_id": member.pk,
                f"members-{i}-version": member.version,
                f"members-{i}-person_version": person.version,
                f"members-{i}-full_name": person.full_name,
                f"members-{i}-relation": member.relation,
                f"members-{i}-sex": person.sex,
                f"members-{i}-birth_date": d(person.birth_date),
                f"members-{i}-birth_year": "",
                f"members-{i}-ethnicity": person.ethnicity,
                f"members-{i}-id_number": person.id_number or "",
            }
        )
    data.update(changes)
    return data


def new_household_payload(commune: int, code: str = "HL-NEW") -> dict:
    return {
        "code": code,
        "commune": commune,
        "village": "Thôn Đồng Tiến",
        "area_type": "rural",
        "address": "",
        "legacy_district": "",
        "version": "",
        "members-TOTAL_FORMS": 1,
        "members-INITIAL_FORMS": 0,
        "members-MIN_NUM_FORMS": 0,
        "members-MAX_NUM_FORMS": 40,
        "members-0-full_name": "Hà Văn Mới",
        "members-0-relation": "head",
        "members-0-sex": "male",
        "members-0-birth_date": "02/03/1970",
        "members-0-birth_year": "",
        "members-0-ethnicity": "Tày",
        "members-0-id_number": "",
    }


def person_payload(person: Person) -> dict:
    return {
        "full_name": person.full_name,
        "sex": person.sex,
        "birth_date": d(person.birth_date),
        "birth_year": "",
        "ethnicity": "Nùng",
        "id_number": person.id_number or "",
        "version": person.version,
    }


def card_payload(commune: int, household_code: str, card: InsuranceCard | None = None) -> dict:
    return {
        "version": card.version if card else "",
        "commune": commune,
        "card_number": card.card_number if card else "HL-CARD-NEW",
        "beneficiary_group": "near_poor",
        "holder_name": "Nông Văn Hữu",
        "holder_id_number": "",
        "household_code": household_code,
        "issued_on": "15/01/2025",
        "valid_from": "",
        "valid_to": "",
    }


def review_payload(review: PovertyReview | None = None, year: int = 2022) -> dict:
    return {
        "review_year": review.review_year if review else year,
        "kind": "regular",
        "reviewed_on": "",
        "income_per_capita_vnd": "1.300.000",
        "area_type": "rural",
        "note": "",
        "version": review.version if review else "",
        "dep_1": "on",
        "dep_4": "on",
        "dep_7": "on",
    }


def import_payload() -> dict:
    data = f"household_code,commune_code,head_name,area_type\nHL-WEB,{HUU_LUNG},Ma Văn Web,rural\n"
    return {"kind": "households", "file": SimpleUploadedFile("ho.csv", data.encode())}


# --- The matrix ---------------------------------------------------------------------------------

# Expected status per role; a tuple allows several (only where the difference tells nothing).
LIST = {"own": 200, "other": 200, "head": 200, "far": 200, "admin": 200}
READ = {"own": 200, "other": 404, "head": 200, "far": 404, "admin": 200}
EDIT_GET = {"own": 200, "other": 404, "head": 403, "far": 403, "admin": 200}
EDIT_POST = {"own": 302, "other": 404, "head": 403, "far": 403, "admin": 302}
NEW_GET = {"own": 200, "other": 200, "head": 403, "far": 403, "admin": 200}
# The officer of Chi Lăng posts Hữu Lũng's commune: the form refuses it (200, errors shown).
NEW_POST = {"own": 302, "other": 200, "head": 403, "far": 403, "admin": 302}
NO_POST = {"own": 405, "other": 405, "head": 405, "far": 405, "admin": 405}
NO_GET = {"own": 405, "other": 405, "head": 405, "far": 405, "admin": 405}
WRITERS = {"own", "admin"}


def none(w: World) -> dict:
    return {}


ENTRIES: dict[str, Entry] = {
    # Households
    "household_list": Entry(none, LIST, NO_POST),
    "household_export": Entry(none, LIST, NO_POST),
    "household_create": Entry(
        none, NEW_GET, NEW_POST, data=lambda w: new_household_payload(HUU_LUNG), changes=WRITERS
    ),
    "household_detail": Entry(lambda w: {"pk": w.hl.household.pk}, READ, NO_POST),
    "household_edit": Entry(
        lambda w: {"pk": w.hl.household.pk},
        EDIT_GET,
        EDIT_POST,
        data=lambda w: household_payload(w.hl.household),
        changes=WRITERS,
    ),
    "household_head_change": Entry(
        lambda w: {"pk": w.hl.household.pk},
        EDIT_GET,
        EDIT_POST,
        data=lambda w: {"new_head": w.hl.child.pk, "old_head_relation": "parent"},
        changes=WRITERS,
    ),
    "member_leave": Entry(
        lambda w: {"pk": w.hl.child.pk},
        EDIT_GET,
        EDIT_POST,
        data=lambda w: {"left_on": "01/02/2025"},
        changes=WRITERS,
    ),
    # People
    "person_detail": Entry(lambda w: {"pk": w.hl.child.person_id}, READ, NO_POST),
    "person_edit": Entry(
        lambda w: {"pk": w.hl.child.person_id},
        EDIT_GET,
        EDIT_POST,
        data=lambda w: person_payload(w.hl.child.person),
        changes=WRITERS,
    ),
    "person_exit": Entry(
        lambda w: {"pk": w.hl.child.person_id},
        EDIT_GET,
        EDIT_POST,
        data=lambda w: {"status": "moved", "on": "01/02/2025", "note": "Hà Nội"},
        changes=WRITERS,
    ),
    "duplicate_list": Entry(none, LIST, NO_POST),
    "duplicate_resolve": Entry(
        lambda w: {"first": w.hl.twins[0].pk, "second": w.hl.twins[1].pk},
        # No GET handler: 405 for everyone who may write, 403 for a head (role first).
        {"own": 405, "other": 405, "head": 403, "far": 403, "admin": 405},
        EDIT_POST,
        data=lambda w: {"action": "distinct"},
        changes=WRITERS,
    ),
    # Health-insurance cards
    "card_list": Entry(none, LIST, NO_POST),
    "card_export": Entry(none, LIST, NO_POST),
    "card_create": Entry(
        none, NEW_GET, NEW_POST, data=lambda w: card_payload(HUU_LUNG, "HL-A"), changes=WRITERS
    ),
    "card_edit": Entry(
        lambda w: {"pk": w.hl.card.pk},
        EDIT_GET,
        EDIT_POST,
        data=lambda w: card_payload(HUU_LUNG, "HL-A", w.hl.card),
        changes=WRITERS,
    ),
    # Poverty reviews
    "review_list": Entry(none, LIST, NO_POST),
    "review_classify": Entry(
        none,
        LIST,
        # Reads its query string only: a POST without one is a 400 and writes nothing.
        {"own": 400, "other": 400, "head": 400, "far": 400, "admin": 400},
        query=lambda w: {
            "year": 2024,
            "area_type": "rural",
            "income": "1000000",
            "deprivations": "1;2;3",
        },
    ),
    "review_recognise": Entry(
        none,
        {"own": 403, "other": 403, "head": 200, "far": 200, "admin": 200},
        # The head of Hà Nội posts a review of Lạng Sơn: not among the choices (200, refused).
        {"own": 403, "other": 403, "head": 302, "far": 200, "admin": 302},
        data=lambda w: {
            "reviews": [w.hl.proposed.pk],
            "decision_number": "45/QĐ-UBND",
            "recognised_on": "20/12/2024",
        },
        changes={"head", "admin"},
    ),
    "review_carry_forward": Entry(
        none,
        NEW_GET,
        NEW_POST,
        data=lambda w: {"commune": HUU_LUNG, "from_year": 2024},
        changes=WRITERS,
    ),
    "review_movement": Entry(none, LIST, NO_POST),
    "review_detail": Entry(lambda w: {"pk": w.hl.proposed.pk}, READ, NO_POST),
    "review_edit": Entry(
        lambda w: {"pk": w.hl.proposed.pk},
        EDIT_GET,
        EDIT_POST,
        data=lambda w: review_payload(w.hl.proposed),
        changes=WRITERS,
    ),
    "review_create": Entry(
        lambda w: {"household_pk": w.hl.household.pk},
        EDIT_GET,
        EDIT_POST,
        data=lambda w: review_payload(year=2022),
        changes=WRITERS,
    ),
    # Printouts (function views: a POST reads like a GET and writes nothing)
    "review_posting_pdf": Entry(lambda w: {"commune": HUU_LUNG, "year": 2024}, READ, READ),
    "review_certificate_pdf": Entry(lambda w: {"pk": w.hl.recognised.pk}, READ, READ),
    # Imports
    "import_start": Entry(
        none,
        LIST,
        # Everyone may import; the officer of Chi Lăng and the head of Hà Nội get a refused
        # import (the job page), with nothing of Hữu Lũng written.
        {"own": 302, "other": 302, "head": 302, "far": 302, "admin": 302},
        data=lambda w: import_payload(),
        changes={"own", "head", "admin"},
    ),
    "import_result": Entry(lambda w: {"pk": w.run.pk}, READ, NO_POST),
    "import_errors": Entry(lambda w: {"pk": w.run.pk}, READ, NO_POST),
    "import_undo": Entry(
        lambda w: {"pk": w.run.pk},
        NO_GET,
        # The head sees the import but did not make it: refused with a message, unchanged.
        {"own": 302, "other": 404, "head": 302, "far": 404, "admin": 302},
        changes=WRITERS,
    ),
    "import_template": Entry(lambda w: {"kind": "households"}, LIST, NO_POST),
}


MATRIX = Matrix(
    url_names=URL_NAMES,
    entries=ENTRIES,
    snapshot=lambda world: snapshot(world),
    assert_no_hl=lambda response: assert_no_hl(response),
    prefixes=tuple(PREFIXES.values()),
    outsiders=("other", "far"),
)
url_of = MATRIX.url_of
send = MATRIX.send


def test_every_url_has_an_entry():
    MATRIX.every_url_has_an_entry()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_is_sent_to_login(client, world, name, method, django_capture_on_commit_callbacks):
    MATRIX.anonymous_is_sent_to_login(client, world, name, method, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", URL_NAMES)
def test_access_matrix(client, login, world, name, method, role, django_capture_on_commit_callbacks):
    MATRIX.role_gets_its_status(client, login, world, name, method, role, django_capture_on_commit_callbacks)


def body(response) -> str:
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "PDF"
    if "spreadsheetml" in response.get("Content-Type", ""):
        return " ".join(str(c) for row in xlsx_rows(response) for c in row if c is not None)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return html.unescape(content.decode())


def assert_no_hl(response) -> None:
    text = body(response)
    for word in (
        "HL-A",
        "Nông Văn Hữu",
        "Nông Thị Con",
        "HL-CARD-1",
        "Hoàng Văn Trùng",
        "ho-huu-lung",
    ):
        assert word not in text, f"{word} shown to an outsider"


# --- Lists and exports ------------------------------------------------------------------------


def xlsx_rows(response) -> list[tuple]:
    assert "spreadsheetml" in response["Content-Type"]
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


SEES = {
    "own": {"HL"},
    "other": {"CL"},
    "head": {"HL", "CL"},
    "far": {"HN"},
    "admin": {"HL", "CL", "HN"},
}
PREFIX_OF = {"HL": HUU_LUNG, "CL": CHI_LANG, "HN": HA_NOI_COMMUNE}


def shown(text: str, index: int) -> set[str]:
    """Which areas' records (by the NAMES column `index`) appear in a text."""
    return {prefix for prefix, commune in PREFIX_OF.items() if NAMES[commune][index] in text}


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_the_users_areas(client, login, world, role):
    login(world.users[role])
    expected = SEES[role]

    def text(url, **params):
        response = client.get(url, params)
        assert response.status_code == 200, url
        return html.unescape(response.content.decode())

    assert shown(text("/households/"), 0) == expected
    assert shown(text("/households/", q="a"), 0) <= expected
    assert shown(text("/households/cards/"), 3) == expected
    assert shown(text("/households/reviews/"), 0) == expected
    assert shown(text("/households/duplicates/"), 4) == expected
    movement = text("/households/reviews/movement/", year=2025)
    names = {"HL": "Xã Hữu Lũng", "CL": "Xã Chi Lăng", "HN": "Phường Ba Đình"}
    table = movement.split("<table", 1)[1] if "<table" in movement else ""
    assert {k for k, v in names.items() if v in table} == expected
    if role in ("head", "far", "admin"):
        assert shown(text("/households/reviews/recognise/"), 0) == expected
    # Past imports: an officer sees their own, a head the province's.
    imports = text("/imports/")
    runs = {"HL": "ho-huu-lung.csv", "CL": "ho-chi-lang.csv", "HN": "ho-ha-noi.csv"}
    assert {k for k, v in runs.items() if v in imports} == expected


@pytest.mark.parametrize("role", ROLES)
def test_exports_hold_only_the_users_areas(client, login, world, role):
    login(world.users[role])
    expected = {PREFIX_OF[p] for p in SEES[role]}
    codes = {NAMES[c][0]: c for c in PREFIX_OF.values()}
    cards = {NAMES[c][3]: c for c in PREFIX_OF.values()}
    for params in ({}, {"commune": CHI_LANG}, {"commune": HUU_LUNG}, {"q": "a"}):
        rows = xlsx_rows(client.get("/households/export.xlsx", params))[1:]
        communes = {codes[r[0]] for r in rows if r[0] in codes}
        assert communes <= expected
        assert all(r[0] in codes or r[0] == "HL-IMP" for r in rows)
        if not params:
            assert communes == expected
        rows = xlsx_rows(client.get("/households/cards/export.xlsx", params))[1:]
        communes = {cards[r[0]] for r in rows}
        assert communes <= expected
        if not params:
            assert communes == expected


@pytest.mark.parametrize("role", ROLES)
def test_the_posting_pdf_lists_only_the_users_reviews(client, login, world, role, tmp_path):
    login(world.users[role])
    for commune in (HUU_LUNG, CHI_LANG, HA_NOI_COMMUNE):
        response = client.get(f"/households/reviews/posting/{commune}/2024.pdf")
        prefix = next(p for p, c in PREFIX_OF.items() if c == commune)
        if prefix not in SEES[role]:
            assert response.status_code == 404
            continue
        assert response.status_code == 200
        text = pdf_text(response.content, tmp_path)
        assert shown(text, 1) == {prefix}


@pytest.mark.parametrize("role", ROLES)
def test_certificates_only_for_the_users_areas(client, login, world, role, tmp_path):
    login(world.users[role])
    for prefix, a in (("HL", world.hl), ("CL", world.cl), ("HN", world.hn)):
        response = client.get(f"/households/reviews/{a.recognised.pk}/certificate.pdf")
        if prefix not in SEES[role]:
            assert response.status_code == 404
            continue
        assert response.status_code == 200
        assert shown(pdf_text(response.content, tmp_path), 1) == {prefix}


# --- The forms' choices -----------------------------------------------------------------------


def options(page: str, name: str) -> set[str]:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert match, f"no <select name={name}>"
    return {v for v in re.findall(r'<option value="([^"]*)"', match.group(1)) if v}


COMMUNE_FORMS = [
    ("/households/", "commune"),
    ("/households/new/", "commune"),
    ("/households/cards/", "commune"),
    ("/households/cards/new/", "commune"),
    ("/households/reviews/", "commune"),
    ("/households/reviews/recognise/", "commune"),
    ("/households/reviews/next-year/", "commune"),
    ("/households/reviews/movement/", "commune"),
]


@pytest.mark.parametrize("role", ["own", "other", "head", "far"])
@pytest.mark.parametrize("url,name", COMMUNE_FORMS)
def test_commune_choices_are_the_users_own(client, login, world, role, url, name):
    user = world.users[role]
    login(user)
    response = client.get(url)
    if response.status_code == 403:
        return  # a form of another role (checked by the matrix)
    assert response.status_code == 200
    offered = {int(v) for v in options(response.content.decode(), name)}
    if role in ("own", "other"):
        assert offered == {HUU_LUNG if role == "own" else CHI_LANG}
    else:
        province = LANG_SON if role == "head" else HA_NOI
        assert offered, "a head is offered the communes of the province"
        from welfare.areas.models import Commune

        provinces = set(
            Commune.objects.filter(code__in=offered).values_list("province_id", flat=True)
        )
        assert provinces == {province}


def test_the_head_change_offers_only_this_households_members(client, login, world):
    login(world.users["own"])
    page = client.get(f"/households/{world.hl.household.pk}/head/").content.decode()
    assert options(page, "new_head") == {str(world.hl.child.pk)}


def test_the_recognition_form_offers_only_the_provinces_proposals(client, login, world):
    login(world.users["head"])
    page = client.get("/households/reviews/recognise/").content.decode()
    ticked = set(re.findall(r'name="reviews" value="(\d+)"', page))
    assert ticked == {str(world.hl.proposed.pk), str(world.cl.proposed.pk)}


# --- Forged ids in POSTs ----------------------------------------------------------------------


def refused(client, world, capture, url, data, statuses=(200,)):
    before = snapshot(world)
    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code in statuses, (url, response.status_code)
    assert snapshot(world) == before, f"{url}: a forged post changed the database"
    return response


def test_an_officer_cannot_register_a_household_in_another_commune(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    refused(
        client,
        world,
        django_capture_on_commit_callbacks,
        "/households/new/",
        new_household_payload(CHI_LANG, code="CL-NEW"),
    )
    assert not Household.objects.filter(code="CL-NEW").exists()


def test_an_officer_cannot_put_a_card_in_another_commune_or_household(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    capture = django_capture_on_commit_callbacks
    refused(client, world, capture, "/households/cards/new/", card_payload(CHI_LANG, ""))
    refused(client, world, capture, "/households/cards/new/", card_payload(HUU_LUNG, "CL-A"))
    refused(client, world, capture, "/households/cards/new/", card_payload(CHI_LANG, "CL-A"))
    # Moving one's own card to another commune or another commune's household.
    url = f"/households/cards/{world.hl.card.pk}/edit/"
    refused(client, world, capture, url, card_payload(CHI_LANG, "", world.hl.card))
    refused(client, world, capture, url, card_payload(HUU_LUNG, "CL-A", world.hl.card))
    # Opening the form from another commune's household.
    response = client.get(f"/households/cards/new/?household={world.cl.household.pk}")
    assert response.status_code == 404
    refused(
        client,
        world,
        capture,
        f"/households/cards/new/?household={world.cl.household.pk}",
        card_payload(HUU_LUNG, "HL-A"),
        statuses=(404,),
    )


def test_an_officer_cannot_make_another_households_member_the_head(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    refused(
        client,
        world,
        django_capture_on_commit_callbacks,
        f"/households/{world.hl.household.pk}/head/",
        {"new_head": world.cl.child.pk, "old_head_relation": "parent"},
    )


def test_an_officer_cannot_edit_another_communes_member_through_their_household(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    data = household_payload(world.hl.household)
    cl_child = world.cl.child
    data.update(
        {
            "members-1-member_id": cl_child.pk,
            "members-1-version": cl_child.version,
            "members-1-person_version": cl_child.person.version,
            "members-1-full_name": "Tên Đã Đổi",
        }
    )
    refused(
        client,
        world,
        django_capture_on_commit_callbacks,
        f"/households/{world.hl.household.pk}/edit/",
        data,
    )
    assert Person.objects.get(pk=cl_child.person_id).full_name == "Lý Văn Nhỏ"


def test_a_review_of_another_commune_cannot_be_recognised_nor_carried_forward(
    client, login, world, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    login(world.users["far"])
    refused(
        client,
        world,
        capture,
        "/households/reviews/recognise/",
        {
            "reviews": [world.hl.proposed.pk, world.hn.proposed.pk],
            "decision_number": "1/QĐ",
            "recognised_on": "20/12/2024",
        },
    )
    login(world.users["head"])
    refused(
        client,
        world,
        capture,
        "/households/reviews/recognise/",
        {
            "reviews": [world.hl.proposed.pk, world.hn.proposed.pk],
            "decision_number": "1/QĐ",
            "recognised_on": "20/12/2024",
        },
    )
    login(world.users["own"])
    refused(
        client,
        world,
        capture,
        "/households/reviews/next-year/",
        {"commune": CHI_LANG, "from_year": 2024},
    )


def test_a_duplicate_pair_across_communes_is_refused(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    capture = django_capture_on_commit_callbacks
    pair = f"/households/duplicates/{world.hl.twins[0].pk}/{world.cl.twins[0].pk}/"
    refused(
        client,
        world,
        capture,
        pair,
        {"action": "merge", "keep": world.hl.twins[0].pk},
        statuses=(404,),
    )
    refused(client, world, capture, pair, {"action": "distinct"}, statuses=(404,))
    # A pair of one's own, keeping a record of another commune.
    own = f"/households/duplicates/{world.hl.twins[0].pk}/{world.hl.twins[1].pk}/"
    refused(
        client,
        world,
        capture,
        own,
        {"action": "merge", "keep": world.cl.twins[0].pk},
        statuses=(302,),
    )


def test_a_head_cannot_undo_nor_see_another_provinces_import(
    client, login, world, django_capture_on_commit_callbacks
):
    hn_run = world.other_runs[1]
    login(world.users["head"])
    assert client.get(f"/imports/{hn_run.pk}/").status_code == 404
    assert client.get(f"/imports/{hn_run.pk}/errors.xlsx").status_code == 404
    refused(
        client,
        world,
        django_capture_on_commit_callbacks,
        f"/imports/{hn_run.pk}/undo/",
        {},
        statuses=(404,),
    )
    assert ImportRun.objects.get(pk=hn_run.pk).status == "imported"


# --- Links ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_user_is_shown_opens(client, login, world, role):
    """Each page a user may read links only to pages the user may open: no link to another
    role's page (a head's 403) nor to another commune's record (404)."""
    login(world.users[role])
    start = [url_of(name, world) for name, e in ENTRIES.items() if e.get[role] == 200]
    seen, broken = set(), []
    for url in start:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        for href in set(
            re.findall(r'href="(/(?:households|imports)/[^"#]*)', response.content.decode())
        ):
            href = html.unescape(href)
            if href in seen or "/undo/" in href:
                continue
            seen.add(href)
            status = client.get(href).status_code
            if status not in (200, 302):
                broken.append((url, href, status))
    assert not broken, f"links that do not open for {role}: {broken}"


# --- Records that reach into another commune ---------------------------------------------------


def test_a_merge_that_would_change_another_communes_household_or_card_is_refused(
    client, login, world, django_capture_on_commit_callbacks
):
    """Two records of Hữu Lũng, one of them since moved into a household of Chi Lăng and holding
    a card there: merging them would rewrite Chi Lăng's member and card rows, so the officer of
    Hữu Lũng is refused (an administrator may merge)."""
    keep, duplicate = world.hl.twins
    moved = MemberFactory(household=world.cl.household, person=duplicate, relation="other")
    InsuranceCard.objects.filter(pk=world.cl.card.pk).update(person=duplicate)
    login(world.users["own"])
    url = f"/households/duplicates/{keep.pk}/{duplicate.pk}/"
    response = refused(
        client,
        world,
        django_capture_on_commit_callbacks,
        url,
        {"action": "merge", "keep": keep.pk},
        statuses=(302,),
    )
    assert response["Location"] == reverse("duplicate_list")
    assert Member.objects.get(pk=moved.pk).person_id == duplicate.pk
    assert Person.objects.filter(pk=duplicate.pk).exists()
    # Only the card of another commune: refused as well.
    moved.delete()
    refused(
        client,
        world,
        django_capture_on_commit_callbacks,
        url,
        {"action": "merge", "keep": keep.pk},
        statuses=(302,),
    )
    assert InsuranceCard.objects.get(pk=world.cl.card.pk).person_id == duplicate.pk
    # The administrator merges them.
    login(world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "merge", "keep": keep.pk}).status_code == 302
    assert InsuranceCard.objects.get(pk=world.cl.card.pk).person_id == keep.pk
    assert not Person.objects.filter(pk=duplicate.pk).exists()


def test_the_person_page_shows_only_the_officers_households_and_cards(client, login, world):
    """A person of Hữu Lũng who also has a place in a household of Chi Lăng and a card there:
    the officer of Hữu Lũng's person page shows neither; the head of the province sees both."""
    person = world.hl.child.person
    MemberFactory(household=world.cl.household, person=person, relation="other")
    InsuranceCard.objects.filter(pk=world.cl.card.pk).update(person=person)
    login(world.users["own"])
    text = html.unescape(client.get(f"/households/people/{person.pk}/").content.decode())
    assert "HL-A" in text
    assert "CL-A" not in text and "CL-CARD-1" not in text
    login(world.users["head"])
    text = html.unescape(client.get(f"/households/people/{person.pk}/").content.decode())
    assert "HL-A" in text and "CL-A" in text and "CL-CARD-1" in text


def test_an_officer_without_communes_sees_nothing(client, login, world):
    from tests.factories import UserFactory

    login(UserFactory(role="officer"))
    for url in (
        "/households/",
        "/households/cards/",
        "/households/reviews/",
        "/households/duplicates/",
    ):
        text = html.unescape(client.get(url).content.decode())
        assert not any(NAMES[c][i] in text for c in NAMES for i in (0, 3, 4)), url
    assert xlsx_rows(client.get("/households/export.xlsx"))[1:] == []
    assert xlsx_rows(client.get("/households/cards/export.xlsx"))[1:] == []
    assert client.get(f"/households/{world.hl.household.pk}/").status_code == 404
    assert client.get(f"/imports/{world.run.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["other", "far"])
def test_filters_naming_another_commune_show_nothing_of_it(client, login, world, role):
    """A query string naming Hữu Lũng (typed by hand) never brings its rows to an outsider."""
    login(world.users[role])
    for url, params in [
        ("/households/", {"commune": HUU_LUNG}),
        ("/households/", {"q": "nong van"}),
        ("/households/export.xlsx", {"commune": HUU_LUNG}),
        ("/households/cards/", {"commune": HUU_LUNG}),
        ("/households/cards/", {"q": "nong"}),
        ("/households/cards/export.xlsx", {"commune": HUU_LUNG}),
        ("/households/reviews/", {"commune": HUU_LUNG, "year": 2024}),
        ("/households/reviews/movement/", {"commune": HUU_LUNG, "year": 2025}),
        ("/households/reviews/recognise/", {"commune": HUU_LUNG}),
        ("/households/reviews/next-year/", {"commune": HUU_LUNG, "from_year": 2024}),
    ]:
        response = client.get(url, params)
        if response.status_code == 403:
            continue  # another role's page
        assert response.status_code == 200, url
        assert_no_hl(response)


def test_the_duplicate_queue_names_only_the_officers_households(client, login, world):
    """A record of Hữu Lũng in the queue that also has a place in a household of Chi Lăng: the
    officer of Hữu Lũng sees the pair, not the household of Chi Lăng (nor a link to it)."""
    keep, duplicate = world.hl.twins
    MemberFactory(household=world.hl.household, person=keep, relation="other")
    MemberFactory(household=world.cl.household, person=duplicate, relation="other")
    login(world.users["own"])
    text = html.unescape(client.get("/households/duplicates/").content.decode())
    assert "Hoàng Văn Trùng" in text and "HL-A" in text
    assert "CL-A" not in text
    assert f"/households/{world.cl.household.pk}/" not in text
    login(world.users["head"])
    text = html.unescape(client.get("/households/duplicates/").content.decode())
    assert "HL-A" in text and "CL-A" in text


def test_an_officer_moved_to_another_commune_no_longer_sees_nor_undoes_the_old_import(
    client, login, world, django_capture_on_commit_callbacks
):
    moved = world.users["own"]
    moved.communes.set([CHI_LANG])
    login(moved)
    assert client.get(f"/imports/{world.run.pk}/").status_code == 404
    refused(
        client,
        world,
        django_capture_on_commit_callbacks,
        f"/imports/{world.run.pk}/undo/",
        {},
        statuses=(404, 302),
    )
    assert Household.objects.filter(code="HL-IMP").exists()
