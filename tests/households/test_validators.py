"""The citizen ID (số định danh cá nhân): 12 digits, the old province code, the century and
sex digit and the birth year digits agreeing with the person (domain.md, "Identity")."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import HUU_LUNG
from welfare.households.models import Person
from welfare.households.validators import citizen_id_check, validate_citizen_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "number, sex, year",
    [
        ("020090001234", "male", 1990),    # Lạng Sơn, a man born in 1990
        ("020190001234", "female", 1990),  # a woman born in 1990
        ("020205001234", "male", 2005),    # a boy born in 2005
        ("020305001234", "female", 2005),  # a girl born in 2005
        ("001000000001", "male", 1900),    # Hà Nội
        ("096199123456", "female", 1999),  # Cà Mau
        ("020090001234", "", None),        # nothing else known: the number alone
    ],
)
def test_valid_ids(number, sex, year):
    assert citizen_id_check(number, sex=sex, birth_year=year) == []


@pytest.mark.parametrize("number", ["02009000123", "0200900012345", "02009000123A", "02009000 234", "", "02009000123²", "０20090001234"])
def test_an_id_is_exactly_twelve_ascii_digits(number):
    problems = citizen_id_check(number)
    assert len(problems) == 1 and "12" in problems[0]


@pytest.mark.parametrize("code, valid", [("020", True), ("001", True), ("096", True), ("003", False), ("000", False), ("097", False), ("099", False)])
def test_the_first_three_digits_are_an_old_province_code(code, valid):
    problems = citizen_id_check(f"{code}090001234")
    assert (problems == []) is valid
    if not valid:
        assert code in problems[0]


@pytest.mark.parametrize(
    "number, sex",
    [("020090001234", "female"), ("020190001234", "male"), ("020205001234", "female"), ("020305001234", "male")],
)
def test_the_fourth_digit_must_agree_with_the_persons_sex(number, sex):
    problems = citizen_id_check(number, sex=sex)
    assert len(problems) == 1 and number[3] in problems[0]


@pytest.mark.parametrize(
    "number, year",
    [
        ("020090001234", 1991),  # 1990 by the ID
        ("020090001234", 2090),  # right year digits, wrong century
        ("020205001234", 1905),
        ("020305001234", 2004),
    ],
)
def test_digits_four_to_six_must_give_the_birth_year(number, year):
    problems = citizen_id_check(number, birth_year=year)
    assert len(problems) == 1 and str(year) in problems[0]


@pytest.mark.parametrize("digit", "456789")
def test_a_century_digit_beyond_3_is_refused(digit):
    problems = citizen_id_check(f"020{digit}90001234")
    assert problems and digit in problems[0]


def test_an_id_giving_a_birth_year_in_the_future_is_refused():
    year = dt.date.today().year + 1
    number = f"020{2 if year < 2100 else 4}{year % 100:02d}001234"
    problems = citizen_id_check(number)
    assert problems and str(year) in problems[0]


def test_the_field_validator_and_the_model_refuse_a_bad_id():
    with pytest.raises(ValidationError):
        validate_citizen_id("003090001234")
    validate_citizen_id("020090001234")
    person = Person(full_name="Lăng Văn Tú", commune_id=HUU_LUNG, id_number="020X90001234")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "id_number" in error.value.message_dict
