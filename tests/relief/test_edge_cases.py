"""Edge cases of the relief app that once went wrong: undoing an import into a round closed
since, communes of another province in a round, fractional rations on the entry page, figures
too large for their columns, the province of a new gift round, the default cost of typed rice,
counts and history in the admin."""

import datetime as dt
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from relief import services
from relief.models import Distribution, Gift, GiftRound
from tests.factories import (
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    DistributionFactory,
    GiftRoundFactory,
    HouseholdFactory,
    ReliefRoundFactory,
    admin,
    head,
    officer,
)
from tests.imports.helpers import run_as, run_command, write
from welfare.imports.models import ImportRun
from welfare.imports.services import UndoRefused, import_undo

pytestmark = pytest.mark.django_db

DIS = ["round_code", "commune_code", "cause", "persons_covered", "distributed_on", "household_code",
       "recipient_name", "rice_kg", "cost_vnd"]


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


# 1. A closed round locks its distributions everywhere, undo included.


def test_undo_of_an_import_is_refused_once_its_round_is_closed(tmp_path):
    round = ReliefRoundFactory(code="CD-2022")
    HouseholdFactory(code="HL-1")
    changed = DistributionFactory(round=round, household=HouseholdFactory(code="HL-2"), persons_covered=4)
    path = write(tmp_path, "cd.csv", [
        DIS,
        ["CD-2022", HUU_LUNG, "hunger", 3, "2022-02-10", "HL-1", "", "", ""],
        ["CD-2022", HUU_LUNG, "hunger", 6, "2022-02-10", "HL-2", "", "", ""],
    ])
    user = head(LANG_SON)
    assert run_as(user, "relief_distributions", path)[0]
    round.refresh_from_db()
    services.relief_round_close(user=user, round=round, expected_version=round.version)

    with pytest.raises(UndoRefused):
        import_undo(user=user, run=ImportRun.objects.get())
    # The closed round's distributions are as they were when it was closed.
    changed.refresh_from_db()
    assert changed.persons_covered == 6
    assert round.distributions.count() == 2


# 2. A round covers one province: its rows come from the communes of that province only.


def test_a_distribution_of_a_commune_of_another_province_is_refused():
    round = ReliefRoundFactory(code="CD-2022")  # Lạng Sơn
    with pytest.raises(ValidationError):
        services.distributions_add(user=admin(), round=round, entries=[
            services.Entry(commune_id=HA_NOI_COMMUNE, recipient_name="Người Hà Nội", persons_covered=1,
                           distributed_on=dt.date(2022, 2, 10)),
        ])
    assert not Distribution.objects.exists()


def test_a_gift_of_a_commune_of_another_province_is_refused():
    round = GiftRoundFactory(code="QT-2022")  # Lạng Sơn
    with pytest.raises(ValidationError):
        services.gifts_add(user=admin(), round=round, entries=[{
            "commune_id": HA_NOI_COMMUNE, "recipient_group": "elderly", "funding_source": "province",
            "recipient_name": "Người Hà Nội", "value_vnd": 500_000, "given_on": dt.date(2022, 1, 20),
        }])
    assert not Gift.objects.exists()


# 3. The entry list's rice placeholders: the ration is read by round.js with parseFloat.


def test_the_entry_list_gives_round_js_a_ration_it_can_read(client, login):
    round = ReliefRoundFactory(ration_kg="12.5")
    HouseholdFactory(commune_id=HUU_LUNG)
    login(officer(HUU_LUNG))
    with translation.override("vi"):
        response = client.get(f"/relief/rounds/{round.pk}/", HTTP_ACCEPT_LANGUAGE="vi")
    page = html.unescape(response.content.decode())
    ration = re.search(r'data-ration="([^"]*)"', page).group(1)
    # round.js does parseFloat(ration): "12,50" would be read as 12 kg, so the placeholder of a
    # 4-person row says 48 kg while 50 kg are saved.
    assert float(ration) == 12.5


# 4. Plausible slips of the entry list on PostgreSQL (the columns are 32-bit and 16-bit there).


def test_a_rice_figure_too_large_is_refused_on_the_row_not_a_server_error(client, login):
    round = ReliefRoundFactory()
    h = HouseholdFactory(commune_id=HUU_LUNG)
    login(officer(HUU_LUNG))
    data = {"action": "batch", "commune": str(HUU_LUNG), "distributed_on": "10/02/2022", "q": "",
            f"h{h.pk}-pick": "on", f"h{h.pk}-persons_covered": "4",
            # the cost typed into the rice cell by mistake
            f"h{h.pk}-rice_kg": "3000000000", f"h{h.pk}-cost_vnd": ""}
    response = client.post(f"/relief/rounds/{round.pk}/", data)
    assert response.status_code == 200
    assert not Distribution.objects.exists()


