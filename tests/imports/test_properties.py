"""Bad input, property-based (issue 8, item 5): random and malformed rows and files of every import
kind go through the same entry as the import page and `import_records` (`import_run_create`,
then `import_execute`). Whatever the file holds: no exception escapes, the run is refused with
problems that each name a row (or the header or the file) and a column and read as a sentence,
and nothing is saved, even when the bad row sits among good ones.

The examples are derandomised (tests/conftest.py, profile "ci"): CI draws the same ones on every
run. An example that once found a bug is kept as an explicit `@example`."""

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.factories import HUU_LUNG, LANG_SON, BeneficiaryFactory, HouseholdFactory, head
from welfare.households.models import Household
from welfare.imports import registry
from welfare.imports.models import ImportRun, RunStatus
from welfare.imports.services import import_execute, import_run_create

from .helpers import csv_bytes, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

CASE_APPS = ("households", "beneficiaries", "relief", "employment", "reports")
FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd", "-2+3", "=1+1"]

# One row per kind that imports cleanly for the head of Lạng Sơn in the world below; `{i}` makes
# keys distinct when several good rows share a file. The households, beneficiary and reviews'
# households are made by `world`.
GOOD = {
    "households": {"household_code": "P-{i}", "commune_code": HUU_LUNG, "head_name": "Nguyễn Văn An",
                   "area_type": "rural", "village": "Thôn Đồng Tiến", "address": "Số {i}"},
    "members": {"household_code": "PH-0", "full_name": "Trần Thị Bình {i}", "relation": "child",
                "sex": "female", "birth_date": "2010-01-0{i}", "ethnicity": "Tày"},
    "poverty_reviews": {"household_code": "PH-{i}", "review_year": 2021,
                        "income_per_capita_vnd": "1.200.000", "deprivations": "1;4;7",
                        "area_type": "rural"},
    "insurance_cards": {"card_number": "HN22020000{i:05d}", "holder_name": "Lý Văn Cường",
                        "commune_code": HUU_LUNG, "beneficiary_group": "poor",
                        "issued_on": "15/01/2022"},
    "relief_distributions": {"round_code": "CD-{i}", "commune_code": HUU_LUNG, "cause": "hunger",
                             "persons_covered": 3, "distributed_on": "2022-02-01",
                             "recipient_name": "Hoàng Thị Dung", "rice_kg": 45, "cost_vnd": 540000},
    "gifts": {"round_code": "TET-{i}", "commune_code": HUU_LUNG, "recipient_group": "poor_household",
              "funding_source": "province", "recipient_name": "Nông Văn Em", "value_vnd": 500000,
              "given_on": "2022-01-20"},
    "merit_beneficiaries": {"beneficiary_code": "MB-{i}", "full_name": "Vi Văn Giang",
                            "commune_code": HUU_LUNG, "category": "g", "relation": "self",
                            "birth_date": "1950-05-0{i}", "sex": "male"},
    "allowance_payments": {"beneficiary_code": "NCC-PROP", "month": "2022-0{i}", "amount_vnd": 2055000,
                           "kind": "monthly", "paid_on": "2022-0{i}-10"},
    "merit_dossiers": {"dossier_code": "D-{i}", "commune_code": HUU_LUNG, "applicant_name": "Hà Thị Hoa",
                       "kind": "recognition", "received_on": "2022-03-01", "status": "received"},
    "loans": {"loan_code": "L-{i}", "commune_code": HUU_LUNG, "borrower_name": "Dương Văn Khánh",
              "borrower_type": "individual", "amount_vnd": 50000000, "disbursed_on": "2023-01-05",
              "jobs": 1, "term_months": 36},
    "job_placements": {"commune_code": HUU_LUNG, "worker_name": "Mã Thị Lan", "channel": "labour_export",
                       "placed_on": "2023-02-01", "employer": "Công ty {i}"},
    "covid_support": {"commune_code": HUU_LUNG, "recipient_type": "worker", "recipient_name": "Lương Văn Minh",
                      "policy": "68/NQ-CP", "amount_vnd": 1500000, "approved_on": "2021-08-01"},
    "plans": {"province_code": LANG_SON, "commune_code": HUU_LUNG, "year": "202{i}", "indicator": "new_jobs",
              "target": 100},
}
KINDS = sorted(GOOD)


