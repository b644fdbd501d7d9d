"""The dossier board: receiving a dossier (due date from its kind's time limit), moving it
through its statuses, an invalid move refused with its message, the overdue list, scoping."""

import datetime as dt
import html

import pytest
from django.utils import timezone, translation

from beneficiaries.models import Dossier
from tests.factories import CHI_LANG, HUU_LUNG, DossierFactory, head, officer

pytestmark = pytest.mark.django_db


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_an_officer_receives_a_dossier_with_the_default_due_date(client, login):
    clerk = officer(HUU_LUNG)
    login(clerk)
    form = text_of(client.get("/beneficiaries/dossiers/new/"))
    assert "20" in form and 'data-limits="' in form
    received = timezone.localdate() - dt.timedelta(days=2)
    response = client.post(
        "/beneficiaries/dossiers/new/",
        {
            "code": "HS-2025-001",
            "commune": HUU_LUNG,
            "applicant_name": "  Hoàng   Văn Nông ",
            "kind": "recognition",
            "received_on": d(received),
            "due_on": "",
        },
    )
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/beneficiaries/dossiers/{dossier.pk}/"
    assert dossier.applicant_name == "Hoàng Văn Nông" and dossier.handled_by == clerk
    assert dossier.due_on == received + dt.timedelta(days=20)  # recognition: 20 days
    page = text_of(client.get(response["Location"]))
    assert d(dossier.due_on) in page and "Hoàng Văn Nông" in page


