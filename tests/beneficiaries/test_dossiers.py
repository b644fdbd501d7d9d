"""Dossiers (Decree 131/2021/NĐ-CP): received → in review → approved / rejected / returned."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beneficiaries.services import dossier_due_on, dossier_move, dossier_receive
from tests.factories import CHI_LANG, HUU_LUNG, DossierFactory, officer

pytestmark = pytest.mark.django_db


def move(dossier, to, on, **kwargs):
    return dossier_move(
        user=officer(HUU_LUNG), dossier=dossier, expected_version=dossier.version, to=to, on=on, **kwargs
    )


def test_received_in_review_approved_with_dates_and_officer():
    user = officer(HUU_LUNG)
    dossier = dossier_receive(
        user=user,
        values={"code": "HS-1", "commune_id": HUU_LUNG, "applicant_name": "Hoàng Thị Lan",
                "kind": "recognition", "received_on": dt.date(2022, 3, 1)},
    )
    assert (dossier.status, dossier.handled_by, dossier.due_on) == ("received", user, dt.date(2022, 3, 21))
    dossier = move(dossier, "in_review", dt.date(2022, 3, 5))
    dossier = move(dossier, "approved", dt.date(2022, 3, 15), decision_number="123/QĐ-UBND", note="Đủ điều kiện")
    assert (dossier.status, dossier.decided_on, dossier.decision_number) == (
        "approved", dt.date(2022, 3, 15), "123/QĐ-UBND",
    )
    assert "Đủ điều kiện" in dossier.note
    assert dossier.history.count() == 3


def test_returned_dossier_comes_back_into_review():
    dossier = DossierFactory()
    dossier = move(dossier, "returned", dt.date(2022, 3, 2))
    dossier = move(dossier, "in_review", dt.date(2022, 3, 10))
    dossier = move(dossier, "rejected", dt.date(2022, 3, 20))
    assert (dossier.status, dossier.decided_on) == ("rejected", dt.date(2022, 3, 20))


@pytest.mark.parametrize(
    "start, target",
    [("received", "approved"), ("received", "rejected"), ("approved", "in_review"), ("rejected", "returned"),
     ("returned", "approved")],
)
def test_an_invalid_transition_is_refused_with_a_message(start, target):
    dossier = DossierFactory(status=start, decided_on=dt.date(2022, 3, 5) if start in ("approved", "rejected") else None)
    with pytest.raises(ValidationError) as refused:
        move(dossier, target, dt.date(2022, 3, 10))
    assert "status" in refused.value.message_dict
    dossier.refresh_from_db()
    assert dossier.status == start


def test_dates_are_checked():
    dossier = DossierFactory()
    with pytest.raises(ValidationError):
        move(dossier, "in_review", timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        move(dossier, "in_review", dt.date(2022, 2, 1))  # before it was received


def test_an_officer_cannot_move_another_communes_dossier():
    dossier = DossierFactory(commune_id=CHI_LANG)
    with pytest.raises(PermissionDenied):
        move(dossier, "in_review", dt.date(2022, 3, 10))


def test_the_due_date_comes_from_the_time_limit_in_force():
    assert dossier_due_on(kind="allowance", received_on=dt.date(2022, 3, 1)) == dt.date(2022, 3, 13)


def test_overdue_means_open_and_past_its_due_date():
    day = dt.date(2022, 4, 1)
    assert DossierFactory(due_on=dt.date(2022, 3, 21)).overdue_on(day)
    assert not DossierFactory(due_on=dt.date(2022, 4, 2)).overdue_on(day)
    assert not DossierFactory(status="approved", decided_on=dt.date(2022, 3, 30)).overdue_on(day)