def good_row(kind: str, i: int) -> dict:
    return {k: (v.format(i=i) if isinstance(v, str) else v) for k, v in GOOD[kind].items()}


def case_counts() -> dict[str, int]:
    """How many rows every case table (and its history) holds."""
    return {
        model._meta.label: model._default_manager.count()
        for label in CASE_APPS
        for model in apps.get_app_config(label).get_models()
    }


@pytest.fixture
def world():
    """The records the good rows refer to, and the head of Lạng Sơn who imports them."""
    households = [HouseholdFactory(code=f"PH-{i}") for i in range(6)]
    BeneficiaryFactory(code="NCC-PROP")
    return {"user": head(LANG_SON), "households": households}


def run_file(user, kind: str, name: str, data: bytes):
    """The import page's entry: store the upload, run it (eagerly). Inside an atomic block rolled
    back afterwards, so that the examples of one test do not see each other's records."""
    with transaction.atomic():
        run = import_run_create(user=user, kind=kind, file_name=name, chunks=[data], dry_run=False)
        outcome = import_execute(run=run)
        run.refresh_from_db()
        saved = case_counts()
        transaction.set_rollback(True)
    return run, outcome, saved


def table(kind: str, rows: list[dict]) -> list[list]:
    header = [c.key for c in registry.kind_for(kind).columns]
    return [header, *[[row.get(key) for key in header] for row in rows]]


def encode(kind: str, rows: list[dict], fmt: str) -> tuple[str, bytes]:
    # A worksheet cannot hold control characters at all: such values travel in a CSV.
    if fmt == "xlsx" and not any(isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v)
                                 for row in rows for v in row.values()):
        return "f.xlsx", xlsx_bytes(table(kind, rows))
    # Every cell quoted, as Excel quotes a cell holding a line break or a carriage return.
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(
        [["" if v is None else v for v in row] for row in table(kind, rows)]
    )
    return "f.csv", buffer.getvalue().encode("utf-8", errors="surrogatepass")


SENTENCE = re.compile(r"^\S.*[.!?)”]$", re.S)


def assert_refused_clearly(run, outcome, *, saved, before):
    """Refused, nothing saved, every problem naming where it is and saying what, as a sentence."""
    assert run.status == RunStatus.REFUSED, (run.status, run.message)
    assert outcome.problem_count >= 1
    assert saved == before
    for problem in outcome.problems:
        assert problem.message.strip(), problem
        assert SENTENCE.match(problem.message) or problem.code in ("unknown_column", "missing_column"), problem
        if problem.code != "file":
            assert problem.column, problem
            if problem.row is not None:
                assert problem.row >= 1 and problem.sheet_row >= 2, problem


# --- Values a careless or hostile file holds ---------------------------------------------------

