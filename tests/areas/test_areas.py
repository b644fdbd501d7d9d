import pytest

from welfare.areas.models import Commune, Province

pytestmark = pytest.mark.django_db


def test_migrate_loads_every_province_and_commune():
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert Commune.objects.filter(province_id=20).count() == 65


def test_division_types_match_the_resolutions():
    assert Commune.objects.filter(division_type="xa").count() == 2621
    assert Commune.objects.filter(division_type="phuong").count() == 687
    assert Commune.objects.filter(division_type="dac_khu").count() == 13
    lang_son = Commune.objects.filter(province_id=20)
    assert lang_son.filter(division_type="xa").count() == 61
    assert lang_son.filter(division_type="phuong").count() == 4


def test_codes_are_official_without_leading_zeros_and_names_as_the_package_gives():
    assert Province.objects.get(code=20).name == "Tỉnh Lạng Sơn"
    assert Commune.objects.get(code=5977).name == "Phường Đông Kinh"
    # 4 is both a province (Cao Bằng) and a commune (Phường Ba Đình, Hà Nội): two tables.
    assert Province.objects.get(code=4).name == "Tỉnh Cao Bằng"
    assert Commune.objects.get(code=4).province.name == "Thành phố Hà Nội"


def test_folded_names_are_stored_for_accent_insensitive_search():
    assert Commune.objects.get(code=6385).name_folded == "xa huu lung"


def test_admin_search_finds_a_commune_typed_without_accents(client):
    from tests.factories import admin

    client.force_login(admin())
    response = client.get("/admin/areas/commune/", {"q": "huu lung"})
    assert response.status_code == 200
    assert "Xã Hữu Lũng" in response.content.decode()
    assert "Xã Chi Lăng" not in response.content.decode()
