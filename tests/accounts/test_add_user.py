import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from welfare.accounts.models import User

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


def test_an_officer_with_two_communes_and_a_generated_password(client):
    out = run("lan", "--role", "officer", "--commune", "6385", "--commune", "6463")
    user = User.objects.get(username="lan")
    assert user.role == "officer" and not user.is_staff
    assert sorted(user.communes.values_list("code", flat=True)) == [6385, 6463]
    password = re.search(r"password: (\S+)", out).group(1)
    response = client.post("/accounts/login/", {"username": "lan", "password": password})
    assert response.status_code == 302


def test_a_head_and_an_admin():
    run("hung", "--role", "head", "--province", "20", "--password", "lanh-dao-2026-ls")
    head = User.objects.get(username="hung")
    assert head.province_id == 20 and head.check_password("lanh-dao-2026-ls")
    run("root2", "--role", "admin", "--password", "quan-tri-2026-x")
    admin = User.objects.get(username="root2")
    assert admin.is_superuser and admin.is_staff


def test_updating_keeps_the_password_and_changes_the_areas():
    run("lan", "--role", "officer", "--commune", "6385", "--password", "mat-khau-dai-1")
    out = run("lan", "--role", "officer", "--commune", "6463")
    user = User.objects.get(username="lan")
    assert "password" not in out
    assert user.check_password("mat-khau-dai-1")
    assert list(user.communes.values_list("code", flat=True)) == [6463]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "officer"], "phải được giao ít nhất một xã"),
        (["--role", "officer", "--commune", "999999"], "Không có xã nào mang mã 999999"),
        (["--role", "head"], "Lãnh đạo Sở phải được giao một tỉnh"),
        (["--role", "head", "--province", "20", "--commune", "6385"], "Chỉ cán bộ cấp xã"),
        (["--role", "officer", "--commune", "6385", "--password", "123"], "Mật khẩu quá ngắn"),
    ],
)
def test_bad_input_is_refused_and_saves_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        run("x", *args)
    assert not User.objects.filter(username="x").exists()