# Invisible characters that are not white space (a vertical tab or form feed is, and the engine
# collapses it as it collapses spaces).
CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x08", "\x1b", "\x7f", "\u200b", "\u202e"])
huge = st.sampled_from([10**30, -(10**30), 2**31, 2**63, 10**15 + 1, "1e30", "9" * 40, "-0", "NaN", "inf"])
junk_text = st.one_of(
    st.text(min_size=1, max_size=30),
    st.builds(lambda a, c, b: a + c + b, st.text(max_size=5), CONTROL | st.sampled_from("\x0b\x0c\x1c\x85"),
              st.text(max_size=5)),
    st.sampled_from(FORMULAS),
    st.integers(min_value=301, max_value=5000).map(lambda n: "Nguyễn " * (n // 7 + 1)),
)
wrong_type = st.one_of(
    st.sampled_from(["abc", "12,5", "1.5", "--1", "2022-13-45", "31/02/2022", "2022/01/01", "yes", "∞", "٣"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
future = st.integers(min_value=1, max_value=3650).map(
    lambda days: (timezone.localdate() + dt.timedelta(days=days)).isoformat()
)
negative_money = st.integers(min_value=-(10**12), max_value=-1)
bad_value = st.one_of(huge, junk_text, wrong_type, future, negative_money, st.just(""), st.just(" "))


def columns_of(kind: str) -> list[str]:
    return [c.key for c in registry.kind_for(kind).columns]


# --- Properties ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_good_rows_of_every_kind_import(world, kind):
    """The baseline the properties below disturb: two good rows import, in both formats."""
    for fmt in ("csv", "xlsx"):
        run, outcome, _saved = run_file(world["user"], kind, *encode(kind, [good_row(kind, 1), good_row(kind, 2)], fmt))
        assert [p.line() for p in outcome.problems] == []
        assert run.status == RunStatus.IMPORTED and outcome.rows == 2


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
@settings(max_examples=10)  # per kind or form: the suite stays quick
def test_one_malformed_cell_among_good_rows_is_refused_or_sane(world, kind, data):
    """A good row, then a row with one cell replaced by anything a spreadsheet can hold, then a
    good row: either the file is refused whole with clear problems, or (the value happened to
    be acceptable) it imports and what was saved is sane."""
    column = data.draw(st.sampled_from(columns_of(kind)), label="column")
    value = data.draw(bad_value, label="value")
    fmt = data.draw(st.sampled_from(["csv", "xlsx"]), label="format")
    bad = good_row(kind, 2) | {column: value}
    before = case_counts()
    run, outcome, saved = run_file(world["user"], kind, *encode(kind, [good_row(kind, 1), bad, good_row(kind, 3)], fmt))
    if outcome.problem_count:
        assert_refused_clearly(run, outcome, saved=saved, before=before)
        assert all(p.row == 2 for p in outcome.problems if p.row is not None), outcome.problems
    else:
        assert run.status == RunStatus.IMPORTED, run.message
        assert outcome.rows == 3


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
@settings(max_examples=10)  # per kind or form: the suite stays quick
def test_a_surely_bad_cell_is_always_refused(world, kind, data):
    """Negative money, a future event date, a number no column can hold, a control character, a
    value of the wrong type in a typed column, a blank required cell: always refused."""
    kind_obj = registry.kind_for(kind)
    choices = []
    for c in kind_obj.columns:
        if c.type == registry.MONEY:
            choices.append((c.key, negative_money))
            choices.append((c.key, st.sampled_from([10**30, "9" * 40])))
        if c.type == registry.DATE and c.event_date:
            choices.append((c.key, future))
        if c.type in (registry.INT, registry.YEAR):
            choices.append((c.key, st.sampled_from([10**30, -(10**30), "9" * 40, 2**63])))
        if c.type in (registry.INT, registry.YEAR, registry.MONEY, registry.DATE, registry.MONTH):
            choices.append((c.key, st.sampled_from(["abc", "1.5", "2022-13-45", "∞"])))
        if c.type in (registry.TEXT, registry.CODE):
            choices.append((c.key, st.builds(lambda a, ch: a + ch, st.sampled_from(["An", ""]), CONTROL)
                            .filter(lambda s: s.strip("\u200b") != "")))
        if c.required:
            choices.append((c.key, st.just("")))
    column, strategy = data.draw(st.sampled_from(choices), label="column")
    value = data.draw(strategy, label="value")
    fmt = data.draw(st.sampled_from(["csv", "xlsx"]), label="format")
    before = case_counts()
    rows = [good_row(kind, 1), good_row(kind, 2) | {column: value}]
    run, outcome, saved = run_file(world["user"], kind, *encode(kind, rows, fmt))
    assert_refused_clearly(run, outcome, saved=saved, before=before)
    assert any(p.row == 2 and p.column for p in outcome.problems), outcome.problems


@pytest.mark.parametrize("kind", ["households", "members", "merit_beneficiaries", "insurance_cards"])
@given(formula=st.sampled_from(FORMULAS))
def test_a_name_that_a_spreadsheet_would_run_is_refused(world, kind, formula):
    """A person's name never starts with = + - @: such a cell is a formula that a spreadsheet
    would run when the list is exported, so the row is refused with a clear message."""
    name_column = {"households": "head_name", "members": "full_name", "merit_beneficiaries": "full_name",
                   "insurance_cards": "holder_name"}[kind]
    before = case_counts()
    run, outcome, saved = run_file(world["user"], kind, *encode(kind, [good_row(kind, 1) | {name_column: formula}], "csv"))
    assert_refused_clearly(run, outcome, saved=saved, before=before)
    assert [(p.row, p.column) for p in outcome.problems] == [(1, name_column)]


def test_a_lone_dash_reads_as_an_empty_cell(world):
    """Administrative spreadsheets write "none" as a dash: in an optional column it is an empty
    cell, not a formula to refuse; in a required one it is a missing value, said as such."""
    rows = [good_row("households", 1) | {"village": "-", "address": "–"}]
    with transaction.atomic():
        run = import_run_create(user=world["user"], kind="households", file_name="h.csv",
                                chunks=[encode("households", rows, "csv")[1]], dry_run=False)
        outcome = import_execute(run=run)
        assert outcome.ok, [p.line() for p in outcome.problems]
        household = Household.objects.get(code=rows[0]["household_code"])
        assert (household.village, household.address) == ("", "")
        transaction.set_rollback(True)
    before = case_counts()
    run, outcome, saved = run_file(world["user"], "households",
                                   *encode("households", [good_row("households", 2) | {"head_name": "-"}], "csv"))
    assert_refused_clearly(run, outcome, saved=saved, before=before)
    required = translation.gettext("A value is required.")  # in the language the engine ran in
    assert [(p.row, p.column, p.message) for p in outcome.problems] == [(1, "head_name", required)]


# --- Whole files ---------------------------------------------------------------------------------


def _not_a_zip() -> bytes:
    return b"PK\x03\x04" + b"\x00" * 40 + b"garbage"


def _wrong_sheet() -> bytes:
    """A workbook whose first sheet is a cover page and whose data sit on the second."""
    workbook = Workbook()
    workbook.active.append(["Danh sách hộ nghèo năm 2022"])
    data = workbook.create_sheet("data")
    for row in table("households", [good_row("households", 1)]):
        data.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_csv(**kwargs) -> bytes:
    return csv_bytes([table("households", [])[0]], **kwargs)


def _good_csv_text() -> str:
    return csv_bytes(table("households", [good_row("households", 1) | {"head_name": "Nguyễn Thị Ánh"}])).decode()


BROKEN_FILES = {
    "empty.csv": b"",
    "empty.xlsx": b"",
    "blank-lines.csv": b"\n\n\r\n",
    # Windows' Vietnamese code page writes tone marks as combining characters (NFD).
    "cp1258.csv": unicodedata.normalize("NFD", _good_csv_text() + "Đặng\n").encode("cp1258", errors="replace"),
    "latin-1.csv": _good_csv_text().encode("utf-8").decode("latin-1").encode("latin-1", errors="replace") + b"\xe9\n",
    "utf16.csv": _good_csv_text().encode("utf-16"),
    "truncated-utf8.csv": _good_csv_text().encode() + "Nguyễn".encode()[:-1],
    "not-a-zip.xlsx": _not_a_zip(),
    "text.xlsx": b"household_code,commune_code\nP-1,6385\n",
    "wrong-sheet.xlsx": _wrong_sheet(),
    "image.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
    "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
    "nul.csv": b"household_code,commune_code\x00\nP-1,6385\n",
    "quote.csv": b'household_code,commune_code,head_name,area_type\nP-1,6385,"Nguy\xe1\xbb\x85n,rural\n',
    "formula-header.csv": b'=HYPERLINK("http://x","y"),commune_code\n',
}


@pytest.mark.parametrize("name", sorted(BROKEN_FILES))
def test_a_broken_file_is_refused_with_a_clear_problem(world, name):
    before = case_counts()
    run, outcome, saved = run_file(world["user"], "households", name, BROKEN_FILES[name])
    assert_refused_clearly(run, outcome, saved=saved, before=before)


@pytest.mark.parametrize("data", [_header_csv(), _header_csv(bom=True), codecs.BOM_UTF8 * 2 + _header_csv()])
def test_a_header_alone_imports_nothing(world, data):
    """contract.md: a file of a header alone is a valid file of no rows (`imported 0`)."""
    before = case_counts()
    run, outcome, saved = run_file(world["user"], "households", "f.csv", data)
    assert (run.status, outcome.rows, outcome.problem_count) == (RunStatus.IMPORTED, 0, 0)
    assert saved == before


@given(data=st.binary(max_size=300), name=st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f"]))
@example(data=b"PK\x03\x04", name="f.csv")
@example(data=codecs.BOM_UTF8, name="f.csv")
def test_random_bytes_never_break_the_import(world, data, name):
    before = case_counts()
    run, outcome, saved = run_file(world["user"], "households", name, data)
    assert run.status in (RunStatus.REFUSED, RunStatus.IMPORTED), run.message
    if run.status == RunStatus.REFUSED:
        assert_refused_clearly(run, outcome, saved=saved, before=before)


@given(rows=st.lists(st.lists(st.one_of(st.none(), st.text(max_size=12), st.integers(), huge), max_size=9),
                     max_size=6))
def test_random_tables_under_the_right_header_never_break_the_import(world, rows):
    before = case_counts()
    header = columns_of("households")
    run, outcome, saved = run_file(world["user"], "households", "f.csv", csv_bytes([header, *rows]))
    assert run.status in (RunStatus.REFUSED, RunStatus.IMPORTED), run.message
    if run.status == RunStatus.REFUSED:
        assert_refused_clearly(run, outcome, saved=saved, before=before)


# --- Through the import page -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.csv", "cp1258.csv", "not-a-zip.xlsx", "truncated-utf8.csv", "nul.csv"])
def test_the_import_page_answers_a_broken_file_without_a_server_error(
    world, client, name, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["user"], backend="welfare.accounts.backends.RoleBackend")
    before = case_counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("import_start"),
            {"kind": "households", "file": SimpleUploadedFile(name, BROKEN_FILES[name])},
        )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        run = ImportRun.objects.latest("pk")
        assert run.status == RunStatus.REFUSED
        assert client.get(reverse("import_result", args=[run.pk])).status_code == 200
        assert client.get(reverse("import_errors", args=[run.pk])).status_code == 200
    assert case_counts() == before


def test_the_import_page_refuses_a_bad_row_among_good_ones_without_a_server_error(
    world, client, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["user"], backend="welfare.accounts.backends.RoleBackend")
    before = case_counts()
    rows = [good_row("loans", 1), good_row("loans", 2) | {"amount_vnd": 10**30, "borrower_name": "=1+1"}]
    name, data = encode("loans", rows, "xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import_start"), {"kind": "loans", "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    run = ImportRun.objects.latest("pk")
    assert run.status == RunStatus.REFUSED
    assert {(p[0], p[2]) for p in run.problems} >= {(2, "amount_vnd")}
    assert case_counts() == before
    assert client.get(reverse("import_result", args=[run.pk])).status_code == 200
