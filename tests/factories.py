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