def test_an_import_row_out_of_range_is_named_by_its_row_and_column(tmp_path):
    ReliefRoundFactory(code="CD-2022")
    HouseholdFactory(code="HL-1")
    HouseholdFactory(code="HL-2")
    path = write(tmp_path, "cd.csv", [
        DIS,
        ["CD-2022", HUU_LUNG, "hunger", 4, "2022-02-10", "HL-1", "", "", ""],
        # the cost typed into the persons column by mistake
        ["CD-2022", HUU_LUNG, "hunger", 1440000, "2022-02-10", "HL-2", "", "", ""],
    ])
    status, lines = run_command("relief_distributions", path)
    assert status == 1
    assert len(lines) == 1 and lines[0].startswith("row 2, column persons_covered: "), lines
    assert not Distribution.objects.exists()


# 5. An administrator opens a gift round in the province chosen, as for relief rounds.


def test_an_administrator_opens_a_gift_round_in_the_province_chosen(client, login):
    login(admin())
    response = client.post("/relief/gifts/new/", {"province": str(LANG_SON), "code": "QT-2026",
                                                  "name": "Quà Tết 2026", "given_from": "", "given_to": ""})
    assert response.status_code == 302
    assert GiftRound.objects.get(code="QT-2026").province_id == LANG_SON


# 6. The named entry says "Cost – empty: rice × value per kg": the cost follows the rice given.


def test_a_blank_cost_is_the_rice_given_times_the_value_per_kg(client, login):
    round = ReliefRoundFactory(ration_kg=15, months=1, rice_value_vnd=12_000)
    login(officer(HUU_LUNG))
    response = client.post(f"/relief/rounds/{round.pk}/", {
        "action": "named", "commune": str(HUU_LUNG), "named-recipient_name": "Lò Văn Sáu",
        "named-persons_covered": "1", "named-rice_kg": "50", "named-distributed_on": "10/02/2022",
    })
    assert response.status_code == 302
    d = Distribution.objects.get(round=round)
    assert (d.rice_kg, d.cost_vnd) == (50, 600_000)  # not 15 kg × 12.000 = 180.000


# 7. Officers read the figures of their own communes only, in the admin too.


def test_a_staff_officer_sees_the_counts_of_their_communes_only_in_the_admin(login):
    from django.contrib.auth.models import Permission

    from tests.factories import CHI_LANG, GiftFactory

    round = ReliefRoundFactory(code="CD-2022")
    DistributionFactory(round=round, commune_id=HUU_LUNG)
    DistributionFactory(round=round, commune_id=CHI_LANG)
    DistributionFactory(round=round, commune_id=CHI_LANG)
    gift_round = GiftRoundFactory(code="QT-2022")
    GiftFactory(round=gift_round, commune_id=HUU_LUNG)
    GiftFactory(round=gift_round, commune_id=CHI_LANG)
    GiftFactory(round=gift_round, commune_id=CHI_LANG)
    user = officer(HUU_LUNG, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="relief", codename__in=["view_reliefround", "view_giftround"]
    ))
    client = login(user)
    rounds = client.get("/admin/relief/reliefround/").content.decode()
    gift_rounds = client.get("/admin/relief/giftround/").content.decode()
    counts = (
        re.search(r'class="field-distributions_count">(\d+)<', rounds).group(1),
        re.search(r'class="field-gifts_count">(\d+)<', gift_rounds).group(1),
    )
    # Hữu Lũng's one distribution and one gift, not Chi Lăng's as well.
    assert counts == ("1", "1")


def test_a_staff_officer_cannot_read_another_communes_distribution_through_its_admin_history(login):
    from django.contrib.auth.models import Permission

    from tests.factories import CHI_LANG

    theirs = DistributionFactory(round=ReliefRoundFactory(code="CD-2022"), commune_id=CHI_LANG,
                                 household=None, recipient_name="Vi Văn Chi Lăng")
    user = officer(HUU_LUNG, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="relief", codename__in=["view_distribution"]
    ))
    client = login(user)
    # The change page answers 404, as for a missing record …
    assert client.get(f"/admin/relief/distribution/{theirs.pk}/change/").status_code in (302, 404)
    # … and so must its history and its historical versions.
    history_id = theirs.history.get().history_id
    for url in (f"/admin/relief/distribution/{theirs.pk}/history/",
                f"/admin/relief/distribution/{theirs.pk}/history/{history_id}/"):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "Vi Văn Chi Lăng" not in response.content.decode()


def test_a_round_with_distributions_keeps_its_cause():
    from django.core.exceptions import ValidationError

    from tests.factories import DistributionFactory, head

    distribution = DistributionFactory()
    round = distribution.round
    with pytest.raises(ValidationError):
        services.relief_round_save(user=head(), province=round.province, values={"cause": "disaster"},
                                   round=round, expected_version=round.version)
    round.refresh_from_db()
    assert round.cause == "hunger"
