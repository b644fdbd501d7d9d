"""Demo relief, gifts and COVID-19 support of Xã Hữu Lũng and Xã Chi Lăng (Lạng Sơn), written
through the services by the demo officers and head.

- hunger relief before Tết Nhâm Dần (January 2022) for the poor and near-poor households of the 2021 review,
  15 kg of rice a person, the round closed by the head (the 2022 half-year report's figures);
- the 2026 lean-season round, open: some of Hữu Lũng's needy households already entered, the
  rest waiting on the round's page; a storm round with named people without a household;
- Tết gifts of 2022 and 2026 to poor households, social-protection beneficiaries, the elderly
  and children, from the province budget and socialized sources;
- COVID-19 support of 2021 to workers, household businesses and an employer.

Idempotent: keyed on round codes, and on the household or recipient within a round.
"""

import datetime as dt

from welfare.areas.models import Commune
from welfare.core.demo import DEMO_COMMUNE, DEMO_OTHER_COMMUNE, DemoContext, demo_step
from welfare.households.demo import acting_as
from welfare.households.models import Household, PovertyResult, PovertyReview, ReviewStatus

from . import services
from .models import CovidSupport, Distribution, Gift, GiftRound, ReliefRound
from .services import Entry

OFFICERS = {DEMO_COMMUNE: "canbo", DEMO_OTHER_COMMUNE: "canbo2"}
RELIEF_ROUNDS = [
    # code, name, cause, start, end, source, ration kg, value per kg
    ("CD-2022-TET", "Cứu đói dịp Tết Nguyên đán Nhâm Dần 2022", "hunger", dt.date(2022, 1, 10),
     dt.date(2022, 2, 28), "central", 15, 15_000),
    ("CD-2026-GH", "Cứu đói giáp hạt năm 2026", "hunger", dt.date(2026, 3, 1), dt.date(2026, 5, 31),
     "central", 15, 16_000),
    ("BAO-2026-03", "Hỗ trợ khắc phục hậu quả bão số 3 năm 2026", "disaster", dt.date(2026, 9, 8),
     dt.date(2026, 10, 31), "province", 10, 16_000),
]
GIFT_ROUNDS = [
    ("QT-2022", "Quà Tết Nguyên đán Nhâm Dần 2022", dt.date(2022, 1, 15), dt.date(2022, 1, 30)),
    ("QT-2026", "Quà Tết Nguyên đán Bính Ngọ 2026", dt.date(2026, 2, 2), dt.date(2026, 2, 14)),
]
STORM_VICTIMS = [("Lương Văn Tình", 3), ("Nông Thị Huệ", 2)]
COVID = [
    # commune, type, name, policy, amount, approved on
    (DEMO_COMMUNE, "worker", "Hoàng Văn Quý", "68/NQ-CP-5", 3_710_000, dt.date(2021, 9, 20)),
    (DEMO_COMMUNE, "worker", "Lê Thị Hằng", "68/NQ-CP-6", 3_710_000, dt.date(2021, 9, 20)),
    (DEMO_COMMUNE, "household_business", "Hộ kinh doanh Nông Văn Tám", "68/NQ-CP-10", 3_000_000, dt.date(2021, 10, 5)),
    (DEMO_COMMUNE, "worker", "Triệu Văn Lâm", "68/NQ-CP-12", 1_500_000, dt.date(2021, 11, 2)),
    (DEMO_OTHER_COMMUNE, "employer", "HTX Nông nghiệp Chi Lăng", "68/NQ-CP-11", 45_000_000, dt.date(2021, 8, 30)),
    (DEMO_OTHER_COMMUNE, "household_business", "Hộ kinh doanh Vi Thị Nguyệt", "68/NQ-CP-10", 3_000_000, dt.date(2021, 10, 5)),
    (DEMO_OTHER_COMMUNE, "worker", "Hứa Văn Đông", "126/NQ-CP", 2_000_000, dt.date(2022, 2, 15)),
]


def _poor_households(commune: int, review_year: int, *, near_poor: bool = False) -> list[Household]:
    results = [PovertyResult.POOR, PovertyResult.NEAR_POOR] if near_poor else [PovertyResult.POOR]
    ids = PovertyReview.objects.filter(
        household__commune_id=commune,
        review_year=review_year,
        status=ReviewStatus.RECOGNISED,
        result__in=results,
    ).values("household_id")
    return list(Household.objects.filter(pk__in=ids).select_related("head").order_by("code"))


def _members(household: Household) -> int:
    return max(1, household.members.filter(left_on__isnull=True).count())


def _rounds(ctx: DemoContext) -> dict[str, ReliefRound]:
    head = ctx.users["lanhdao"]
    province = Commune.objects.get(pk=DEMO_COMMUNE).province
    rounds = {}
    with acting_as(head):
        for code, name, cause, start, end, source, ration, value in RELIEF_ROUNDS:
            found = ReliefRound.objects.filter(province=province, code=code).first()
            rounds[code] = found or services.relief_round_save(
                user=head,
                province=province,
                values={"code": code, "name": name, "cause": cause, "start_on": start, "end_on": end,
                        "funding_source": source, "ration_kg": ration, "months": 1, "rice_value_vnd": value},
            )
    return rounds


