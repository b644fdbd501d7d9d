"""factory_boy factories, keeping related rows in the same area."""

import factory

from welfare.accounts.models import User
from welfare.areas.models import Commune
from welfare.reports.models import Plan

PASSWORD = "correct-horse-battery-9"
LANG_SON = 20
HUU_LUNG = 6385
CHI_LANG = 6463
HA_NOI_COMMUNE = 4  # Phường Ba Đình, province 1


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Faker("name", locale="vi_VN")
    role = "officer"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if extracted:
            self.communes.set(extracted)
        self.save()


def officer(*commune_codes: int, **kwargs) -> User:
    codes = commune_codes or (HUU_LUNG,)
    return UserFactory(role="officer", communes=list(Commune.objects.filter(code__in=codes)), **kwargs)


def head(province_code: int = LANG_SON, **kwargs) -> User:
    return UserFactory(role="head", province_id=province_code, **kwargs)


def admin(**kwargs) -> User:
    return UserFactory(role="admin", is_staff=True, is_superuser=True, **kwargs)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    province_id = LANG_SON
    commune = None
    year = 2022
    indicator = "new_jobs"
    target = 16000


# --- Households and people (welfare.households) ---------------------------------------------


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "households.Person"

    full_name = factory.Faker("name", locale="vi_VN")
    sex = "male"
    birth_date = factory.Faker("date_of_birth", minimum_age=20, maximum_age=70)
    commune_id = HUU_LUNG


class HouseholdFactory(factory.django.DjangoModelFactory):
    """A household of Xã Hữu Lũng with its head as the only member."""

    class Meta:
        model = "households.Household"
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"HL-{n:05d}")
    commune_id = HUU_LUNG
    village = "Thôn Đồng Tiến"
    area_type = "rural"

    @factory.post_generation
    def head_member(self, create, extracted, **kwargs):
        if not create:
            return
        from welfare.households.models import Member

        person = extracted or PersonFactory(commune_id=self.commune_id)
        Member.objects.create(household=self, person=person, relation="head")
        self.head = person
        self.head_name_folded = person.name_folded
        self.save()


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "households.Member"

    household = factory.SubFactory(HouseholdFactory)
    person = factory.LazyAttribute(lambda o: PersonFactory(commune_id=o.household.commune_id))
    relation = "child"


class PovertyReviewFactory(factory.django.DjangoModelFactory):
    """A review of 2021 (statuses for 2022) computed by the standard of that year."""

    class Meta:
        model = "households.PovertyReview"

    household = factory.SubFactory(HouseholdFactory)
    review_year = 2021
    area_type = "rural"
    income_per_capita_vnd = 1_200_000
    deprivations = factory.LazyFunction(lambda: [1, 4, 7])
    status = "recognised"
    recognised_on = factory.LazyAttribute(lambda o: __import__("datetime").date(o.review_year, 12, 20))
    decision_number = "123/QĐ-UBND"

    @factory.lazy_attribute
    def standard(self):
        from welfare.households.poverty import standard_for_review_year

        return standard_for_review_year(self.review_year)

    @factory.lazy_attribute
    def result(self):
        from welfare.households.poverty import poverty_classify

        return poverty_classify(
            standard=self.standard,
            area_type=self.area_type,
            income_per_capita_vnd=self.income_per_capita_vnd,
            deprivation_count=len(set(self.deprivations)),
        )


class InsuranceCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "households.InsuranceCard"

    card_number = factory.Sequence(lambda n: f"HN2202{n:09d}")
    holder_name = factory.Faker("name", locale="vi_VN")
    commune_id = HUU_LUNG
    beneficiary_group = "poor"
    issued_on = factory.LazyFunction(lambda: __import__("datetime").date(2022, 1, 15))


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    """A war invalid at 41 % of Hữu Lũng, entitled since 2020 (the person in the same commune)."""

    class Meta:
        model = "beneficiaries.Beneficiary"

    programme = "merit"
    code = factory.Sequence(lambda n: f"NCC-{n:05d}")
    commune_id = HUU_LUNG
    person = factory.SubFactory(PersonFactory, commune_id=factory.SelfAttribute("..commune_id"))
    category = "g"
    relation = "self"
    sub_case = "invalid"
    rate_percent = 41
    start_on = factory.LazyFunction(lambda: __import__("datetime").date(2020, 1, 1))


