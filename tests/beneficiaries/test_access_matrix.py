"""Who may open and post every page under /beneficiaries/ (design.md "Roles", conventions.md
"Scoping": a commune officer never sees or changes another commune's beneficiaries, payments or
dossiers; a head reads the province and approves payments but does not edit cases).

The matrix walks `beneficiaries.urls.urlpatterns` (beneficiaries, runs and dossiers pages), so a
page added later either gets an entry in `ENTRIES` or fails `test_every_url_has_an_entry`. Each
page is opened by GET and by POST with a payload that succeeds for whoever may write, as:

- nobody logged in: sent to the login page;
- an officer of Xã Chi Lăng (another commune): 404 for a record of Xã Hữu Lũng, 403 for an
  action of another role, and nothing changed in the database;
- an officer of Xã Hữu Lũng: the page (200) or the write done (302);
- the head of Lạng Sơn: read pages 200, pages that edit cases 403, approvals (a run, payments
  outside runs, a one-off payment) allowed;
- the head of Hà Nội (another province): 404 for the record (403 for an edit page, refused by
  role before any record is looked up), nothing changed;
- an administrator: allowed.

Then the lists, the pages and XLSX exports of runs never show another commune's rows to an
officer nor another province's to a head, the forms' choices never offer them, and a POST that
forges another commune's id is refused with nothing changed.

The role tables, `Entry`, and the page helpers (`options`, `xlsx_rows`, `body`, `d`) are
imported from the households matrix; `snapshot`, `refused`, `url_of` and `send` read this
module's world and entries, so they are small local versions of the same functions.
"""

import datetime as dt
import html
import re
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern
from django.utils import timezone

from beneficiaries import services
from beneficiaries import urls as beneficiary_urls
from beneficiaries.models import Beneficiary, Dossier, Payment, PaymentRun
from tests.access_matrix import Entry, Matrix
from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    BeneficiaryFactory,
    DossierFactory,
    PersonFactory,
    SocialBeneficiaryFactory,
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
    READ,
    ROLES,
    WRITERS,
    body,
    d,
    options,
    xlsx_rows,
)
from welfare.areas.models import Commune
from welfare.core.models import Job
from welfare.households.models import Person

pytestmark = pytest.mark.django_db

PREFIX = "/beneficiaries/"
JULY = dt.date(2024, 7, 1)


def patterns() -> list[URLPattern]:
    for pattern in beneficiary_urls.urlpatterns:
        assert isinstance(pattern, URLPattern), f"{pattern!r}: nested includes are not walked"
    return list(beneficiary_urls.urlpatterns)


URL_NAMES = [p.name for p in patterns()]


# --- The world: one of each record in Xã Hữu Lũng, and the same in Chi Lăng and Hà Nội -----------


@dataclass
class Area:
    merit: Beneficiary  # a war invalid at 41 %
    social: Beneficiary  # an elderly person of 80+ (social protection)
    dossier: Dossier  # received, overdue, about the invalid
    run: PaymentRun  # the commune's merit run of July 2024, built, awaiting approval
    pending: Payment  # a one-off payment an officer proposed, awaiting a head
    commune: int


@dataclass
class World:
    users: dict
    hl: Area
    cl: Area
    hn: Area
    # The social-protection run of July 2024 of each whole province (heads only).
    province_runs: dict = field(default_factory=dict)


# prefix, the invalid's name, the elderly person's name, the applicant, the invalid's citizen ID
NAMES = {
    HUU_LUNG: ("HL", "Nông Văn Hữu", "Nông Thị Bà", "Hoàng Thị Đơn", "020050000638"),
    CHI_LANG: ("CL", "Lý Văn Chi", "Lý Thị Cụ", "Lục Thị Hồ", "020050000463"),
    HA_NOI_COMMUNE: ("HN", "Trần Văn Hà", "Trần Thị Cả", "Đỗ Thị Sơ", "001050000004"),
}
PREFIX_OF = {"HL": HUU_LUNG, "CL": CHI_LANG, "HN": HA_NOI_COMMUNE}


def build(run: PaymentRun, user=None) -> PaymentRun:
    """Built as the job builds it for the user who asked (the page names the builder)."""
    return services.payment_run_build(run_id=run.pk, user=user)