def _distribute(ctx: DemoContext, round: ReliefRound, commune: int, households: list[Household], on: dt.date) -> int:
    officer = ctx.users[OFFICERS[commune]]
    given = set(Distribution.objects.filter(round=round).values_list("household_id", flat=True))
    entries = [
        Entry(commune_id=commune, household=h, persons_covered=_members(h), distributed_on=on)
        for h in households
        if h.pk not in given
    ]
    if not entries or round.closed:
        return 0
    with acting_as(officer):
        services.distributions_add(user=officer, round=round, entries=entries)
    return len(entries)


def _relief(ctx: DemoContext) -> int:
    rounds = _rounds(ctx)
    made = 0
    tet = rounds["CD-2022-TET"]
    for commune in OFFICERS:
        made += _distribute(ctx, tet, commune, _poor_households(commune, 2021, near_poor=True), dt.date(2022, 1, 24))
    if not tet.closed:
        head = ctx.users["lanhdao"]
        with acting_as(head):
            services.relief_round_close(user=head, round=tet, expected_version=tet.version)
    lean = rounds["CD-2026-GH"]
    # Some of Hữu Lũng's poor and near-poor households are entered; the rest wait on the page.
    needy = _poor_households(DEMO_COMMUNE, 2024, near_poor=True)
    made += _distribute(ctx, lean, DEMO_COMMUNE, needy[: max(1, len(needy) - 1)], dt.date(2026, 4, 8))
    storm = rounds["BAO-2026-03"]
    officer = ctx.users["canbo2"]
    named = set(Distribution.objects.filter(round=storm).values_list("recipient_name", flat=True))
    entries = [
        Entry(commune_id=DEMO_OTHER_COMMUNE, recipient_name=name, persons_covered=persons,
              distributed_on=dt.date(2026, 9, 12), note="Nhà bị tốc mái")
        for name, persons in STORM_VICTIMS
        if name not in named
    ]
    if entries:
        with acting_as(officer):
            services.distributions_add(user=officer, round=storm, entries=entries)
        made += len(entries)
    return made


def _gifts(ctx: DemoContext) -> int:
    head = ctx.users["lanhdao"]
    province = Commune.objects.get(pk=DEMO_COMMUNE).province
    made = 0
    for code, name, start, end in GIFT_ROUNDS:
        round = GiftRound.objects.filter(province=province, code=code).first()
        if round is None:
            with acting_as(head):
                round = services.gift_round_save(
                    user=head, province=province,
                    values={"code": code, "name": name, "given_from": start, "given_to": end},
                )
        if round.gifts.exists():
            continue
        review_year = start.year - 1
        for commune, officer_name in OFFICERS.items():
            officer = ctx.users[officer_name]
            entries = [
                {"commune_id": commune, "recipient_group": "poor_household", "funding_source": "province",
                 "household": h, "value_vnd": 600_000, "given_on": start}
                for h in _poor_households(commune, review_year)
            ]
            elderly = Household.objects.filter(commune_id=commune, members__person__birth_date__year__lte=start.year - 80)
            entries += [
                {"commune_id": commune, "recipient_group": "elderly", "funding_source": "socialized",
                 "household": h, "value_vnd": 600_000, "given_on": start + dt.timedelta(days=3)}
                for h in elderly.distinct().order_by("code")[:4]
            ]
            children = Household.objects.filter(commune_id=commune, members__person__birth_date__year__gte=start.year - 10)
            entries += [
                {"commune_id": commune, "recipient_group": "children", "funding_source": "socialized",
                 "household": h, "value_vnd": 600_000, "given_on": start + dt.timedelta(days=3)}
                for h in children.distinct().order_by("code")[:3]
            ]
            with acting_as(officer):
                services.gifts_add(user=officer, round=round, entries=entries)
            made += len(entries)
    return made


def _covid(ctx: DemoContext) -> int:
    made = 0
    for commune, kind, name, policy, amount, approved_on in COVID:
        if CovidSupport.objects.filter(commune_id=commune, recipient_name=name).exists():
            continue
        officer = ctx.users[OFFICERS[commune]]
        with acting_as(officer):
            services.covid_support_record(user=officer, values={
                "commune_id": commune, "recipient_type": kind, "recipient_name": name, "policy": policy,
                "amount_vnd": amount, "approved_on": approved_on,
                "decision_number": f"{approved_on.month}{approved_on.day:02d}/QĐ-UBND",
            })
        made += 1
    return made


@demo_step(order=40)
def demo_relief(ctx: DemoContext) -> str:
    distributions = _relief(ctx)
    gifts = _gifts(ctx)
    support = _covid(ctx)
    return (
        f"{ReliefRound.objects.count()} relief rounds, {distributions} distributions, "
        f"{gifts} gifts in {GiftRound.objects.count()} gift rounds ({Gift.objects.count()} in all), "
        f"{support} COVID-19 support records"
    )