class SocialBeneficiaryFactory(BeneficiaryFactory):
    """An elderly person of 82 without a pension (coefficient 1.0)."""

    programme = "social_protection"
    code = factory.Sequence(lambda n: f"BTXH-{n:05d}")
    category = ""
    sub_case = "standard"
    rate_percent = None
    social_categories = factory.LazyFunction(lambda: ["elderly_80"])
    person = factory.SubFactory(
        PersonFactory,
        commune_id=factory.SelfAttribute("..commune_id"),
        birth_date=__import__("datetime").date(1940, 3, 1),
    )


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "beneficiaries.Dossier"

    code = factory.Sequence(lambda n: f"HS-{n:05d}")
    commune_id = HUU_LUNG
    applicant_name = factory.Faker("name", locale="vi_VN")
    kind = "recognition"
    received_on = factory.LazyFunction(lambda: __import__("datetime").date(2022, 3, 1))
    due_on = factory.LazyFunction(lambda: __import__("datetime").date(2022, 3, 21))
    status = "received"


# --- Relief, gifts, COVID-19 support (relief) ---------------------------------------------------


class ReliefRoundFactory(factory.django.DjangoModelFactory):
    """A hunger-relief round of Lạng Sơn: 15 kg per person for one month, 12,000 VND a kg."""

    class Meta:
        model = "relief.ReliefRound"

    province_id = LANG_SON
    code = factory.Sequence(lambda n: f"CD-{n:04d}")
    name = factory.LazyAttribute(lambda o: f"Cứu đói {o.code}")
    cause = "hunger"
    start_on = factory.LazyFunction(lambda: __import__("datetime").date(2022, 1, 1))
    end_on = factory.LazyFunction(lambda: __import__("datetime").date(2022, 3, 31))
    funding_source = "central"
    ration_kg = 15
    months = 1
    rice_value_vnd = 12_000


class DistributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "relief.Distribution"

    round = factory.SubFactory(ReliefRoundFactory)
    commune_id = HUU_LUNG
    household = factory.SubFactory(HouseholdFactory, commune_id=factory.SelfAttribute("..commune_id"))
    persons_covered = 4
    rice_kg = 60
    cost_vnd = 720_000
    distributed_on = factory.LazyFunction(lambda: __import__("datetime").date(2022, 2, 10))


class GiftRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "relief.GiftRound"

    province_id = LANG_SON
    code = factory.Sequence(lambda n: f"QT-{n:04d}")
    name = factory.LazyAttribute(lambda o: f"Quà Tết {o.code}")


class GiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "relief.Gift"

    round = factory.SubFactory(GiftRoundFactory)
    commune_id = HUU_LUNG
    recipient_group = "poor_household"
    funding_source = "province"
    recipient_name = factory.Faker("name", locale="vi_VN")
    value_vnd = 600_000
    given_on = factory.LazyFunction(lambda: __import__("datetime").date(2022, 1, 25))


class CovidSupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "relief.CovidSupport"

    commune_id = HUU_LUNG
    recipient_type = "worker"
    recipient_name = factory.Faker("name", locale="vi_VN")
    policy = "68/NQ-CP"
    amount_vnd = 3_710_000
    approved_on = factory.LazyFunction(lambda: __import__("datetime").date(2021, 9, 15))


# --- Employment (employment) -------------------------------------------------------------------


class LoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employment.Loan"

    code = factory.Sequence(lambda n: f"VV-{n:05d}")
    commune_id = HUU_LUNG
    borrower_type = "individual"
    borrower_name = factory.Faker("name", locale="vi_VN")
    purpose = "Chăn nuôi lợn"
    amount_vnd = 50_000_000
    term_months = 36
    disbursed_on = factory.LazyFunction(lambda: __import__("datetime").date(2022, 3, 15))
    jobs = 1


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employment.Placement"

    commune_id = HUU_LUNG
    worker_name = factory.Faker("name", locale="vi_VN")
    channel = "industrial_zone_outside_province"
    employer = "Công ty TNHH Điện tử Bắc Giang"
    placed_on = factory.LazyFunction(lambda: __import__("datetime").date(2022, 4, 1))


class BorderPassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employment.BorderPass"

    commune_id = HUU_LUNG
    number = factory.Sequence(lambda n: f"STH{n:06d}")
    holder_name = factory.Faker("name", locale="vi_VN")
    issued_on = factory.LazyFunction(lambda: __import__("datetime").date(2026, 1, 10))
    expires_on = factory.LazyFunction(lambda: __import__("datetime").date(2027, 1, 9))
    border_gate = "Cửa khẩu quốc tế Hữu Nghị"