def test_a_dossier_moves_to_review_then_approval_with_its_decision(client, login):
    clerk = officer(HUU_LUNG)
    today = timezone.localdate()
    dossier = DossierFactory(received_on=today - dt.timedelta(days=10), due_on=today + dt.timedelta(days=10))
    login(clerk)
    page = text_of(client.get(f"/beneficiaries/dossiers/{dossier.pk}/"))
    assert 'value="in_review"' in page and 'value="approved"' not in page  # the allowed moves only

    response = client.post(
        f"/beneficiaries/dossiers/{dossier.pk}/move/",
        {"to": "in_review", "on": d(today - dt.timedelta(days=5)), "version": dossier.version},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "in_review"
    response = client.post(
        f"/beneficiaries/dossiers/{dossier.pk}/move/",
        {
            "to": "approved",
            "on": d(today - dt.timedelta(days=1)),
            "decision_number": "123/QĐ-UBND",
            "note": "Đủ điều kiện",
            "version": dossier.version,
        },
        follow=True,
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.decided_on, dossier.decision_number) == (
        "approved",
        today - dt.timedelta(days=1),
        "123/QĐ-UBND",
    )
    page = text_of(response)
    assert "123/QĐ-UBND" in page and d(today - dt.timedelta(days=1)) in page and "Đủ điều kiện" in page
    assert 'data-testid="move-form"' not in page  # finished: no next step


def test_an_invalid_move_is_refused_with_its_message(client, login):
    dossier = DossierFactory()
    login(officer(HUU_LUNG))
    response = client.post(
        f"/beneficiaries/dossiers/{dossier.pk}/move/",
        {"to": "approved", "on": d(timezone.localdate()), "decision_number": "9/QĐ", "version": dossier.version},
    )
    page = text_of(response)
    with translation.override("vi"):
        expected = translation.gettext("A dossier that is “%(current)s” cannot become “%(target)s”.") % {
            "current": str(dossier.get_status_display()).lower(),
            "target": translation.pgettext("dossier", "Approved").lower(),
        }
    assert expected in page and 'data-testid="move-errors"' in page
    dossier.refresh_from_db()
    assert dossier.status == "received"


def test_the_overdue_filter_lists_open_dossiers_past_their_due_date(client, login):
    today = timezone.localdate()
    late = DossierFactory(
        applicant_name="Lăng Văn Muộn", received_on=today - dt.timedelta(days=40), due_on=today - dt.timedelta(days=5)
    )
    decided = DossierFactory(
        applicant_name="Hà Thị Xong",
        status="approved",
        received_on=today - dt.timedelta(days=40),
        due_on=today - dt.timedelta(days=5),
        decided_on=today - dt.timedelta(days=2),
    )
    on_time = DossierFactory(applicant_name="Vi Văn Sớm", received_on=today, due_on=today + dt.timedelta(days=20))
    login(officer(HUU_LUNG))

    board = text_of(client.get("/beneficiaries/dossiers/"))
    assert late.applicant_name in board and on_time.applicant_name in board
    assert decided.applicant_name in board  # recently decided column
    assert board.count('data-testid="overdue"') == 1  # the late one only, in red

    page = text_of(client.get("/beneficiaries/dossiers/", {"overdue": "1"}))
    assert late.applicant_name in page
    assert decided.applicant_name not in page and on_time.applicant_name not in page
    assert 'class="table-danger"' in page


def test_search_is_accent_insensitive_and_filters_apply(client, login):
    DossierFactory(applicant_name="Nông Thị Đào", code="HS-A1", kind="allowance")
    DossierFactory(applicant_name="Lương Văn Bảo", code="HS-B2")
    login(officer(HUU_LUNG))
    page = text_of(client.get("/beneficiaries/dossiers/", {"q": "nong thi dao"}))
    assert "Nông Thị Đào" in page and "Lương Văn Bảo" not in page
    page = text_of(client.get("/beneficiaries/dossiers/", {"q": "HS-B2"}))
    assert "Lương Văn Bảo" in page and "Nông Thị Đào" not in page
    page = text_of(client.get("/beneficiaries/dossiers/", {"kind": "allowance"}))
    assert "Nông Thị Đào" in page and "Lương Văn Bảo" not in page


def test_an_officer_sees_only_their_communes_dossiers(client, login):
    own = DossierFactory(applicant_name="Hoàng Văn Hữu", commune_id=HUU_LUNG)
    other = DossierFactory(applicant_name="Lộc Văn Chi", commune_id=CHI_LANG)
    login(officer(HUU_LUNG))
    page = text_of(client.get("/beneficiaries/dossiers/"))
    assert own.applicant_name in page and other.applicant_name not in page
    for url in ("", "edit/"):
        assert client.get(f"/beneficiaries/dossiers/{other.pk}/{url}").status_code == 404
    response = client.post(
        f"/beneficiaries/dossiers/{other.pk}/move/", {"to": "in_review", "on": d(timezone.localdate()), "version": 1}
    )
    assert response.status_code == 404
    # Another commune cannot be chosen when receiving a dossier.
    response = client.post(
        "/beneficiaries/dossiers/new/",
        {"code": "HS-X", "commune": CHI_LANG, "applicant_name": "A", "kind": "other", "received_on": d(timezone.localdate())},
    )
    assert response.status_code == 200 and not Dossier.objects.filter(code="HS-X").exists()

    # A head reads the province's dossiers but does not handle them.
    login(head())
    page = text_of(client.get("/beneficiaries/dossiers/"))
    assert own.applicant_name in page and other.applicant_name in page
    page = text_of(client.get(f"/beneficiaries/dossiers/{other.pk}/"))
    assert 'data-testid="move-form"' not in page
    assert client.get("/beneficiaries/dossiers/new/").status_code == 403


def test_editing_a_dossier_keeps_its_code_and_refuses_a_stale_edit(client, login):
    dossier = DossierFactory(applicant_name="Tô Văn Cũ")
    login(officer(HUU_LUNG))
    form = text_of(client.get(f"/beneficiaries/dossiers/{dossier.pk}/edit/"))
    assert "Tô Văn Cũ" in form
    data = {
        "code": "CHANGED",
        "commune": HUU_LUNG,
        "applicant_name": "Tô Văn Mới",
        "kind": "recognition",
        "received_on": d(dossier.received_on),
        "due_on": "30/03/2022",
        "version": dossier.version,
    }
    response = client.post(f"/beneficiaries/dossiers/{dossier.pk}/edit/", data)
    assert response.status_code == 302
    code = dossier.code
    dossier.refresh_from_db()
    assert (dossier.code, dossier.applicant_name, dossier.due_on) == (code, "Tô Văn Mới", dt.date(2022, 3, 30))
    page = text_of(client.post(f"/beneficiaries/dossiers/{dossier.pk}/edit/", data))  # the old version
    assert vi(
        "This record was changed by someone else after you opened it. "
        "Look at their changes below, then save again to keep yours."
    ) in page
