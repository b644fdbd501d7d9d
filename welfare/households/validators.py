"""The citizen ID (số định danh cá nhân, CCCD): 12 digits whose first six say where the birth was
registered, the century and sex, and the birth year (Circular 59/2021/TT-BCA, Art. 7).

The province part uses the 63 codes in force before the 2025 merger: IDs issued earlier keep
them, so this list is history and does not change.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Circular 59/2021/TT-BCA, Appendix I: codes of the 63 provinces of birth registration.
OLD_PROVINCE_CODES = frozenset(
    {
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35,
        36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70,
        72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    }
)

# Digit 4: century and sex (Circular 59/2021/TT-BCA, Art. 7): 0 a man and 1 a woman born in
# 1900–1999, 2 and 3 in 2000–2099. Digits 4–9 stand for the 22nd to 24th centuries: no living
# person holds such an ID yet, so they are refused.
CENTURY_BY_DIGIT = {0: 1900, 1: 1900, 2: 2000, 3: 2000}

_TWELVE_DIGITS = re.compile(r"[0-9]{12}")


def citizen_id_check(
    value: str, *, sex: str = "", birth_year: int | None = None
) -> list[str]:
    """The problems of an ID number, in Vietnamese, empty when it is valid.

    Checks 12 digits, a known province code, and, when the person's sex or birth year is
    known, that digits 4–6 agree with them.
    """
    problems = []
    # str.isdigit() would let "²" or Arabic-Indic digits through: ASCII digits only.
    if not _TWELVE_DIGITS.fullmatch(value or ""):
        return [_("A citizen ID has exactly 12 digits.")]
    province = int(value[:3])
    if province not in OLD_PROVINCE_CODES:
        problems.append(
            _("The first three digits (%(code)s) are not a province code of birth registration.")
            % {"code": value[:3]}
        )
    digit = int(value[3])
    if digit not in CENTURY_BY_DIGIT:
        problems.append(
            _("The fourth digit (%(digit)s) must be 0 to 3: the century and sex of a birth in 1900–2099.")
            % {"digit": digit}
        )
        return problems
    id_year = CENTURY_BY_DIGIT[digit] + int(value[4:6])
    id_sex = "male" if digit % 2 == 0 else "female"
    if id_year > dt.date.today().year:
        problems.append(
            _("Digits 4 to 6 give the birth year %(id_year)s, which is in the future.")
            % {"id_year": id_year}
        )
    if sex and sex != id_sex:
        if id_sex == "male":
            message = _("The fourth digit (%(digit)s) is for a man, but the person is recorded as a woman.")
        else:
            message = _("The fourth digit (%(digit)s) is for a woman, but the person is recorded as a man.")
        problems.append(message % {"digit": digit})
    if birth_year and birth_year != id_year:
        problems.append(
            _("Digits 4 to 6 give the birth year %(id_year)s, but the person was born in %(year)s.")
            % {"id_year": id_year, "year": birth_year}
        )
    return problems


def validate_citizen_id(value: str) -> None:
    """Field validator: the checks that need nothing but the number."""
    problems = citizen_id_check(value)
    if problems:
        raise ValidationError(problems, code="citizen_id")


def birth_year_of(birth_date: dt.date | None, birth_year: int | None) -> int | None:
    return birth_date.year if birth_date else birth_year