def area(commune: int, builder) -> Area:
    prefix, merit_name, social_name, applicant, id_number = NAMES[commune]
    place = Commune.objects.select_related("province").get(code=commune)
    merit = BeneficiaryFactory(
        code=f"{prefix}-NCC-1",
        commune_id=commune,
        person=PersonFactory(
            full_name=merit_name,
            commune_id=commune,
            sex="male",
            birth_date=dt.date(1950, 5, 6),
            id_number=id_number,
        ),
    )
    social = SocialBeneficiaryFactory(
        code=f"{prefix}-BTXH-1",
        commune_id=commune,
        person=PersonFactory(
            full_name=social_name, commune_id=commune, sex="female", birth_date=dt.date(1940, 3, 1)
        ),
    )
    dossier = DossierFactory(
        code=f"{prefix}-HS-1",
        commune_id=commune,
        applicant_name=applicant,
        beneficiary=merit,
        person=merit.person,
    )
    run = build(
        PaymentRun.objects.create(
            programme="merit", province=place.province, commune=place, month=JULY
        ),
        builder,
    )
    assert run.payments_count == 1 and not run.problems
    pending = Payment.objects.create(
        beneficiary=merit,
        kind="one_off",
        one_off_reason="tet_gift",
        month=dt.date(2025, 1, 1),
        amount_vnd=1_000_000,
        status="proposed",
    )
    return Area(merit, social, dossier, run, pending, commune)


@pytest.fixture
def world() -> World:
    users = {
        "own": officer(HUU_LUNG),
        "other": officer(CHI_LANG),
        "head": head(LANG_SON),
        "far": head(HA_NOI),
        "admin": admin(),
    }
    hl = area(HUU_LUNG, users["own"])
    cl = area(CHI_LANG, users["other"])
    hn = area(HA_NOI_COMMUNE, users["far"])
    province_runs = {
        code: build(
            PaymentRun.objects.create(
                programme="social_protection", province_id=code, commune=None, month=JULY
            ),
            users[role],
        )
        for code, role in ((LANG_SON, "head"), (HA_NOI, "far"))
    }
    assert province_runs[LANG_SON].payments_count == 2  # Hữu Lũng's and Chi Lăng's
    return World(users=users, hl=hl, cl=cl, hn=hn, province_runs=province_runs)


def snapshot(world: World | None = None) -> dict:
    """What a refused request must leave as it was: every record with its version and the
    fields the pages write, the history tables, and the jobs started."""
    return {
        "beneficiaries": sorted(
            Beneficiary.objects.values_list(
                "pk", "version", "code", "commune_id", "end_on", "note", "person_id"
            )
        ),
        "people": sorted(Person.objects.values_list("pk", "version", "status")),
        "runs": sorted(
            PaymentRun.objects.values_list(
                "pk", "version", "status", "payments_count", "total_vnd", "built_at"
            )
        ),
        "payments": sorted(
            Payment.objects.values_list("pk", "version", "status", "amount_vnd", "run_id")
        ),
        "dossiers": sorted(
            Dossier.objects.values_list(
                "pk", "version", "status", "commune_id", "note", "beneficiary_id", "due_on"
            )
        ),
        "history": [
            Beneficiary.history.count(),
            Person.history.count(),
            PaymentRun.history.count(),
            Payment.history.count(),
            Dossier.history.count(),
        ],
        "jobs": Job.objects.count(),
    }


# --- Payloads that succeed for whoever may write -----------------------------------------------


def new_beneficiary_payload(commune: int, code: str = "HL-NCC-NEW", **changes) -> dict:
    data = {
        "programme": "merit",
        "id_number": "",
        "full_name": "Hoàng Văn Thắng",
        "sex": "male",
        "birth_date": "12/05/1950",
        "birth_year": "",
        "ethnicity": "Tày",
        "code": code,
        "commune": commune,
        "decision_number": "12/QĐ-SLĐTBXH",
        "start_on": "01/01/2024",
        "legacy_district": "",
        "note": "",
        "category": "g",
        "relation": "self",
        "sub_case": "invalid",
        "rate_percent": "41",
        "service_years": "",
        "relative_of_id_number": "",
        "version": "",
    }
    data.update(changes)
    return data


def beneficiary_payload(beneficiary: Beneficiary, **changes) -> dict:
    beneficiary.refresh_from_db()
    data = {
        "version": beneficiary.version,
        "code": beneficiary.code,
        "commune": beneficiary.commune_id,
        "decision_number": beneficiary.decision_number,
        "start_on": d(beneficiary.start_on),
        "legacy_district": beneficiary.legacy_district,
        "note": "Đã đối chiếu hồ sơ",
        "category": beneficiary.category,
        "relation": beneficiary.relation,
        "sub_case": beneficiary.sub_case,
        "rate_percent": beneficiary.rate_percent or "",
        "service_years": "",
        "relative_of_id_number": "",
    }
    data.update(changes)
    return data


def end_payload(beneficiary: Beneficiary) -> dict:
    beneficiary.refresh_from_db()
    return {"end_on": "31/12/2024", "end_reason": "died", "version": beneficiary.version}


def one_off_payload() -> dict:
    return {
        "one_off_reason": "tet_gift",
        "amount_vnd": "500.000",
        "month": "01/2025",
        "paid_on": "",
        "note": "",
    }


