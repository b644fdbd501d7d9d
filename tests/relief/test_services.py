"""Relief rounds and distributions, gifts and COVID-19 support: the rules every page and import
share (relief/services.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from relief import services
from relief.models import CovidPolicyGroup, Distribution
from relief.services import DistributionProblems, Entry
from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    DistributionFactory,
    GiftRoundFactory,
    HouseholdFactory,
    ReliefRoundFactory,
    head,
    officer,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2022, 2, 10)


def entry(household=None, persons=4, **kwargs):
    return Entry(commune_id=HUU_LUNG, household=household, persons_covered=persons, distributed_on=DAY, **kwargs)


def test_rice_and_cost_default_from_the_ration():
    round = ReliefRoundFactory(ration_kg=15, months=1, rice_value_vnd=12_000)
    made = services.distributions_add(user=officer(HUU_LUNG), round=round, entries=[entry(HouseholdFactory(), 4)])
    assert (made[0].rice_kg, made[0].cost_vnd) == (60, 720_000)
    # Two months of a 7.5 kg ration for 3 people: 45 kg; a given figure is kept as typed.
    round = ReliefRoundFactory(ration_kg=Decimal("7.5"), months=2, rice_value_vnd=10_000)
    made = services.distributions_add(
        user=officer(HUU_LUNG), round=round,
        entries=[entry(HouseholdFactory(), 3), entry(HouseholdFactory(), 3, rice_kg=50, cost_vnd=0)],
    )
    assert [(d.rice_kg, d.cost_vnd) for d in made] == [(45, 450_000), (50, 0)]


def test_a_household_appears_once_per_round():
    round = ReliefRoundFactory()
    household = HouseholdFactory()
    services.distributions_add(user=officer(HUU_LUNG), round=round, entries=[entry(household)])
    other = HouseholdFactory()
    with pytest.raises(DistributionProblems) as refused:
        services.distributions_add(user=officer(HUU_LUNG), round=round, entries=[entry(other), entry(household)])
    # The message names the household and the round (in whichever language is active).
    assert list(refused.value.problems) == [1]
    message = refused.value.problems[1]["household"]
    assert household.code in message and round.code in message
    # All or nothing: the good row of the refused list is not saved either.
    assert not Distribution.objects.filter(household=other).exists()
    with pytest.raises(DistributionProblems) as twice:
        services.distributions_add(user=officer(HUU_LUNG), round=round, entries=[entry(other), entry(other)])
    assert list(twice.value.problems) == [1]
    # The same household in another round is fine.
    services.distributions_add(user=officer(HUU_LUNG), round=ReliefRoundFactory(), entries=[entry(household)])


def test_a_closed_round_refuses_every_change():
    round = ReliefRoundFactory()
    distribution = DistributionFactory(round=round)
    boss = head()
    round = services.relief_round_close(user=boss, round=round, expected_version=round.version)
    user = officer(HUU_LUNG)
    with pytest.raises(DistributionProblems):
        services.distributions_add(user=user, round=round, entries=[entry(HouseholdFactory())])
    with pytest.raises(ValidationError):
        services.distribution_update(user=user, distribution=distribution, expected_version=distribution.version,
                                     changes={"persons_covered": 5})
    with pytest.raises(ValidationError):
        services.distribution_delete(user=user, distribution=distribution)
    with pytest.raises(ValidationError):
        services.relief_round_save(user=boss, province=round.province, values={"name": "x"}, round=round,
                                   expected_version=round.version)
    assert Distribution.objects.get(pk=distribution.pk).persons_covered == 4
    # A head reopens it to correct a row; the history keeps both.
    round = services.relief_round_close(user=boss, round=round, expected_version=round.version, reopen=True)
    services.distribution_update(user=user, distribution=distribution, expected_version=distribution.version,
                                 changes={"persons_covered": 5})
    assert round.history.count() == 3


def test_only_heads_close_rounds_and_officers_write_their_communes():
    round = ReliefRoundFactory()
    with pytest.raises(PermissionDenied):
        services.relief_round_close(user=officer(HUU_LUNG), round=round, expected_version=round.version)
    with pytest.raises(PermissionDenied):
        services.distributions_add(user=officer(CHI_LANG), round=round, entries=[entry(HouseholdFactory())])
    with pytest.raises(DistributionProblems):  # a household of another commune
        services.distributions_add(
            user=officer(HUU_LUNG), round=round,
            entries=[entry(HouseholdFactory(commune_id=CHI_LANG, code="CL-1"))],
        )
    with pytest.raises(PermissionDenied):  # a round of another province
        services.relief_round_save(user=officer(HUU_LUNG), province=round.province.__class__.objects.get(pk=1),
                                   values={"code": "X", "cause": "hunger"})


def test_a_named_person_without_a_household():
    round = ReliefRoundFactory()
    made = services.distributions_add(
        user=officer(HUU_LUNG), round=round, entries=[entry(None, 1, recipient_name="Lăng Thị Sáu")]
    )
    assert (made[0].household, made[0].recipient_name, made[0].rice_kg) == (None, "Lăng Thị Sáu", 15)
    with pytest.raises(DistributionProblems):
        services.distributions_add(user=officer(HUU_LUNG), round=round, entries=[entry(None, 1)])


def test_gifts_all_or_nothing_and_covid_support_linked_to_its_policy_group():
    round = GiftRoundFactory()
    user = officer(HUU_LUNG)
    good = {"commune_id": HUU_LUNG, "recipient_group": "elderly", "funding_source": "province",
            "recipient_name": "Hoàng Văn Thắng", "value_vnd": 600_000, "given_on": DAY}
    with pytest.raises(DistributionProblems) as refused:
        services.gifts_add(user=user, round=round, entries=[good, {**good, "value_vnd": 0}])
    assert list(refused.value.problems) == [1]
    assert not round.gifts.exists()
    assert len(services.gifts_add(user=user, round=round, entries=[good, good])) == 2
    group = CovidPolicyGroup.objects.get(number=5)
    linked = services.covid_support_record(user=user, values={
        "commune_id": HUU_LUNG, "recipient_type": "worker", "recipient_name": "Vi Văn Minh",
        "policy": f" {group.code} ", "amount_vnd": 3_710_000, "approved_on": DAY})
    free = services.covid_support_record(user=user, values={
        "commune_id": HUU_LUNG, "recipient_type": "household_business", "recipient_name": "Quán Lan",
        "policy": "68/NQ-CP", "amount_vnd": 3_000_000, "approved_on": DAY})
    assert (linked.policy_group, free.policy_group) == (group, None)
    assert CovidPolicyGroup.objects.count() == 12


def test_rounds_are_province_wide_records_in_the_scoping_helper():
    from relief.models import ReliefRound
    from tests.factories import HA_NOI_COMMUNE, admin
    from welfare.accounts.scoping import in_scope, scope

    ours = ReliefRoundFactory()
    theirs = ReliefRoundFactory(province_id=1)
    for user in (officer(HUU_LUNG), officer(CHI_LANG), head()):
        assert list(scope(ReliefRound.objects.all(), user)) == [ours]
        assert in_scope(user, ours) and not in_scope(user, theirs)
        assert in_scope(user, ReliefRound(province_id=20)) and not in_scope(user, ReliefRound(province_id=1))
    assert list(scope(ReliefRound.objects.all(), officer(HA_NOI_COMMUNE))) == [theirs]
    from tests.factories import UserFactory

    assert list(scope(ReliefRound.objects.all(), UserFactory(role="officer"))) == []  # no commune
    assert scope(ReliefRound.objects.all(), admin()).count() == 2
