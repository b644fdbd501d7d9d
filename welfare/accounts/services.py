"""Writes on users: one service behind `add_user`, the admin and the demo data."""

import secrets
import string
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from welfare.areas.models import Commune, Province

from .models import User
from .permissions import Role

_ALPHABET = string.ascii_letters + string.digits


def password_generate(length: int = 14) -> str:
    """A random password that passes the validators (letters and digits, never all digits)."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def role_areas_check(*, role: str, province: Province | None, communes) -> None:
    """A role comes with its areas: an officer one or more communes, a head one province,
    an admin none (design.md, "Roles"). Raises ValidationError keyed by field."""
    errors = {}
    if role == Role.OFFICER and not communes:
        errors["communes"] = _("A commune officer needs at least one commune.")
    if role != Role.OFFICER and communes:
        errors["communes"] = _("Only a commune officer is given communes.")
    if role == Role.HEAD and province is None:
        errors["province"] = _("A department head needs a province.")
    if role != Role.HEAD and province is not None:
        errors["province"] = _("Only a department head is given a province.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_save(
    *,
    username: str,
    role: str,
    commune_codes: Iterable[int] = (),
    province_code: int | None = None,
    password: str | None = None,
    full_name: str | None = None,
) -> User:
    """Create or update a user with a role and its areas (contract.md, "Users").

    An officer works in the communes given (at least one), a head in the province given, an
    admin everywhere (staff and superuser, for the Django admin). Raises ValidationError with
    a message for the person at the keyboard when the role and the areas disagree.
    """
    if role not in Role.values:
        raise ValidationError(_("Unknown role: %(role)s.") % {"role": role})
    commune_codes = sorted(set(int(c) for c in commune_codes))
    communes = list(Commune.objects.filter(code__in=commune_codes))
    missing = sorted(set(commune_codes) - {c.code for c in communes})
    if missing:
        raise ValidationError(
            _("No commune has the code %(codes)s.") % {"codes": ", ".join(map(str, missing))}
        )
    province = None
    if province_code is not None:
        province = Province.objects.filter(code=int(province_code)).first()
        if province is None:
            raise ValidationError(_("No province has the code %(code)s.") % {"code": province_code})
    role_areas_check(role=role, province=province, communes=communes)

    user = User.objects.filter(username=username).first() or User(username=username)
    user.role = role
    user.province = province
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.is_active = True
    if full_name is not None:
        # A Vietnamese full name is one string (family name first): kept whole.
        user.first_name, user.last_name = "", full_name
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    elif user.pk is None:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.communes.set(communes)
    return user
