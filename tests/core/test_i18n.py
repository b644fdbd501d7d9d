import pytest
from django.utils import translation

from django.template import Context, Template

pytestmark = pytest.mark.django_db


def test_the_interface_is_vietnamese_by_default_with_an_english_switch(client):
    assert "Đăng nhập" in client.get("/accounts/login/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get("/accounts/login/").content.decode()
    assert "Log in" in html and 'lang="en"' in html
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Đăng nhập" in client.get("/accounts/login/").content.decode()


def test_vietnamese_date_and_decimal_formats():
    from datetime import date
    from decimal import Decimal

    from django.utils.formats import date_format, localize

    with translation.override("vi"):
        assert date_format(date(2022, 2, 28), "SHORT_DATE_FORMAT") == "28/02/2022"
        assert localize(Decimal("12.20")) == "12,20"
        html = Template("{% load vn %}{{ n|vn_int }} {{ r|vn_rate }}").render(Context({"n": 23510, "r": Decimal("12.2")}))
        assert html == "23.510 12,20%"