def run_payload(area_value: str, month: str = "2024-08") -> dict:
    return {"programme": "merit", "month": month, "area": area_value}


def approve_payload(run: PaymentRun) -> dict:
    return {"version": PaymentRun.objects.get(pk=run.pk).version}


def dossier_payload(commune: int, code: str = "HL-HS-NEW", **changes) -> dict:
    data = {
        "code": code,
        "commune": commune,
        "applicant_name": "Vi Thị Nộp",
        "kind": "recognition",
        "category": "",
        "received_on": "01/03/2025",
        "due_on": "",
        "beneficiary_code": "",
        "note": "",
        "version": "",
    }
    data.update(changes)
    return data


def dossier_edit_payload(dossier: Dossier, **changes) -> dict:
    dossier.refresh_from_db()
    data = {
        "code": dossier.code,
        "commune": dossier.commune_id,
        "applicant_name": dossier.applicant_name,
        "kind": dossier.kind,
        "category": dossier.category,
        "received_on": d(dossier.received_on),
        "due_on": d(dossier.due_on),
        "beneficiary_code": dossier.beneficiary.code if dossier.beneficiary_id else "",
        "note": "Bổ sung giấy tờ",
        "version": dossier.version,
    }
    data.update(changes)
    return data


def move_payload(dossier: Dossier) -> dict:
    dossier.refresh_from_db()
    return {
        "to": "in_review",
        "on": d(timezone.localdate()),
        "decision_number": "",
        "note": "",
        "version": dossier.version,
    }


# --- The matrix ---------------------------------------------------------------------------------

# Actions of heads: the officers are refused by role, the head of Hà Nội finds no such record.
APPROVE_GET = {"own": 403, "other": 403, "head": 405, "far": 405, "admin": 405}
APPROVE_POST = {"own": 403, "other": 403, "head": 302, "far": 404, "admin": 302}
APPROVERS = {"head", "admin"}
# Everyone may build and rebuild runs (`welfare.run_jobs`): the officer and the head of the
# area's run, nobody another area's.
BUILDERS = {"own", "head", "admin"}


def none(w: World) -> dict:
    return {}


ENTRIES: dict[str, Entry] = {
    # Beneficiaries
    "beneficiary_list": Entry(none, LIST, NO_POST),
    "beneficiary_create": Entry(
        none,
        NEW_GET,
        NEW_POST,
        data=lambda w: new_beneficiary_payload(HUU_LUNG),
        query=lambda w: {"programme": "merit"},
        changes=WRITERS,
    ),
    "beneficiary_detail": Entry(lambda w: {"pk": w.hl.merit.pk}, READ, NO_POST),
    "beneficiary_edit": Entry(
        lambda w: {"pk": w.hl.merit.pk},
        EDIT_GET,
        EDIT_POST,
        data=lambda w: beneficiary_payload(w.hl.merit),
        changes=WRITERS,
    ),
    "beneficiary_end": Entry(
        lambda w: {"pk": w.hl.merit.pk},
        EDIT_GET,
        EDIT_POST,
        data=lambda w: end_payload(w.hl.merit),
        changes=WRITERS,
    ),
    "one_off_create": Entry(
        lambda w: {"pk": w.hl.merit.pk},
        READ,
        # An officer's is proposed, a head's approved at once; outsiders find no such case.
        {"own": 302, "other": 404, "head": 302, "far": 404, "admin": 302},
        data=lambda w: one_off_payload(),
        changes=BUILDERS,
    ),
    # Payment runs
    "payment_run_list": Entry(none, LIST, NO_POST),
    "payment_run_create": Entry(
        none,
        LIST,
        # The officer of Chi Lăng and the head of Hà Nội post Hữu Lũng's commune: not among
        # the choices (200, refused).
        {"own": 302, "other": 200, "head": 302, "far": 200, "admin": 302},
        data=lambda w: run_payload(f"c{HUU_LUNG}"),
        changes=BUILDERS,
    ),
    "payment_run_detail": Entry(lambda w: {"pk": w.hl.run.pk}, READ, NO_POST),
    "payment_run_approve": Entry(
        lambda w: {"pk": w.hl.run.pk},
        APPROVE_GET,
        APPROVE_POST,
        data=lambda w: approve_payload(w.hl.run),
        changes=APPROVERS,
    ),
    "payment_run_rebuild": Entry(
        lambda w: {"pk": w.hl.run.pk},
        NO_GET,
        {"own": 302, "other": 404, "head": 302, "far": 404, "admin": 302},
        changes=BUILDERS,
    ),
    "payment_run_export": Entry(lambda w: {"pk": w.hl.run.pk}, READ, NO_POST),
    "payment_pending_list": Entry(
        none,
        LIST,
        # The head of Hà Nội ticks a payment of Lạng Sơn: not among the choices (200, refused).
        {"own": 403, "other": 403, "head": 302, "far": 200, "admin": 302},
        data=lambda w: {"payments": [w.hl.pending.pk]},
        changes=APPROVERS,
    ),
    # Dossiers
    "dossier_board": Entry(none, LIST, NO_POST),
    "dossier_create": Entry(
        none, NEW_GET, NEW_POST, data=lambda w: dossier_payload(HUU_LUNG), changes=WRITERS
    ),
    "dossier_detail": Entry(lambda w: {"pk": w.hl.dossier.pk}, READ, NO_POST),
    "dossier_edit": Entry(
        lambda w: {"pk": w.hl.dossier.pk},
        EDIT_GET,
        EDIT_POST,
        data=lambda w: dossier_edit_payload(w.hl.dossier),
        changes=WRITERS,
    ),
    "dossier_move": Entry(
        lambda w: {"pk": w.hl.dossier.pk},
        # No GET handler: 405 for whoever may write, 403 for a head (role first).
        {"own": 405, "other": 405, "head": 403, "far": 403, "admin": 405},
        EDIT_POST,
        data=lambda w: move_payload(w.hl.dossier),
        changes=WRITERS,
    ),
}


