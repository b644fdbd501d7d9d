"""On PostgreSQL the engine writes new records and their history rows with COPY (issue 9,
`welfare.imports.copying`): the records, the history rows (user, change reason, date, type "+")
and the undo log must be exactly those of the ORM's bulk INSERT, field by field."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tests.factories import HUU_LUNG, HouseholdFactory, PersonFactory, officer
from welfare.households.models import Household, InsuranceCard, Member, Person
from welfare.imports import copying, engine
from welfare.imports.models import ImportChange, ImportRun

from .helpers import run_as, write

pytestmark = pytest.mark.django_db

MODELS = (Person, Household, Member, InsuranceCard)
# Keys to records: mapped to ("old", pk) for rows made before the import, else ("new", n).
REFERENCES = {"id": None, "person_id": Person, "household_id": Household, "head_id": Person}
FROZEN = dt.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC)


class _Rollback(Exception):
    pass


def _files(tmp_path):
    known = PersonFactory(full_name="Hoàng Văn Biết", id_number="020090000777", sex="male",
                          birth_date=dt.date(1990, 5, 5))
    HouseholdFactory(code="HL-OLD", village="Thôn Cũ")
    households = write(tmp_path, "ho.csv", [
        ["household_code", "commune_code", "head_name", "area_type", "village", "address", "head_id_number"],
        ["CP-1", HUU_LUNG, "Nguyễn Văn An", "rural", "Thôn 1", "Số 1", "020090000101"],
        ["CP-2", HUU_LUNG, "Trần Thị Bình", "urban", "", "", ""],
        ["CP-3", HUU_LUNG, known.full_name, "rural", "Thôn 3", "", known.id_number],  # a known person
        ["HL-OLD", HUU_LUNG, Household.objects.get(code="HL-OLD").head.full_name, "rural", "Thôn Mới", "", ""],
    ])
    members = write(tmp_path, "tv.csv", [
        ["household_code", "full_name", "relation", "sex", "birth_date", "id_number", "ethnicity"],
        ["CP-1", "Nguyễn Thị Cúc", "spouse", "female", "1992-02-03", "020192000102", "Tày"],
        ["CP-2", "Trần Văn Dũng", "child", "male", "2010-01-01", "", ""],
    ])
    cards = write(tmp_path, "the.csv", [
        ["card_number", "holder_name", "commune_code", "beneficiary_group", "issued_on", "valid_from",
         "valid_to", "holder_id_number", "household_code"],
        ["GD4202000001", "Nguyễn Văn An", HUU_LUNG, "poor", "2025-01-02", "2025-01-02", "2025-12-31", "", "CP-1"],
        ["GD4202000002", "Lý Thị Em", HUU_LUNG, "near_poor", "2025-01-02", "", "", "020195000103", ""],
        ["GD4202000003", "Vi Văn Giang", HUU_LUNG, "other", "2025-02-03", "", "", "", ""],
    ])
    return [("households", households), ("members", members), ("insurance_cards", cards)]


def _snapshot(before: dict, user) -> dict:
    """Every record and history row of the four models, keys made comparable across runs."""
    runs = {run.history_reason: f"run {n}" for n, run in enumerate(ImportRun.objects.order_by("pk"))}
    numbering: dict = {}

    def ref(model, pk):
        if pk is None or pk <= before[model]:
            return ("old", pk)
        return numbering.setdefault((model, pk), ("new", sum(1 for m, _p in numbering if m is model)))

    tables = {}
    for model in MODELS:
        rows = []
        for values in model.objects.order_by("pk").values():
            rows.append({k: (ref(REFERENCES[k] or model, v) if k in REFERENCES else v) for k, v in values.items()})
        tables[model.__name__] = rows
        history = []
        for values in model.history.model.objects.order_by("history_id").values():
            values.pop("history_id")
            values["history_change_reason"] = runs.get(values["history_change_reason"],
                                                        values["history_change_reason"])
            assert values["history_user_id"] in (None, user.pk)
            history.append({k: (ref(REFERENCES[k] or model, v) if k in REFERENCES else v)
                            for k, v in values.items()})
        tables[f"history of {model.__name__}"] = history
    labels = {m._meta.label: m for m in MODELS}
    tables["undo log"] = [
        (change.model, change.action,
         [[ref(labels[change.model], entry[0]), *entry[1:]] for entry in change.entries])
        for change in ImportChange.objects.order_by("pk")
    ]
    return tables


def _import_all(files, user, before, *, use_copy: bool, monkeypatch) -> dict:
    monkeypatch.setattr(engine, "USE_COPY", use_copy)
    snapshot = {}
    try:
        with transaction.atomic():
            for kind, path in files:
                ok, lines = run_as(user, kind, path)
                assert ok, lines
            snapshot = _snapshot(before, user)
            raise _Rollback
    except _Rollback:
        pass
    return snapshot


def test_the_copy_path_writes_the_same_records_history_and_undo_log_as_the_orm(
    tmp_path, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; elsewhere the engine takes the ORM path")
    # The same clock for both runs: created_at, updated_at and history_date compare equal.
    monkeypatch.setattr(timezone, "now", lambda: FROZEN)
    files = _files(tmp_path)
    user = officer(HUU_LUNG)
    before = {model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
              for model in MODELS}
    calls = []
    real = copying.copy_create_with_history
    monkeypatch.setattr(engine, "copy_create_with_history",
                        lambda objs, model, **kw: calls.append(model) or real(objs, model, **kw))

    through_orm = _import_all(files, user, before, use_copy=False, monkeypatch=monkeypatch)
    assert calls == []
    through_copy = _import_all(files, user, before, use_copy=True, monkeypatch=monkeypatch)
    assert set(calls) == set(MODELS)  # every new record of the files went through COPY

    assert sum(len(rows) for rows in through_orm.values()) > 30
    for table, rows in through_orm.items():
        assert through_copy[table] == rows, table
    added = [row for row in through_copy["history of Person"] if row["id"][0] == "new"]
    assert len(added) == 5  # two heads, the spouse, the child, the card holder with an ID
    assert all(row["history_type"] == "+" and row["history_user_id"] == user.pk
               and row["history_change_reason"].startswith("run ") and row["history_date"] == FROZEN
               for row in added)


def test_the_copy_path_gives_keys_to_records_and_refers_to_them(tmp_path):
    if connection.vendor != "postgresql":
        assert copying.copy_create_with_history([Person(full_name="A", commune_id=HUU_LUNG)], Person) is None
        return
    person = Person(full_name="Hà Văn Khải", name_folded="ha van khai", commune_id=HUU_LUNG)
    copying.copy_create_with_history([person], Person, default_change_reason="test")
    household = Household(code="CP-K", commune_id=HUU_LUNG, area_type="rural", head=person)
    member = Member(household=household, person=person, relation="head")
    copying.copy_create_with_history([household], Household)
    copying.copy_create_with_history([member], Member)  # the household's key, given since
    assert person.pk and not person._state.adding
    assert Member.objects.get(pk=member.pk).household.head == person
    assert person.history.get().history_change_reason == "test"
