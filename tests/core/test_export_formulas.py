"""Exports neutralise spreadsheet formulas (issue 8, item 5; OWASP "CSV injection"): a person or
recipient recorded with a name such as `=HYPERLINK("http://x","y")` comes out of every XLSX the
project writes as text, never as a formula that Excel or LibreOffice would run when the file is
opened. One writer does it for all (`welfare.core.xlsx.cell_safe`)."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import load_workbook

from beneficiaries import services as beneficiary_services
from beneficiaries.models import PaymentRun
from tests.factories import (
    HUU_LUNG,
    LANG_SON,
    BeneficiaryFactory,
    BorderPassFactory,
    CovidSupportFactory,
    DistributionFactory,
    GiftFactory,
    HouseholdFactory,
    InsuranceCardFactory,
    LoanFactory,
    PersonFactory,
    PlacementFactory,
    head,
)
from welfare.areas.models import Commune
from welfare.core.xlsx import cell_safe, xlsx_bytes

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
HOSTILE = [FORMULA, "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd", "\t=1+1", "\r=1+1",
           "An\x01\x07"]


def cells(content: bytes) -> list:
    workbook = load_workbook(BytesIO(content))  # not read-only: data_type is the cell's own
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content: bytes) -> list:
    found = cells(content)
    formulas = [(c.coordinate, c.value) for c in found if c.data_type == "f"]
    assert formulas == []
    return [c.value for c in found]


@pytest.fixture
def world():
    user = head(LANG_SON)
    person = PersonFactory(full_name=FORMULA)
    household = HouseholdFactory(code="HL-F", head_member=person, village="@SUM(1+1)*cmd")
    InsuranceCardFactory(holder_name=FORMULA, household=household)
    distribution = DistributionFactory(household=household, recipient_name=FORMULA)
    gift = GiftFactory(recipient_name=FORMULA)
    CovidSupportFactory(recipient_name=FORMULA, policy="+cmd|' /C calc'!A0")
    LoanFactory(borrower_name=FORMULA, purpose="-2+3+cmd|' /C calc'!A0")
    PlacementFactory(worker_name=FORMULA, employer="=1+1")
    BorderPassFactory(holder_name=FORMULA)
    BeneficiaryFactory(code="NCC-F", person=PersonFactory(full_name=FORMULA, birth_date=dt.date(1950, 5, 6)))
    place = Commune.objects.select_related("province").get(code=HUU_LUNG)
    run = PaymentRun.objects.create(
        programme="merit", province=place.province, commune=place, month=dt.date(2024, 7, 1)
    )
    run = beneficiary_services.payment_run_build(run_id=run.pk, user=user)
    assert run.payments_count == 1
    return {"user": user, "round": distribution.round, "gift_round": gift.round, "run": run}


def test_every_export_writes_a_formula_like_name_as_text(client, world):
    client.force_login(world["user"], backend="welfare.accounts.backends.RoleBackend")
    urls = [
        reverse("household_export"),
        reverse("card_export"),
        reverse("relief_round_export", args=[world["round"].pk]),
        reverse("gift_round_export", args=[world["gift_round"].pk]),
        reverse("covid_support_export"),
        reverse("loan_export"),
        reverse("placement_export"),
        reverse("border_pass_export"),
        reverse("payment_run_export", args=[world["run"].pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        values = assert_no_formula(response.content)
        # The name is there, as typed, behind the apostrophe that keeps it text.
        assert "'" + FORMULA in values, url


def test_the_import_error_report_and_templates_hold_no_formula(client, world, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from welfare.imports import registry
    from welfare.imports.models import ImportRun

    client.force_login(world["user"], backend="welfare.accounts.backends.RoleBackend")
    data = (
        "household_code,commune_code,head_name,area_type,=HYPERLINK(\"http://x\",\"y\")\n"
        f"HL-9,{HUU_LUNG},{FORMULA.replace(chr(34), '')},rural,\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_start"), {"kind": "households", "file": SimpleUploadedFile("f.csv", data)})
    run = ImportRun.objects.latest("pk")
    assert run.problem_count >= 1
    assert_no_formula(client.get(reverse("import_errors", args=[run.pk])).content)
    for kind in registry.kinds_for(world["user"]):
        assert_no_formula(client.get(reverse("import_template", args=[kind.key])).content)


def test_the_report_xlsx_holds_no_formula(client, world):
    from welfare.reports.periods import Period, ReportArea
    from welfare.reports.snapshots import snapshot_build

    snapshot = snapshot_build(area=ReportArea.of("province", LANG_SON), period=Period(2022, 1))
    client.force_login(world["user"], backend="welfare.accounts.backends.RoleBackend")
    response = client.get(reverse("report_download", args=[snapshot.pk, "xlsx"]))
    assert response.status_code == 200
    assert_no_formula(response.content)


@given(text=st.text(max_size=40))
@example(text=FORMULA)
@example(text="=")
@example(text="\x00=1")
def test_any_text_written_by_the_shared_writer_stays_text(text):
    """Whatever text a record holds, the writer neither fails nor writes a formula, and text that
    does not look like a formula is written exactly as it is."""
    written = [text, *HOSTILE]
    values = assert_no_formula(xlsx_bytes("t", ["name"], [[value] for value in written]))[1:]
    for value, read in zip(written, values, strict=True):
        assert read == (cell_safe(value) or None)
        if value and value[0] not in "=+-@\t\r" and value.isprintable():
            assert read == value
