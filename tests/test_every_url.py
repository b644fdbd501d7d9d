"""Every URL pattern of the project, walked as a stranger (issue 8, item 3; design.md "Roles",
conventions.md "Scoping").

The walk enumerates every pattern of `welfare.urls` (the project's own URLconf, without the
test-only routes) and needs a declaration for each: `DECLARED` by URL name for the project's
pages, a generic rule for the Django admin (`admin_url`). A pattern the module does not know
fails `test_every_url_pattern_is_declared`, so a page added later cannot escape the walk.

One world holds a record of every kind in Xã Hữu Lũng ("commune A"), each with a marker (a
name, a code, a citizen ID) found nowhere else. Each pattern is sent a GET and a POST:

- by nobody logged in: a redirect to the login page (the admin's login for /admin/), except the
  few `Public` pages, each with its reason;
- by the officer of Xã Chi Lăng (same province, "officer B"): a URL naming a record of commune
  A (`Record`: detail, edit, delete, export, fragments, PDFs, import, job and report pages)
  answers 404 or 403; a page without a record (`Page`: lists, list exports, create forms,
  dashboards) answers as the role says; a round that covers the whole province (`Province`)
  opens, without commune A's rows; and no answer ever shows a marker of commune A;
- the database is unchanged after every one of those requests (the counts of every table of the
  project and the version of every case record);
- in the admin, officer B (not staff) gets 403 on every page but the login form.

Mismatches are collected and reported together, one line per request.
"""

import datetime as dt
import html
import io
import re
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin as django_admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_celery_results.models import TaskResult
from openpyxl import load_workbook

from beneficiaries import services as beneficiary_services
from beneficiaries.models import Payment, PaymentRun
from relief.models import GiftRound, ReliefRound
from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    LANG_SON,
    BeneficiaryFactory,
    BorderPassFactory,
    CovidSupportFactory,
    DistributionFactory,
    DossierFactory,
    GiftFactory,
    GiftRoundFactory,
    HouseholdFactory,
    InsuranceCardFactory,
    LoanFactory,
    MemberFactory,
    PersonFactory,
    PlacementFactory,
    PlanFactory,
    PovertyReviewFactory,
    ReliefRoundFactory,
    officer,
)
from welfare.areas.models import Commune
from welfare.core.models import Job, VersionedModel
from welfare.imports.services import import_execute, import_run_create
from welfare.reports.periods import Period, ReportArea
from welfare.reports.snapshots import snapshot_build

pytestmark = pytest.mark.django_db

URLCONF = "welfare.urls"
ADMIN_PREFIX = "admin/"


# --- The patterns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str  # the full route, e.g. "households/<int:pk>/edit/"
    name: str | None  # namespaced, e.g. "admin:households_household_change"


