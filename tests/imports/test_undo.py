"""Undo: a whole import is undone by whoever made it or an admin; what it added is removed,
what it changed restored; refused when those records were changed since."""

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import HUU_LUNG, HouseholdFactory, PersonFactory, PovertyReviewFactory, admin, officer
from welfare.households.models import Household, Member, Person, PovertyReview
from welfare.imports.models import ImportRun, RunStatus
from welfare.imports.services import UndoRefused, import_undo

from .helpers import run_as, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HH = ["household_code", "commune_code", "head_name", "area_type", "village"]


def test_undo_removes_what_was_added_and_restores_what_was_changed(tmp_path):
    kept = HouseholdFactory(code="HL-1", village="Thôn Cũ", head_member=PersonFactory(full_name="Nguyễn Văn An"))
    user = officer(HUU_LUNG)
    path = write(tmp_path, "ho.xlsx", [HH, ["HL-1", HUU_LUNG, "Nguyễn Văn An", "urban", "Thôn Mới"],
                                       ["HL-2", HUU_LUNG, "Lê Thị Hoa", "rural", "Thôn Mới"]])
    assert run_as(user, "households", path) == (True, ["imported 2 households"])
    run = ImportRun.objects.get()
    assert (run.added, run.updated) == (1, 1)
    kept.refresh_from_db()
    assert (kept.village, kept.area_type, kept.version) == ("Thôn Mới", "urban", 2)

    import_undo(user=user, run=run)

    assert not Household.objects.filter(code="HL-2").exists()
    assert not Person.objects.filter(full_name="Lê Thị Hoa").exists()
    assert Member.objects.count() == 1
    kept.refresh_from_db()
    assert (kept.village, kept.area_type, kept.version) == ("Thôn Cũ", "rural", 3)
    run.refresh_from_db()
    assert run.status == RunStatus.UNDONE and run.undone_by == user
    # History keeps the import and its undo.
    history = list(kept.history.order_by("history_id"))
    assert [h.village for h in history[-3:]] == ["Thôn Cũ", "Thôn Mới", "Thôn Cũ"]
    assert history[-2].history_change_reason == f"import {run.pk}" and history[-2].history_user == user
    assert Household.history.filter(code="HL-2", history_type="-").exists()


def test_undo_is_refused_when_a_record_was_changed_since(tmp_path):
    user = officer(HUU_LUNG)
    HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An"))
    path = write(tmp_path, "ho.csv", [HH, ["HL-1", HUU_LUNG, "Nguyễn Văn An", "urban", "Thôn Mới"]])
    assert run_as(user, "households", path)[0]
    household = Household.objects.get(code="HL-1")
    household.village = "Sửa tay"
    household.version += 1
    household.save()
    with pytest.raises(UndoRefused, match="was changed or removed after the import"):
        import_undo(user=user, run=ImportRun.objects.get())
    household.refresh_from_db()
    assert household.village == "Sửa tay"
    assert ImportRun.objects.get().status == RunStatus.IMPORTED


def test_undo_is_refused_when_later_records_depend_on_what_it_added(tmp_path):
    user = officer(HUU_LUNG)
    path = write(tmp_path, "ho.csv", [HH, ["HL-2", HUU_LUNG, "Lê Thị Hoa", "rural", ""]])
    assert run_as(user, "households", path)[0]
    PovertyReviewFactory(household=Household.objects.get(code="HL-2"))
    with pytest.raises(UndoRefused, match="depends on"):
        import_undo(user=user, run=ImportRun.objects.get())
    assert Household.objects.filter(code="HL-2").exists() and PovertyReview.objects.count() == 1


def test_only_the_importer_or_an_admin_may_undo(tmp_path):
    user = officer(HUU_LUNG)
    path = write(tmp_path, "ho.csv", [HH, ["HL-2", HUU_LUNG, "Lê Thị Hoa", "rural", ""]])
    assert run_as(user, "households", path)[0]
    run = ImportRun.objects.get()
    with pytest.raises(PermissionDenied):
        import_undo(user=officer(HUU_LUNG), run=run)
    import_undo(user=admin(), run=run)
    assert not Household.objects.exists()


def test_undo_of_members_and_reviews_restores_people(tmp_path):
    HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An", ethnicity="Kinh"))
    user = officer(HUU_LUNG)
    members = write(tmp_path, "tv.csv", [
        ["household_code", "full_name", "relation", "ethnicity"],
        ["HL-1", "Nguyễn Văn An", "head", "Tày"],
        ["HL-1", "Nguyễn Thị Cúc", "child", "Tày"],
    ])
    assert run_as(user, "members", members)[0]
    reviews = write(tmp_path, "rv.csv", [["household_code", "review_year", "income_per_capita_vnd"],
                                         ["HL-1", 2025, 900_000]])
    assert run_as(user, "poverty_reviews", reviews)[0]
    review_run, member_run = ImportRun.objects.order_by("-pk")[:2]
    import_undo(user=user, run=review_run)
    assert not PovertyReview.objects.exists()
    import_undo(user=user, run=member_run)
    assert Household.objects.get(code="HL-1").head.ethnicity == "Kinh"
    assert not Person.objects.filter(full_name="Nguyễn Thị Cúc").exists()


def test_a_refused_or_dry_run_import_cannot_be_undone(tmp_path):
    user = officer(HUU_LUNG)
    path = write(tmp_path, "ho.csv", [HH, ["HL-2", HUU_LUNG, "Lê Thị Hoa", "rural", ""]])
    assert run_as(user, "households", path, dry_run=True)[0]
    with pytest.raises(UndoRefused):
        import_undo(user=user, run=ImportRun.objects.get())


def test_undo_restores_a_revised_review_and_a_card(tmp_path):
    from tests.factories import InsuranceCardFactory
    from welfare.households.models import InsuranceCard

    review = PovertyReviewFactory(household=HouseholdFactory(code="HL-1"), review_year=2025,
                                  status="proposed", recognised_on=None, decision_number="")
    InsuranceCardFactory(card_number="HN1", holder_name="Nguyễn Văn An", beneficiary_group="poor")
    user = officer(HUU_LUNG)
    reviews = write(tmp_path, "rv.csv", [["household_code", "review_year", "income_per_capita_vnd", "deprivations"],
                                         ["HL-1", 2025, 2_000_000, ""]])
    cards = write(tmp_path, "the.xlsx", [["card_number", "holder_name", "commune_code", "beneficiary_group", "issued_on"],
                                         ["HN1", "Nguyễn Văn Ân", HUU_LUNG, "near_poor", "2022-03-01"]])
    assert run_as(user, "poverty_reviews", reviews)[0] and run_as(user, "insurance_cards", cards)[0]
    review.refresh_from_db()
    assert (review.result, review.deprivation_count) == ("average", 0)
    card_run, review_run = ImportRun.objects.order_by("-pk")[:2]
    import_undo(user=user, run=card_run)
    import_undo(user=user, run=review_run)
    review.refresh_from_db()
    assert (review.result, review.income_per_capita_vnd, review.deprivations, review.deprivation_count) == (
        "poor", 1_200_000, [1, 4, 7], 3)
    card = InsuranceCard.objects.get(card_number="HN1")
    assert (card.holder_name, card.beneficiary_group, str(card.issued_on)) == ("Nguyễn Văn An", "poor", "2022-01-15")
