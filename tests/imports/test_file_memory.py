"""What an import remembers of its file from chunk to chunk (the keys seen, the members changed,
the heads given) is kept in a table of its transaction, not in the process: the same problems,
naming the same rows, whether the file is one chunk or a chunk per row; and nothing is left for
the next import of the same connection."""

import datetime as dt

import pytest
from django.db import connection

from tests.factories import HUU_LUNG, HouseholdFactory, PersonFactory
from welfare.households.models import Household, Member
from welfare.imports.memory import TABLE, key_text
from welfare.reports.models import Plan

from .helpers import run_command, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HH = ["household_code", "commune_code", "head_name", "area_type"]
MEM = ["household_code", "full_name", "relation", "sex", "birth_date", "id_number"]
PLAN = ["province_code", "commune_code", "year", "indicator", "target"]


@pytest.fixture(params=[2000, 1])
def chunk(request, monkeypatch):
    from welfare.imports import engine

    monkeypatch.setattr(engine, "CHUNK_ROWS", request.param)
    return request.param


def _memory_tables() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename = %s", [TABLE])
        else:
            cursor.execute("SELECT count(*) FROM sqlite_temp_master WHERE name = %s", [TABLE])
        return cursor.fetchone()[0]


def test_keys_of_every_shape_name_the_first_row_in_any_chunk(tmp_path, chunk):
    HouseholdFactory(code="HL-1")
    # A tuple key with a blank part (the province's own plan) and one with a date, written two ways.
    plans = write(tmp_path, "kh.csv", [PLAN, [20, "", 2026, "new_jobs", 10],
                                       [20, HUU_LUNG, 2026, "new_jobs", 2],
                                       [20, "", 2026, "new_jobs", 12],
                                       [20, "", 2026, "new_jobs", 13]])
    assert run_command("plans", plans) == (1, [
        "row 3, column province_code: The same key as row 1: a record may appear only once in a file.",
        "row 4, column province_code: The same key as row 1: a record may appear only once in a file.",
    ])
    members = write(tmp_path, "tv.csv", [MEM, ["HL-1", "Lê Thị Hoa", "child", "female", "2010-01-02", ""],
                                         ["HL-1", "Lê Văn Tư", "child", "male", "2011-01-02", ""],
                                         ["HL-1", "LÊ THỊ HOA", "child", "female", "02/01/2010", ""]])
    assert run_command("members", members) == (1, [
        "row 3, column household_code: The same key as row 1: a record may appear only once in a file.",
    ])
    assert not Plan.objects.exists() and Member.objects.count() == 1


def test_an_invalid_first_row_still_holds_its_key(tmp_path, chunk):
    path = write(tmp_path, "ho.csv", [HH, ["HL-1", HUU_LUNG, "An", "seaside"],
                                      ["HL-1", HUU_LUNG, "An", "rural"]])
    status, lines = run_command("households", path)
    assert status == 1 and lines[1:] == [
        "row 2, column household_code: The same key as row 1: a record may appear only once in a file."
    ]


def test_two_rows_about_one_member_by_id_and_by_name(tmp_path, chunk):
    household = HouseholdFactory(code="HL-1")
    person = PersonFactory(full_name="Lê Thị Hoa", sex="female", birth_date=dt.date(1987, 5, 12),
                           id_number="020187000456")
    Member.objects.create(household=household, person=person, relation="spouse")
    path = write(tmp_path, "tv.csv", [
        MEM,
        ["HL-1", "Lê Thị Hoa", "spouse", "female", "1987-05-12", "020187000456"],
        ["HL-1", "Lê Thị Hoa", "spouse", "female", "1987-05-12", ""],
    ])
    assert run_command("members", path) == (
        1, ["row 2, column full_name: Another row of the file is about the same member."]
    )


def test_one_head_for_a_headless_household_across_chunks(tmp_path, chunk):
    household = HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An"))
    Member.objects.filter(household=household).delete()
    Household.objects.filter(pk=household.pk).update(head=None, head_name_folded="")
    path = write(tmp_path, "tv.csv", [MEM, ["HL-1", "Lê Thị Hoa", "head", "female", "", ""],
                                      ["HL-1", "Lê Văn Tư", "head", "male", "", ""]])
    # In a chunk of its own, the first row's head is saved before the second row is read.
    second = ("A household has exactly one head." if chunk > 1 else
              "The household's head is Lê Thị Hoa: the head is changed on the household's page.")
    assert run_command("members", path) == (1, [f"row 2, column relation: {second}"])


def test_the_next_import_of_the_connection_remembers_nothing(tmp_path, chunk):
    """The same file again, after a dry run, a refused import and a saved one, in the one
    transaction of the test: never "the same key as row 1"."""
    path = write(tmp_path, "ho.csv", [HH, ["HL-1", HUU_LUNG, "An", "rural"],
                                      ["HL-2", HUU_LUNG, "Ba", "rural"]])
    bad = write(tmp_path, "bad.csv", [HH, ["HL-1", HUU_LUNG, "An", "rural"],
                                      ["HL-1", HUU_LUNG, "An", "urban"]])
    assert run_command("households", path, "--dry-run") == (0, ["would import 2 households"])
    assert run_command("households", bad)[0] == 1
    assert run_command("households", path) == (0, ["imported 2 households"])
    assert run_command("households", path) == (0, ["imported 2 households"])
    assert Household.objects.count() == 2
    assert _memory_tables() == 0


def test_key_text_is_the_same_for_equal_keys():
    assert key_text("HL-1") == "HL-1"
    assert key_text((20, None, 2026, "new_jobs")) == key_text((20, None, 2026, "new_jobs"))
    assert key_text((20, None, 2026, "new_jobs")) != key_text((20, 1, 2026, "new_jobs"))
    assert key_text(("name", "HL-1", "le thi hoa", dt.date(2010, 1, 2))) == (
        '["name","HL-1","le thi hoa","2010-01-02"]'
    )


def test_the_process_keeps_nothing_per_row_of_the_file():
    """Python memory after the second chunk and after the last differ by far less than the rows
    in between would take (before: about 170 bytes a row, the keys and IDs kept in dicts)."""
    import gc
    import io
    import tracemalloc

    from tests.factories import admin
    from welfare.imports import engine, registry
    from welfare.imports.models import ImportRun, ImportSource

    from .helpers import csv_bytes

    header = ["card_number", "holder_name", "commune_code", "beneficiary_group", "issued_on",
              "holder_id_number"]
    rows = [[f"TC{i:08d}", f"Người {i}", HUU_LUNG, "poor", "2022-01-15",
             f"0201850{i:05d}" if i % 2 else ""] for i in range(2000)]
    data = io.BytesIO(csv_bytes([header, *rows]))
    traced = []

    def progress(done, total):
        gc.collect()  # what a chunk left in reference cycles is not the file's memory
        traced.append(tracemalloc.get_traced_memory()[0])

    run = ImportRun.objects.create(kind="insurance_cards", source=ImportSource.COMMAND, file_name="c.csv",
                                   user=admin())
    tracemalloc.start()
    try:
        outcome = engine.run_import(run=run, kind=registry.kind_for("insurance_cards"), stream=data,
                                    user=None, dry_run=True, progress=progress, chunk_rows=100)
    finally:
        tracemalloc.stop()
    assert outcome.ok and outcome.rows == 2000, [p.line() for p in outcome.problems[:3]]
    growth = traced[-2] - traced[1]  # the last call comes after the file's end
    assert growth < 1800 * 40, growth
