import pytest
from django.http import Http404

from tests.factories import CHI_LANG, HA_NOI_COMMUNE, HUU_LUNG, UserFactory, admin, head, officer
from tests.scoped.models import Dossier, Visit
from welfare.accounts.scoping import get_scoped_or_404, scope, user_communes

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers():
    return {
        "huu_lung": Dossier.objects.create(commune_id=HUU_LUNG, title="Hồ sơ Hữu Lũng"),
        "chi_lang": Dossier.objects.create(commune_id=CHI_LANG, title="Hồ sơ Chi Lăng"),
        "ha_noi": Dossier.objects.create(commune_id=HA_NOI_COMMUNE, title="Hồ sơ Ba Đình"),
    }


def test_an_officer_gets_404_for_another_communes_record(login, dossiers):
    client = login(officer(HUU_LUNG))
    assert client.get(f"/test/dossiers/{dossiers['huu_lung'].pk}/").content.decode() == "Hồ sơ Hữu Lũng"
    assert client.get(f"/test/dossiers/{dossiers['chi_lang'].pk}/").status_code == 404
    # The same answer as for a record that does not exist at all.
    assert client.get("/test/dossiers/999999/").status_code == 404


def test_a_head_sees_the_whole_province_and_nothing_outside_it(login, dossiers):
    client = login(head(20))
    assert client.get(f"/test/dossiers/{dossiers['chi_lang'].pk}/").status_code == 200
    assert client.get(f"/test/dossiers/{dossiers['huu_lung'].pk}/").status_code == 200
    assert client.get(f"/test/dossiers/{dossiers['ha_noi'].pk}/").status_code == 404


def test_an_admin_sees_everything(dossiers):
    assert scope(Dossier.objects.all(), admin()).count() == 3


def test_an_officer_with_two_communes_sees_both(dossiers):
    user = officer(HUU_LUNG, CHI_LANG)
    titles = set(scope(Dossier.objects.all(), user).values_list("title", flat=True))
    assert titles == {"Hồ sơ Hữu Lũng", "Hồ sơ Chi Lăng"}


def test_records_reached_through_another_record_are_scoped_too(dossiers):
    Visit.objects.create(dossier=dossiers["huu_lung"], note="a")
    Visit.objects.create(dossier=dossiers["chi_lang"], note="b")
    assert list(scope(Visit.objects.all(), officer(CHI_LANG)).values_list("note", flat=True)) == ["b"]


def test_a_user_without_areas_or_deactivated_sees_nothing(dossiers):
    nobody = UserFactory(role="officer")
    assert scope(Dossier.objects.all(), nobody).count() == 0
    gone = officer(HUU_LUNG, is_active=False)
    assert scope(Dossier.objects.all(), gone).count() == 0
    with pytest.raises(Http404):
        get_scoped_or_404(Dossier, gone, pk=dossiers["huu_lung"].pk)


def test_object_permission_checks_the_area(dossiers):
    user = officer(HUU_LUNG)
    assert user.has_perm("welfare.edit_cases", dossiers["huu_lung"])
    assert not user.has_perm("welfare.edit_cases", dossiers["chi_lang"])
    # An unsaved record is judged by the commune it is about to get.
    assert not user.has_perm("welfare.edit_cases", Dossier(commune_id=CHI_LANG, title="x"))
    assert user.has_perm("welfare.edit_cases", Dossier(commune_id=HUU_LUNG, title="x"))
    # Heads read but do not write case records.
    assert not head(20).has_perm("welfare.edit_cases", dossiers["huu_lung"])


def test_user_communes():
    assert list(user_communes(officer(HUU_LUNG)).values_list("code", flat=True)) == [HUU_LUNG]
    assert user_communes(head(20)).count() == 65
    assert user_communes(admin()).count() == 3321


def test_the_admin_is_scoped_for_staff_who_are_not_superusers(client, dossiers):
    from django.contrib import admin as django_admin

    from welfare.accounts.scoping import AreaScopedAdminMixin

    class DossierAdmin(AreaScopedAdminMixin, django_admin.ModelAdmin):
        pass

    staff_head = head(20, is_staff=True)
    request = type("R", (), {"user": staff_head})()
    qs = DossierAdmin(Dossier, django_admin.site).get_queryset(request)
    assert set(qs.values_list("commune_id", flat=True)) == {HUU_LUNG, CHI_LANG}