def walk(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(n for n in (namespace, p.namespace) if n) or None
            yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
        else:
            assert isinstance(p, URLPattern)
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield Pattern(prefix + str(p.pattern), name)


def every_pattern() -> list[Pattern]:
    return list(walk(get_resolver(URLCONF).url_patterns))


# --- The world: one record of every kind in commune A ----------------------------------------

A_HOUSEHOLD = "WK-A-HO"
A_IMPORTED = "WK-A-NHAP"
# Every string that says "a record of commune A": names, codes, citizen IDs, notes.
MARKERS = {
    "household": A_HOUSEHOLD,
    "head": "Nông Văn Vọng",
    "child": "Nông Thị Vượn",
    "twin": "Hoàng Văn Sinh Đôi",
    "person_id": "020099000123",
    "card": "HN2WALK000001",
    "card_holder": "Nông Văn Thẻ",
    "merit": "WK-A-NCC",
    "merit_person": "Mã Văn Công Lao",
    "merit_id": "020099000456",
    "dossier": "WK-A-HS",
    "applicant": "Hà Thị Hồ Sơ",
    "distribution": "Vi Văn Cứu Đói",
    "gift": "Vi Thị Quà Tết",
    "covid": "Lộc Văn Hỗ Trợ",
    "covid_decision": "WK-A/QĐ-UBND",
    "loan": "WK-A-VV",
    "borrower": "Lương Văn Vay Vốn",
    "placement": "Lương Thị Việc Làm",
    "employer": "Công ty Đi Bộ Hữu Lũng",
    "pass": "STHWALK01",
    "pass_holder": "Triệu Văn Biên Giới",
    "imported": A_IMPORTED,
    "imported_head": "Ma Văn Nhập Khẩu",
    "import_file": "nhap-huu-lung-walk.csv",
    "job": "Tổng hợp của cán bộ Hữu Lũng (walk)",
    "report": "Thiếu sót riêng của Hữu Lũng (walk)",
    "commune": "Hữu Lũng",
    "plan": "7.654.321",
}
JULY = dt.date(2024, 7, 1)


@dataclass
class World:
    officer_a: object
    officer_b: object
    household: object
    child: object  # a Member of the household
    twins: tuple
    review: object  # proposed, 2024
    recognised: object  # recognised, 2023 (certificate)
    card: object
    merit: object
    dossier: object
    run: PaymentRun
    pending: Payment
    relief_round: ReliefRound  # Lạng Sơn's: the province's
    distribution: object
    gift_round: GiftRound
    gift: object
    support: object
    loan: object
    placement: object
    border_pass: object
    import_run: object
    job: Job
    snapshot: object
    plan: object
    # Admin: model label -> the pk to fill in (commune A's record, or any row of a model
    # without an area).
    admin_pks: dict = field(default_factory=dict)


def build_world() -> World:
    officer_a = officer(HUU_LUNG, last_name="Cán bộ Hữu Lũng")
    officer_b = officer(CHI_LANG, last_name="Cán bộ Chi Lăng")
    household = HouseholdFactory(
        code=A_HOUSEHOLD,
        commune_id=HUU_LUNG,
        head_member=PersonFactory(
            full_name=MARKERS["head"], commune_id=HUU_LUNG, id_number=MARKERS["person_id"]
        ),
    )
    child = MemberFactory(
        household=household,
        person=PersonFactory(full_name=MARKERS["child"], commune_id=HUU_LUNG),
        relation="child",
    )
    twins = tuple(
        PersonFactory(
            full_name=MARKERS["twin"], commune_id=HUU_LUNG, birth_date=dt.date(1980, 1, 1)
        )
        for _ in range(2)
    )
    recognised = PovertyReviewFactory(household=household, review_year=2023)
    review = PovertyReviewFactory(
        household=household,
        review_year=2024,
        status="proposed",
        recognised_on=None,
        decision_number="",
    )
    card = InsuranceCardFactory(
        card_number=MARKERS["card"],
        holder_name=MARKERS["card_holder"],
        commune_id=HUU_LUNG,
        household=household,
        person=household.head,
    )
    merit = BeneficiaryFactory(
        code=MARKERS["merit"],
        commune_id=HUU_LUNG,
        person=PersonFactory(
            full_name=MARKERS["merit_person"],
            commune_id=HUU_LUNG,
            id_number=MARKERS["merit_id"],
            birth_date=dt.date(1950, 5, 6),
        ),
    )
    dossier = DossierFactory(
        code=MARKERS["dossier"],
        commune_id=HUU_LUNG,
        applicant_name=MARKERS["applicant"],
        beneficiary=merit,
        person=merit.person,
    )
    a = Commune.objects.select_related("province").get(code=HUU_LUNG)
    run = beneficiary_services.payment_run_build(
        run_id=PaymentRun.objects.create(
            programme="merit", province=a.province, commune=a, month=JULY
        ).pk,
        user=officer_a,
    )
    pending = Payment.objects.create(
        beneficiary=merit,
        kind="one_off",
        one_off_reason="tet_gift",
        month=dt.date(2025, 1, 1),
        amount_vnd=1_000_000,
        status="proposed",
    )
    relief_round = ReliefRoundFactory(province_id=LANG_SON, code="CD-LS-WALK")
    distribution = DistributionFactory(
        round=relief_round,
        commune_id=HUU_LUNG,
        household=None,
        recipient_name=MARKERS["distribution"],
        persons_covered=3,
        rice_kg=45,
        cost_vnd=540_000,
    )
    gift_round = GiftRoundFactory(province_id=LANG_SON, code="QT-LS-WALK")
    gift = GiftFactory(
        round=gift_round, commune_id=HUU_LUNG, household=household, recipient_name=MARKERS["gift"]
    )
    support = CovidSupportFactory(
        commune_id=HUU_LUNG,
        recipient_name=MARKERS["covid"],
        decision_number=MARKERS["covid_decision"],
    )
    loan = LoanFactory(code=MARKERS["loan"], commune_id=HUU_LUNG, borrower_name=MARKERS["borrower"])
    placement = PlacementFactory(
        commune_id=HUU_LUNG,
        worker_name=MARKERS["placement"],
        employer=MARKERS["employer"],
        placed_on=dt.date(2022, 3, 1),
    )
    border_pass = BorderPassFactory(
        commune_id=HUU_LUNG, number=MARKERS["pass"], holder_name=MARKERS["pass_holder"]
    )
    data = (
        "household_code,commune_code,head_name,area_type\n"
        f"{A_IMPORTED},{HUU_LUNG},{MARKERS['imported_head']},rural\n"
    )
    import_run = import_run_create(
        user=officer_a,
        kind="households",
        file_name=MARKERS["import_file"],
        chunks=[data.encode()],
        dry_run=False,
    )
    assert import_execute(run=import_run).ok
    import_run.refresh_from_db()
    job = Job.objects.create(
        task_id=Job.new_task_id(),
        kind="halfyear_summary",
        label=MARKERS["job"],
        user=officer_a,
    )
    TaskResult.objects.create(
        task_id=job.task_id,
        status="SUCCESS",
        content_type="application/json",
        content_encoding="utf-8",
        result='{"commune": "Xã Hữu Lũng", "note": "%s"}' % MARKERS["job"],
    )
    job.result_url = reverse("summary_result", args=[job.pk])
    job.save(update_fields=["result_url"])
    snapshot = snapshot_build(area=ReportArea.of("commune", HUU_LUNG), period=Period(2022, 1))
    snapshot.shortcomings = MARKERS["report"]
    snapshot.save(update_fields=["shortcomings"])
    plan = PlanFactory(province_id=LANG_SON, commune_id=HUU_LUNG, target=7_654_321)
    world = World(
        officer_a=officer_a,
        officer_b=officer_b,
        household=household,
        child=child,
        twins=twins,
        review=review,
        recognised=recognised,
        card=card,
        merit=merit,
        dossier=dossier,
        run=run,
        pending=pending,
        relief_round=relief_round,
        distribution=distribution,
        gift_round=gift_round,
        gift=gift,
        support=support,
        loan=loan,
        placement=placement,
        border_pass=border_pass,
        import_run=import_run,
        job=job,
        snapshot=snapshot,
        plan=plan,
    )
    world.admin_pks = admin_pks(world)
    return world


@pytest.fixture
def world() -> World:
    return build_world()


# --- What must not change ----------------------------------------------------------------------

# The apps whose tables a stranger must never write: the case records and their history, the
# import runs and their undo log, the jobs, the users and the admin's log. Left out: the session,
# the login throttle and the access log (viewing is what it records), and reference data no
# page of the walk writes (areas, Celery's schedules).
PICTURED_APPS = {
    "households", "beneficiaries", "relief", "employment", "reports", "imports", "core",
    "accounts", "admin",
}


def pictured_models() -> list[type]:
    return [m for m in apps.get_models() if m._meta.app_label in PICTURED_APPS]


def db_picture() -> dict:
    """Every table of the project counted, and the versions of every case table summed (an
    edit raises its record's version), in one query: it runs after each of ~1,600 requests."""
    parts, labels = [], []
    for model in pictured_models():
        table = connection.ops.quote_name(model._meta.db_table)
        versioned = issubclass(model, VersionedModel)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        labels.append(model._meta.label)
        if versioned:
            pk = connection.ops.quote_name(model._meta.pk.column)
            parts.append(f"(SELECT COALESCE(SUM(version), 0) FROM {table})")
            parts.append(f"(SELECT COALESCE(SUM({pk}), 0) FROM {table})")
            labels += [f"{model._meta.label} versions", f"{model._meta.label} ids"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return dict(zip(labels, cursor.fetchone()))


def changed(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


# --- What a response shows -------------------------------------------------------------------


def text_of(response) -> str:
    """What a user reads in a response: the page's text, a workbook's cells, a PDF's or a Word
    file's text."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
            if cell is not None
        )
    if "wordprocessingml" in kind:
        with zipfile.ZipFile(io.BytesIO(content)) as docx:
            return re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode())
    if "pdf" in kind:
        return subprocess.run(
            ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
    return html.unescape(content.decode(errors="replace"))


def markers_in(response) -> list[str]:
    text = text_of(response)
    return sorted(key for key, marker in MARKERS.items() if marker in text)


# --- The declarations ------------------------------------------------------------------------


def none(w: World) -> dict:
    return {}


@dataclass(frozen=True)
class Public:
    """Open to anyone; says why."""

    reason: str
    kwargs: Callable[[World], dict] = none


@dataclass(frozen=True)
class Record:
    """Names a record of commune A: officer B gets 404 or 403. A view without a handler for a
    method answers 405 before it looks anything up (`no_get`, `no_post`)."""

    kwargs: Callable[[World], dict]
    no_get: bool = False
    no_post: bool = False

    def allowed(self, method: str) -> set[int]:
        if (method == "get" and self.no_get) or (method == "post" and self.no_post):
            return {405}
        return {403, 404}


@dataclass(frozen=True)
class Page:
    """Names no record (a list, a list's export, a create form, a dashboard): officer B gets
    what the role allows (`get`, `post`: the statuses), never a marker of commune A."""

    get: int
    post: int
    kwargs: Callable[[World], dict] = none
    query: Callable[[World], dict] = none

    def allowed(self, method: str) -> set[int]:
        return {getattr(self, method)}


@dataclass(frozen=True)
class Province:
    """A record of the whole province (relief and gift rounds, design.md): every officer of the
    province opens it, but sees only their communes' rows in it; `reason` says so."""

    kwargs: Callable[[World], dict]
    reason: str
    get: int = 200
    post: int = 200

    def allowed(self, method: str) -> set[int]:
        return {getattr(self, method)}


# An officer may not: 403 whatever is sent.
HEAD_ONLY = Page(get=403, post=403)
PROVINCE_ROUND = "relief and gift rounds cover the province; their rows belong to communes"


def household(w):
    return {"pk": w.household.pk}


def person(w):
    return {"pk": w.child.person_id}


def job(w):
    return {"pk": w.job.pk}


def snapshot(w):
    return {"pk": w.snapshot.pk}


DECLARED: dict[str, object] = {
    "home": Page(200, 200),
    "login": Public("the login form"),
    "logout": Public("logging out asks for no login (a POST; a GET is refused)"),
    "password_change": Page(200, 200),
    "password_change_done": Page(200, 405),
    "set_language": Public("the language switch, before logging in too"),
    "healthz": Public("the load balancer's probe: answers ok, reads nothing"),
    # Jobs
    "job_detail": Record(job),
    "job_status": Record(job),
    # Households, people, cards, reviews
    "household_list": Page(200, 405),
    "household_export": Page(200, 405),
    "household_create": Page(200, 200),
    "household_detail": Record(household, no_post=True),
    "household_edit": Record(household),
    "household_head_change": Record(household),
    "member_leave": Record(lambda w: {"pk": w.child.pk}),
    "person_detail": Record(person, no_post=True),
    "person_edit": Record(person),
    "person_exit": Record(person),
    "duplicate_list": Page(200, 405),
    "duplicate_resolve": Record(
        lambda w: {"first": w.twins[0].pk, "second": w.twins[1].pk}, no_get=True
    ),
    "card_list": Page(200, 405),
    "card_export": Page(200, 405),
    "card_create": Page(200, 200),
    "card_edit": Record(lambda w: {"pk": w.card.pk}),
    "review_list": Page(200, 405),
    "review_classify": Page(400, 400),
    "review_recognise": HEAD_ONLY,
    "review_carry_forward": Page(200, 200),
    "review_movement": Page(200, 405),
    "review_detail": Record(lambda w: {"pk": w.review.pk}, no_post=True),
    "review_edit": Record(lambda w: {"pk": w.review.pk}),
    "review_create": Record(lambda w: {"household_pk": w.household.pk}),
    "review_posting_pdf": Record(lambda w: {"commune": HUU_LUNG, "year": 2024}),
    "review_certificate_pdf": Record(lambda w: {"pk": w.recognised.pk}),
    # Imports
    "import_start": Page(200, 200),
    "import_result": Record(lambda w: {"pk": w.import_run.pk}, no_post=True),
    "import_errors": Record(lambda w: {"pk": w.import_run.pk}, no_post=True),
    "import_undo": Record(lambda w: {"pk": w.import_run.pk}, no_get=True),
    "import_template": Page(200, 405, kwargs=lambda w: {"kind": "households"}),
    # Reports and plans
    "report_list": Page(200, 405),
    "report_build": HEAD_ONLY,
    "dashboard": Page(200, 405),
    "report_detail": Record(snapshot),
    "report_rebuild": Record(snapshot),
    "report_sections": Record(snapshot),
    "report_approve": Record(snapshot),
    "report_download": Record(lambda w: {"pk": w.snapshot.pk, "fmt": "xlsx"}, no_post=True),
    "report_open": Record(
        lambda w: {"level": "commune", "code": HUU_LUNG, "year": 2022, "half": 1}, no_post=True
    ),
    "plan_list": Page(200, 405),
    "plan_create": HEAD_ONLY,
    "plan_edit": Record(lambda w: {"pk": w.plan.pk}),
    "summary_start": Page(200, 200),
    "summary_result": Record(job, no_post=True),
    # Beneficiaries, payment runs, dossiers
    "beneficiary_list": Page(200, 405),
    "beneficiary_create": Page(200, 200),
    "beneficiary_detail": Record(lambda w: {"pk": w.merit.pk}, no_post=True),
    "beneficiary_edit": Record(lambda w: {"pk": w.merit.pk}),
    "beneficiary_end": Record(lambda w: {"pk": w.merit.pk}),
    "one_off_create": Record(lambda w: {"pk": w.merit.pk}),
    "payment_run_list": Page(200, 405),
    "payment_run_create": Page(200, 200),
    "payment_run_detail": Record(lambda w: {"pk": w.run.pk}, no_post=True),
    "payment_run_approve": Record(lambda w: {"pk": w.run.pk}),
    "payment_run_rebuild": Record(lambda w: {"pk": w.run.pk}, no_get=True),
    "payment_run_export": Record(lambda w: {"pk": w.run.pk}, no_post=True),
    "payment_pending_list": Page(200, 403),  # a head approves (POST)
    "dossier_board": Page(200, 405),
    "dossier_create": Page(200, 200),
    "dossier_detail": Record(lambda w: {"pk": w.dossier.pk}, no_post=True),
    "dossier_edit": Record(lambda w: {"pk": w.dossier.pk}),
    "dossier_move": Record(lambda w: {"pk": w.dossier.pk}, no_get=True),
    # Relief rounds, gifts, COVID-19 support
    "relief_round_list": Page(200, 405),
    "relief_round_create": Page(200, 200),
    "relief_round_detail": Province(lambda w: {"pk": w.relief_round.pk}, PROVINCE_ROUND),
    "relief_round_edit": Province(lambda w: {"pk": w.relief_round.pk}, PROVINCE_ROUND),
    "relief_round_close": Province(
        lambda w: {"pk": w.relief_round.pk}, PROVINCE_ROUND, get=403, post=403
    ),
    "relief_round_export": Province(
        lambda w: {"pk": w.relief_round.pk}, PROVINCE_ROUND, post=405
    ),
    "distribution_edit": Record(lambda w: {"pk": w.distribution.pk}),
    "distribution_delete": Record(lambda w: {"pk": w.distribution.pk}),
    "gift_round_list": Page(200, 405),
    "gift_round_create": Page(200, 200),
    "gift_round_detail": Province(lambda w: {"pk": w.gift_round.pk}, PROVINCE_ROUND),
    "gift_round_edit": Province(lambda w: {"pk": w.gift_round.pk}, PROVINCE_ROUND),
    "gift_round_export": Province(lambda w: {"pk": w.gift_round.pk}, PROVINCE_ROUND, post=405),
    "gift_edit": Record(lambda w: {"pk": w.gift.pk}),
    "gift_delete": Record(lambda w: {"pk": w.gift.pk}),
    "covid_support_list": Page(200, 405),
    "covid_support_create": Page(200, 200),
    "covid_support_edit": Record(lambda w: {"pk": w.support.pk}),
    "covid_support_export": Page(200, 405),
    # Employment
    "employment_overview": Page(200, 405),
    "loan_list": Page(200, 405),
    "loan_create": Page(200, 200),
    "loan_export": Page(200, 405),
    "loan_detail": Record(lambda w: {"pk": w.loan.pk}, no_post=True),
    "loan_edit": Record(lambda w: {"pk": w.loan.pk}),
    "placement_list": Page(200, 405),
    "placement_create": Page(200, 200),
    "placement_edit": Record(lambda w: {"pk": w.placement.pk}),
    "placement_delete": Record(lambda w: {"pk": w.placement.pk}),
    "placement_export": Page(200, 405),
    "border_pass_list": Page(200, 405),
    "border_pass_create": Page(200, 200),
    "border_pass_edit": Record(lambda w: {"pk": w.border_pass.pk}),
    "border_pass_export": Page(200, 405),
    # The access log of personal data (issue 8, item 2): heads and admins only.
    "access_log": HEAD_ONLY,
}

# The Django admin, by a generic rule: `admin:<app>_<model>_<view>` for every registered model,
# plus the site's own pages.
ADMIN_MODEL_VIEWS = ("changelist", "add", "change", "delete", "history", "simple_history")
ADMIN_SITE_PAGES = {
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
}
ADMIN_PUBLIC = {"admin:login": "the admin's login form"}
# Pages a ModelAdmin adds of its own, with the model whose record they name.
ADMIN_EXTRA = {"admin:auth_user_password_change": "accounts.User"}


def admin_models() -> dict[str, type]:
    """`<app>_<model>` -> the model, for every model registered in the admin."""
    return {
        f"{m._meta.app_label}_{m._meta.model_name}": m for m in django_admin.site._registry
    }


def admin_pks(world: World) -> dict:
    """The pk to fill in for each admin model: commune A's record where the world holds one,
    else any row (reference data, areas, users), else 1."""
    ours = {
        "households.Household": world.household.pk,
        "households.Person": world.child.person_id,
        "households.PovertyReview": world.review.pk,
        "households.InsuranceCard": world.card.pk,
        "households.PersonDistinct": None,
        "beneficiaries.Beneficiary": world.merit.pk,
        "beneficiaries.Dossier": world.dossier.pk,
        "beneficiaries.PaymentRun": world.run.pk,
        "beneficiaries.Payment": world.pending.pk,
        "relief.ReliefRound": world.relief_round.pk,
        "relief.Distribution": world.distribution.pk,
        "relief.GiftRound": world.gift_round.pk,
        "relief.Gift": world.gift.pk,
        "relief.CovidSupport": world.support.pk,
        "employment.Loan": world.loan.pk,
        "employment.Placement": world.placement.pk,
        "employment.BorderPass": world.border_pass.pk,
        "imports.ImportRun": world.import_run.pk,
        "core.Job": world.job.pk,
        "reports.SummarySnapshot": world.snapshot.pk,
        "reports.Plan": world.plan.pk,
        "accounts.User": world.officer_a.pk,
        "areas.Commune": HUU_LUNG,
    }
    pks = {}
    for model in django_admin.site._registry:
        label = model._meta.label
        pk = ours.get(label) or model._base_manager.values_list("pk", flat=True).first()
        pks[label] = pk if pk is not None else 1
    return pks


def admin_url(pattern: Pattern, world: World | None) -> str | None:
    """The URL to request for an admin pattern, or None when the rule does not know it."""
    name = pattern.name
    if name is None:
        if pattern.route == "admin/(?P<url>.*)$":
            return "/admin/walk/nowhere/"  # the catch-all: "not found" for staff
        match = re.fullmatch(r"admin/(\w+)/(\w+)/<path:object_id>/", pattern.route)
        if match and f"{match[1]}_{match[2]}" in admin_models():
            model = admin_models()[f"{match[1]}_{match[2]}"]
            pk = world.admin_pks[model._meta.label] if world else 1
            return f"/admin/{match[1]}/{match[2]}/{pk}/"  # redirects to the change page
        return None
    if name in ADMIN_EXTRA:
        return reverse(name, args=[world.admin_pks[ADMIN_EXTRA[name]] if world else 1])
    if name in ADMIN_SITE_PAGES:
        if name == "admin:view_on_site":
            ct = ContentType.objects.get_for_model(world.household.__class__) if world else None
            return reverse(name, args=[ct.pk if ct else 1, world.household.pk if world else 1])
        if name == "admin:app_list":
            return reverse(name, kwargs={"app_label": "households"})
        return reverse(name)
    for prefix, model in admin_models().items():
        view = name.removeprefix(f"admin:{prefix}_")
        if view != name and view in ADMIN_MODEL_VIEWS:
            pk = world.admin_pks[model._meta.label] if world else 1
            if view in ("changelist", "add"):
                return reverse(name)
            if view == "simple_history":
                history = model.history.filter(pk=pk).values_list("history_id", flat=True)
                version = (history.first() if world else None) or 1
                return reverse(name, args=[pk, version])
            return reverse(name, args=[pk])
    return None


def is_admin(pattern: Pattern) -> bool:
    return pattern.route.startswith(ADMIN_PREFIX)


def declared(pattern: Pattern) -> bool:
    if is_admin(pattern):
        return admin_url(pattern, None) is not None
    return pattern.name in DECLARED


def url_of(pattern: Pattern, world: World) -> str:
    if is_admin(pattern):
        return admin_url(pattern, world)
    return reverse(pattern.name, kwargs=DECLARED[pattern.name].kwargs(world))


def send(client: Client, method: str, pattern: Pattern, world: World, capture):
    url = url_of(pattern, world)
    query = {}
    if not is_admin(pattern) and isinstance(DECLARED[pattern.name], Page):
        query = DECLARED[pattern.name].query(world)
    with capture(execute=True):
        if method == "get":
            return url, client.get(url, query)
        return url, client.post(url, {})


# --- The tests -------------------------------------------------------------------------------


def test_every_url_pattern_is_declared():
    patterns = every_pattern()
    unknown = [f"{p.route} ({p.name})" for p in patterns if not declared(p)]
    assert not unknown, "URL patterns the walk does not know:\n" + "\n".join(unknown)
    names = [p.name for p in patterns if not is_admin(p)]
    assert None not in names, "a URL pattern outside the admin has no name"
    assert len(names) == len(set(names)), "two URL patterns share a name"
    stale = sorted(set(DECLARED) - set(names))
    assert not stale, f"declarations for URL patterns that no longer exist: {stale}"


def test_nobody_logged_in_is_sent_to_the_login_page(
    client, world, django_capture_on_commit_callbacks
):
    """Every pattern but the public ones, by GET and POST: a redirect to the login page (the
    admin's own for /admin/), and nothing changed."""
    login_url = resolve_url(settings.LOGIN_URL)
    admin_login = reverse("admin:login")
    before = db_picture()
    failures = []
    for pattern in every_pattern():
        public = ADMIN_PUBLIC.get(pattern.name) if is_admin(pattern) else None
        if not is_admin(pattern) and isinstance(DECLARED[pattern.name], Public):
            public = DECLARED[pattern.name].reason
        for method in ("get", "post"):
            url, response = send(client, method, pattern, world, django_capture_on_commit_callbacks)
            where = f"anonymous {method.upper()} {url} ({pattern.name})"
            if public:
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.status_code}")
            else:
                expected = admin_login if is_admin(pattern) else login_url
                location = response.get("Location", "")
                # The admin's logout sends a stranger to the admin's index, which sends to login.
                if pattern.name == "admin:logout" and location == reverse("admin:index"):
                    location = client.get(location).get("Location", "")
                if response.status_code != 302 or not location.startswith(expected):
                    failures.append(
                        f"{where}: {response.status_code} {location}, expected {expected}"
                    )
            if markers_in(response):
                failures.append(f"{where}: shows {markers_in(response)}")
            after = db_picture()
            if after != before:
                failures.append(f"{where}: changed {changed(before, after)}")
                before = after
    assert not failures, "\n".join(failures)


def test_an_officer_of_another_commune_gets_nothing_of_commune_a(
    client, login, world, django_capture_on_commit_callbacks
):
    """Officer B, every pattern by GET and POST: 404 or 403 for a record of commune A, the role's
    answer for a page without one, 403 in the admin (B is not staff); never a marker of commune
    A in what comes back, and nothing changed."""
    login(world.officer_b)
    before = db_picture()
    failures = []
    for pattern in every_pattern():
        for method in ("get", "post"):
            relogin = False
            url, response = send(client, method, pattern, world, django_capture_on_commit_callbacks)
            where = f"officer B {method.upper()} {url} ({pattern.name})"
            if is_admin(pattern):
                allowed = {200} if pattern.name in ADMIN_PUBLIC else {403}
            elif isinstance(DECLARED[pattern.name], Public):
                allowed = None
                relogin = True
            else:
                allowed = DECLARED[pattern.name].allowed(method)
            if allowed is not None and response.status_code not in allowed:
                failures.append(f"{where}: {response.status_code}, expected {sorted(allowed)}")
            shown = markers_in(response)
            if shown:
                failures.append(f"{where}: {response.status_code} showing {shown}")
            after = db_picture()
            if after != before:
                failures.append(f"{where}: changed {changed(before, after)}")
                before = after
            if relogin:  # the logout form logs B out; logging in again writes B's history
                login(world.officer_b)
                before = db_picture()
    assert not failures, "\n".join(failures)


def test_the_markers_are_what_commune_a_is_shown(client, login, world):
    """The walk's "no marker" means something: commune A's officer, opening the same pages by
    GET, sees every marker somewhere."""
    login(world.officer_a)
    seen = set()
    for pattern in every_pattern():
        declaration = None if is_admin(pattern) else DECLARED[pattern.name]
        if not isinstance(declaration, (Record, Page, Province)) or declaration in (HEAD_ONLY,):
            continue
        response = client.get(url_of(pattern, world))
        if response.status_code == 200:
            seen.update(markers_in(response))
    assert sorted(set(MARKERS) - seen) == []


# Rounds cover the province: every officer of it opens them (their rows are scoped apart).
ADMIN_OPEN_TO_THE_PROVINCE = {"relief.ReliefRound", "relief.GiftRound"}


def test_a_staff_officer_of_another_commune_reads_only_their_rows_in_the_admin(
    client, login, world
):
    """No role is staff by default (only administrators, who see everything); an administrator
    may still tick "staff" for an officer. Then every area-bound admin list shows nothing of
    commune A, and commune A's record is "not found" (a redirect to the admin index; its history
    404)."""
    from django.contrib.auth.models import Permission

    from welfare.accounts.scoping import AreaScopedAdminMixin

    scoped = [
        model
        for model, model_admin in django_admin.site._registry.items()
        if isinstance(model_admin, AreaScopedAdminMixin)
    ]
    b = world.officer_b
    b.is_staff = True
    b.save()
    b.user_permissions.set(
        Permission.objects.filter(
            codename__in=[f"view_{m._meta.model_name}" for m in scoped],
            content_type__app_label__in={m._meta.app_label for m in scoped},
        )
    )
    login(b)
    failures = []
    for model in scoped:
        info = (model._meta.app_label, model._meta.model_name)
        url = reverse("admin:{}_{}_changelist".format(*info))
        response = client.get(url)
        if response.status_code != 200 or markers_in(response):
            failures.append(f"GET {url}: {response.status_code}, showing {markers_in(response)}")
        if model._meta.label in ADMIN_OPEN_TO_THE_PROVINCE:
            continue
        pk = world.admin_pks[model._meta.label]
        if not model._base_manager.filter(pk=pk).exists():
            continue  # the world holds none (a pair of people marked distinct)
        for view, expected in (("change", 302), ("history", 404)):
            url = reverse("admin:{}_{}_{}".format(*info, view), args=[pk])
            response = client.get(url)
            if response.status_code != expected or markers_in(response):
                failures.append(
                    f"GET {url}: {response.status_code}, expected {expected}, "
                    f"showing {markers_in(response)}"
                )
    assert not failures, "\n".join(failures)