MATRIX = Matrix(
    url_names=URL_NAMES,
    entries=ENTRIES,
    snapshot=lambda world: snapshot(world),
    assert_no_hl=lambda response: assert_no_hl(response),
    prefixes=(PREFIX,),
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


HL_WORDS = (
    "HL-NCC-1",
    "HL-BTXH-1",
    "HL-HS-1",
    "Nông Văn Hữu",
    "Nông Thị Bà",
    "Hoàng Thị Đơn",
    "020050000638",
    "Xã Hữu Lũng",
)


def assert_no_hl(response, typed: str = "") -> None:
    """No record of Hữu Lũng in the page. What the user typed is echoed (the search box, the
    language switch's return address): it is taken out, the rows found would still show the
    other words (a code typed, the name shows; a name typed, the code shows)."""
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
    login(world.users["head"])
    with capture(execute=True):
        for url, data in (
            (f"/beneficiaries/{world.hl.merit.pk}/one-off/", one_off_payload()),
            (
                "/beneficiaries/payments/pending/",
                {"payments": [world.hl.pending.pk, world.cl.pending.pk]},
            ),
            (f"/beneficiaries/runs/{world.hl.run.pk}/approve/", approve_payload(world.hl.run)),
        ):
            assert client.post(url, data).status_code == 302, url
    assert Payment.objects.get(beneficiary=world.hl.merit, amount_vnd=500_000).status == "approved"
    assert Payment.objects.get(pk=world.cl.pending.pk).status == "approved"
    run = PaymentRun.objects.get(pk=world.hl.run.pk)
    assert run.status == "approved" and run.payments.get().status == "approved"
    # An approved run is locked: nobody rebuilds it, the head of the province included.
    with capture(execute=True):
        response = client.post(f"/beneficiaries/runs/{run.pk}/rebuild/")
    assert response.status_code == 302 and response["Location"] == f"/beneficiaries/runs/{run.pk}/"
    assert PaymentRun.objects.get(pk=run.pk).version == run.version

    login(world.users["own"])
    dossier = world.hl.dossier
    with capture(execute=True):
        for url, data in (
            ("/beneficiaries/new/", new_beneficiary_payload(HUU_LUNG)),
            ("/beneficiaries/dossiers/new/", dossier_payload(HUU_LUNG)),
            (f"/beneficiaries/dossiers/{dossier.pk}/move/", move_payload(dossier)),
            ("/beneficiaries/runs/new/", run_payload(f"c{HUU_LUNG}")),
        ):
            assert client.post(url, data).status_code == 302, url
    assert Beneficiary.objects.get(code="HL-NCC-NEW").commune_id == HUU_LUNG
    assert Dossier.objects.get(code="HL-HS-NEW").commune_id == HUU_LUNG
    assert Dossier.objects.get(pk=world.hl.dossier.pk).status == "in_review"
    august = PaymentRun.objects.get(commune_id=HUU_LUNG, month=dt.date(2024, 8, 1))
    # The invalid of the world and the one just enrolled (entitled from 01/2024).
    assert august.payments_count == 2 and august.built_by == world.users["own"]


# --- Lists and exports ------------------------------------------------------------------------


SEES = {
    "own": {"HL"},
    "other": {"CL"},
    "head": {"HL", "CL"},
    "far": {"HN"},
    "admin": {"HL", "CL", "HN"},
}
# Which provinces' whole-province runs each role sees: officers none.
SEES_PROVINCE_RUNS = {
    "own": set(),
    "other": set(),
    "head": {LANG_SON},
    "far": {HA_NOI},
    "admin": {LANG_SON, HA_NOI},
}


def shown(text: str, kind: str) -> set[str]:
    """Which areas' records of a kind (NCC, BTXH, HS) appear in a text, by their codes."""
    return {prefix for prefix in PREFIX_OF if f"{prefix}-{kind}-1" in text}


def areas(world: World) -> dict[str, Area]:
    return {"HL": world.hl, "CL": world.cl, "HN": world.hn}


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_the_users_areas(client, login, world, role):
    login(world.users[role])
    expected = SEES[role]

    def text(url, **params):
        response = client.get(url, params)
        assert response.status_code == 200, url
        return html.unescape(response.content.decode())

    assert shown(text("/beneficiaries/"), "NCC") == expected
    assert shown(text("/beneficiaries/", programme="social_protection"), "BTXH") == expected
    assert shown(text("/beneficiaries/", q="a"), "NCC") <= expected
    assert shown(text("/beneficiaries/", q="-NCC-1"), "NCC") == expected
    assert shown(text("/beneficiaries/dossiers/"), "HS") == expected
    assert shown(text("/beneficiaries/dossiers/", overdue="on"), "HS") == expected
    assert shown(text("/beneficiaries/dossiers/", status="received"), "HS") == expected
    assert shown(text("/beneficiaries/payments/pending/"), "NCC") == expected
    runs = text("/beneficiaries/runs/")
    assert {p for p, a in areas(world).items() if f"/beneficiaries/runs/{a.run.pk}/" in runs} == (
        expected
    )
    province_runs = {
        code
        for code, run in world.province_runs.items()
        if f"/beneficiaries/runs/{run.pk}/" in runs
    }
    assert province_runs == SEES_PROVINCE_RUNS[role]


@pytest.mark.parametrize("role", ROLES)
def test_runs_and_their_exports_hold_only_the_users_areas(client, login, world, role):
    """A commune's run is opened by its officers and its province's heads, with that commune's
    rows only; a province's run by that province's heads only, with the province's rows."""
    login(world.users[role])
    cases = [(a.run, "NCC", {p}, p in SEES[role]) for p, a in areas(world).items()]
    cases += [
        (world.province_runs[LANG_SON], "BTXH", {"HL", "CL"}, LANG_SON in SEES_PROVINCE_RUNS[role]),
        (world.province_runs[HA_NOI], "BTXH", {"HN"}, HA_NOI in SEES_PROVINCE_RUNS[role]),
    ]
    for run, kind, rows, visible in cases:
        page = client.get(f"/beneficiaries/runs/{run.pk}/")
        export = client.get(f"/beneficiaries/runs/{run.pk}/export.xlsx")
        if not visible:
            assert (page.status_code, export.status_code) == (404, 404), run
            continue
        assert (page.status_code, export.status_code) == (200, 200), run
        assert shown(html.unescape(page.content.decode()), kind) == rows
        assert shown(body(export), kind) == rows
        codes = {r[1] for r in xlsx_rows(export)[1:] if r[1]}
        assert codes == {f"{p}-{kind}-1" for p in rows}


# --- The forms' choices -----------------------------------------------------------------------


COMMUNE_FORMS = [
    ("/beneficiaries/", "commune"),
    ("/beneficiaries/?programme=social_protection", "commune"),
    ("/beneficiaries/new/", "commune"),
    ("/beneficiaries/new/?programme=social_protection", "commune"),
    ("/beneficiaries/dossiers/", "commune"),
    ("/beneficiaries/dossiers/new/", "commune"),
]


def province_of(codes: set[int]) -> set[int]:
    return set(Commune.objects.filter(code__in=codes).values_list("province_id", flat=True))


@pytest.mark.parametrize("role", ["own", "other", "head", "far"])
@pytest.mark.parametrize("url,name", COMMUNE_FORMS)
def test_commune_choices_are_the_users_own(client, login, world, role, url, name):
    login(world.users[role])
    response = client.get(url)
    if response.status_code == 403:
        return  # a form of another role (checked by the matrix)
    assert response.status_code == 200
    offered = {int(v) for v in options(response.content.decode(), name)}
    if role in ("own", "other"):
        assert offered == {HUU_LUNG if role == "own" else CHI_LANG}
    else:
        assert offered, "a head is offered the communes of the province"
        assert province_of(offered) == {LANG_SON if role == "head" else HA_NOI}


@pytest.mark.parametrize("role", ["own", "other", "head", "far"])
def test_the_run_form_offers_only_the_users_areas(client, login, world, role):
    """`area` is "c<commune>" or "p<province>"; a whole province for heads only."""
    login(world.users[role])
    offered = options(client.get("/beneficiaries/runs/new/").content.decode(), "area")
    communes = {int(v[1:]) for v in offered if v.startswith("c")}
    provinces = {int(v[1:]) for v in offered if v.startswith("p")}
    assert offered == {f"c{c}" for c in communes} | {f"p{p}" for p in provinces}
    if role in ("own", "other"):
        assert communes == {HUU_LUNG if role == "own" else CHI_LANG}
        assert provinces == set()
    else:
        province = LANG_SON if role == "head" else HA_NOI
        assert provinces == {province}
        assert communes and province_of(communes) == {province}


def test_the_edit_forms_offer_only_the_officers_communes(client, login, world):
    login(world.users["own"])
    for url in (
        f"/beneficiaries/{world.hl.merit.pk}/edit/",
        f"/beneficiaries/{world.hl.social.pk}/edit/",
        f"/beneficiaries/dossiers/{world.hl.dossier.pk}/edit/",
    ):
        offered = {int(v) for v in options(client.get(url).content.decode(), "commune")}
        assert offered == {HUU_LUNG}, url


def test_the_pending_list_offers_a_head_only_the_provinces_payments(client, login, world):
    login(world.users["head"])
    page = client.get("/beneficiaries/payments/pending/").content.decode()
    ticked = set(re.findall(r'name="payments" value="(\d+)"', page))
    assert ticked == {str(world.hl.pending.pk), str(world.cl.pending.pk)}


# --- Forged ids in POSTs ----------------------------------------------------------------------


def refused(client, world, capture, url, data=None, statuses=(200,)):
    before = snapshot(world)
    with capture(execute=True):
        response = client.post(url, data or {})
    assert response.status_code in statuses, (url, response.status_code)
    assert snapshot(world) == before, f"{url}: a forged post changed the database"
    return response


def test_an_officer_cannot_enrol_a_beneficiary_in_another_commune(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    capture = django_capture_on_commit_callbacks
    refused(
        client, world, capture, "/beneficiaries/new/", new_beneficiary_payload(CHI_LANG, "CL-NEW")
    )
    social = new_beneficiary_payload(
        CHI_LANG,
        "CL-NEW",
        programme="social_protection",
        birth_date="12/05/1940",
        social_categories=["elderly_80"],
    )
    refused(client, world, capture, "/beneficiaries/new/?programme=social_protection", social)
    assert not Beneficiary.objects.filter(code="CL-NEW").exists()


def test_an_officer_cannot_enrol_nor_link_a_person_of_another_commune(
    client, login, world, django_capture_on_commit_callbacks
):
    """By citizen ID (the form would reuse the person found), as the martyr or invalid the
    beneficiary is a relative of, or by `?person=` in the address."""
    login(world.users["own"])
    capture = django_capture_on_commit_callbacks
    cl_person = world.cl.merit.person
    refused(
        client,
        world,
        capture,
        "/beneficiaries/new/",
        new_beneficiary_payload(
            HUU_LUNG, full_name=cl_person.full_name, id_number=cl_person.id_number
        ),
    )
    refused(
        client,
        world,
        capture,
        "/beneficiaries/new/",
        new_beneficiary_payload(
            HUU_LUNG,
            category="c",
            relation="parent",
            sub_case="martyrs_1",
            rate_percent="",
            relative_of_id_number=cl_person.id_number,
        ),
    )
    refused(
        client,
        world,
        capture,
        f"/beneficiaries/{world.hl.merit.pk}/edit/",
        beneficiary_payload(world.hl.merit, relative_of_id_number=cl_person.id_number),
    )
    # Opened from another commune's person: the person is not given, nor named.
    page = client.get(f"/beneficiaries/new/?programme=merit&person={cl_person.pk}")
    assert page.status_code == 200
    assert cl_person.full_name not in html.unescape(page.content.decode())
    data = {
        k: v
        for k, v in new_beneficiary_payload(HUU_LUNG).items()
        if k not in ("full_name", "sex", "birth_date", "birth_year", "ethnicity", "id_number")
    }
    url = f"/beneficiaries/new/?programme=merit&person={cl_person.pk}"
    refused(client, world, capture, url, data)
    assert not Beneficiary.objects.filter(person=cl_person).exclude(pk=world.cl.merit.pk).exists()


def test_an_officer_cannot_move_a_case_or_dossier_to_another_commune(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    capture = django_capture_on_commit_callbacks
    refused(
        client,
        world,
        capture,
        f"/beneficiaries/{world.hl.merit.pk}/edit/",
        beneficiary_payload(world.hl.merit, commune=CHI_LANG),
    )
    refused(
        client,
        world,
        capture,
        f"/beneficiaries/dossiers/{world.hl.dossier.pk}/edit/",
        dossier_edit_payload(world.hl.dossier, commune=CHI_LANG),
    )
    assert Beneficiary.objects.get(pk=world.hl.merit.pk).commune_id == HUU_LUNG
    assert Dossier.objects.get(pk=world.hl.dossier.pk).commune_id == HUU_LUNG


def test_an_officer_cannot_file_a_dossier_in_another_commune_or_for_its_beneficiary(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    capture = django_capture_on_commit_callbacks
    refused(
        client,
        world,
        capture,
        "/beneficiaries/dossiers/new/",
        dossier_payload(CHI_LANG, "CL-HS-NEW"),
    )
    refused(
        client,
        world,
        capture,
        "/beneficiaries/dossiers/new/",
        dossier_payload(HUU_LUNG, beneficiary_code="CL-NCC-1"),
    )
    refused(
        client,
        world,
        capture,
        f"/beneficiaries/dossiers/{world.hl.dossier.pk}/edit/",
        dossier_edit_payload(world.hl.dossier, beneficiary_code="CL-NCC-1"),
    )
    assert Dossier.objects.get(pk=world.hl.dossier.pk).beneficiary_id == world.hl.merit.pk


def test_an_officer_cannot_build_another_communes_or_the_provinces_run(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    capture = django_capture_on_commit_callbacks
    for value in (f"c{CHI_LANG}", f"p{LANG_SON}", f"c{HA_NOI_COMMUNE}", f"p{HA_NOI}"):
        refused(client, world, capture, "/beneficiaries/runs/new/", run_payload(value, "2024-07"))
        refused(client, world, capture, "/beneficiaries/runs/new/", run_payload(value))
    for run in (world.cl.run, world.province_runs[LANG_SON], world.hn.run):
        refused(client, world, capture, f"/beneficiaries/runs/{run.pk}/rebuild/", statuses=(404,))


def test_a_head_cannot_approve_nor_rebuild_another_provinces_run_or_payments(
    client, login, world, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    login(world.users["head"])
    for run in (world.hn.run, world.province_runs[HA_NOI]):
        url = f"/beneficiaries/runs/{run.pk}/approve/"
        refused(client, world, capture, url, approve_payload(run), (404,))
        refused(client, world, capture, f"/beneficiaries/runs/{run.pk}/rebuild/", statuses=(404,))
    refused(
        client, world, capture, "/beneficiaries/runs/new/", run_payload(f"c{HA_NOI_COMMUNE}")
    )
    refused(client, world, capture, "/beneficiaries/runs/new/", run_payload(f"p{HA_NOI}"))
    # Another province's payment ticked with the province's own: the whole post is refused.
    refused(
        client,
        world,
        capture,
        "/beneficiaries/payments/pending/",
        {"payments": [world.hl.pending.pk, world.hn.pending.pk]},
    )
    # A payment of a draft run is approved with its run only, not ticked on its own.
    refused(
        client,
        world,
        capture,
        "/beneficiaries/payments/pending/",
        {"payments": [world.hl.run.payments.get().pk]},
    )
    url = f"/beneficiaries/{world.hn.merit.pk}/one-off/"
    refused(client, world, capture, url, one_off_payload(), (404,))
    assert Payment.objects.get(pk=world.hn.pending.pk).status == "proposed"
    login(world.users["far"])
    refused(
        client,
        world,
        capture,
        f"/beneficiaries/runs/{world.province_runs[LANG_SON].pk}/approve/",
        approve_payload(world.province_runs[LANG_SON]),
        (404,),
    )


def test_a_stale_approval_is_refused(client, login, world, django_capture_on_commit_callbacks):
    """The version the head reviewed, then the run rebuilt by the officer: nothing approved."""
    seen = approve_payload(world.hl.run)
    build(world.hl.run, world.users["own"])
    login(world.users["head"])
    refused(
        client,
        world,
        django_capture_on_commit_callbacks,
        f"/beneficiaries/runs/{world.hl.run.pk}/approve/",
        seen,
        (302,),
    )
    assert PaymentRun.objects.get(pk=world.hl.run.pk).status == "draft"


def test_an_officer_cannot_act_on_another_communes_records(
    client, login, world, django_capture_on_commit_callbacks
):
    login(world.users["own"])
    capture = django_capture_on_commit_callbacks
    cl = world.cl
    for url, data in (
        (f"/beneficiaries/{cl.merit.pk}/edit/", beneficiary_payload(cl.merit)),
        (f"/beneficiaries/{cl.merit.pk}/end/", end_payload(cl.merit)),
        (f"/beneficiaries/{cl.merit.pk}/one-off/", one_off_payload()),
        (f"/beneficiaries/dossiers/{cl.dossier.pk}/edit/", dossier_edit_payload(cl.dossier)),
        (f"/beneficiaries/dossiers/{cl.dossier.pk}/move/", move_payload(cl.dossier)),
        (f"/beneficiaries/runs/{cl.run.pk}/rebuild/", {}),
    ):
        refused(client, world, capture, url, data, (404,))


# --- Links ------------------------------------------------------------------------------------


LINK = re.compile(r'href="(/(?:beneficiaries|households/people)/[^"#]*)')


@pytest.mark.parametrize(
    "role",
    [
        "own",
        "other",
        "head",
        "far",
        "admin",
    ],
)
def test_every_link_a_user_is_shown_opens(client, login, world, role):
    """Each page a user may read links only to pages the user may open: no link to another
    role's page (a head's 403) nor to another commune's record (404)."""
    login(world.users[role])
    start = [url_of(name, world) for name, e in ENTRIES.items() if e.get[role] == 200]
    start += [
        f"/beneficiaries/{world.hl.social.pk}/",
        "/beneficiaries/?programme=social_protection",
    ]
    start += [f"/beneficiaries/runs/{run.pk}/" for run in world.province_runs.values()]
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
    for url in (
        "/beneficiaries/",
        "/beneficiaries/?programme=social_protection",
        "/beneficiaries/runs/",
        "/beneficiaries/payments/pending/",
        "/beneficiaries/dossiers/",
        "/beneficiaries/runs/new/",
        "/beneficiaries/new/",
    ):
        text = html.unescape(client.get(url).content.decode())
        assert not any(shown(text, kind) for kind in ("NCC", "BTXH", "HS")), url
        assert not any(NAMES[c][1] in text for c in NAMES), url
    for url in (
        f"/beneficiaries/{world.hl.merit.pk}/",
        f"/beneficiaries/runs/{world.hl.run.pk}/",
        f"/beneficiaries/runs/{world.hl.run.pk}/export.xlsx",
        f"/beneficiaries/dossiers/{world.hl.dossier.pk}/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["other", "far"])
def test_filters_naming_another_commune_show_nothing_of_it(client, login, world, role):
    """A query string naming Hữu Lũng (typed by hand) never brings its rows to an outsider."""
    login(world.users[role])
    for url, params in [
        ("/beneficiaries/", {"commune": HUU_LUNG}),
        ("/beneficiaries/", {"q": "HL-NCC-1"}),
        ("/beneficiaries/", {"q": "nong van huu"}),
        ("/beneficiaries/", {"q": "020050000638"}),
        ("/beneficiaries/", {"programme": "social_protection", "commune": HUU_LUNG}),
        ("/beneficiaries/dossiers/", {"commune": HUU_LUNG}),
        ("/beneficiaries/dossiers/", {"q": "HL-HS-1"}),
        ("/beneficiaries/dossiers/", {"commune": HUU_LUNG, "overdue": "on"}),
        ("/beneficiaries/runs/", {"commune": HUU_LUNG, "month": "2024-07"}),
        ("/beneficiaries/payments/pending/", {"commune": HUU_LUNG}),
        ("/beneficiaries/runs/new/", {"area": f"c{HUU_LUNG}"}),
        ("/beneficiaries/new/", {"person": world.hl.merit.person_id}),
    ]:
        response = client.get(url, params)
        if response.status_code == 403:
            continue  # another role's page
        assert response.status_code == 200, url
        assert_no_hl(response, typed=str(params.get("q", "")))


def test_an_officer_moved_to_another_commune_no_longer_sees_nor_rebuilds_the_old_run(
    client, login, world, django_capture_on_commit_callbacks
):
    moved = world.users["own"]
    moved.communes.set([CHI_LANG])
    login(moved)
    assert client.get(f"/beneficiaries/runs/{world.hl.run.pk}/").status_code == 404
    assert client.get(f"/beneficiaries/{world.hl.merit.pk}/").status_code == 404
    refused(
        client,
        world,
        django_capture_on_commit_callbacks,
        f"/beneficiaries/runs/{world.hl.run.pk}/rebuild/",
        statuses=(404,),
    )


def test_the_person_page_shows_only_the_officers_enrolments(client, login, world):
    """A person of Hữu Lũng also enrolled by Chi Lăng (after a move, say): the officer of Hữu
    Lũng's person page shows Hữu Lũng's case, not Chi Lăng's; the head sees both."""
    person = world.hl.merit.person
    SocialBeneficiaryFactory(code="CL-BTXH-2", commune_id=CHI_LANG, person=person)
    login(world.users["own"])
    text = html.unescape(client.get(f"/households/people/{person.pk}/").content.decode())
    assert "HL-NCC-1" in text and "HL-HS-1" in text
    assert "CL-BTXH-2" not in text
    login(world.users["head"])
    text = html.unescape(client.get(f"/households/people/{person.pk}/").content.decode())
    assert "HL-NCC-1" in text and "CL-BTXH-2" in text


def test_a_run_whose_builder_is_gone_still_opens(client, login, world):
    PaymentRun.objects.filter(pk=world.hl.run.pk).update(built_by=None)
    login(world.users["head"])
    assert client.get(f"/beneficiaries/runs/{world.hl.run.pk}/").status_code == 200
