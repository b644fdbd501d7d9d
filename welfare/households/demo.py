"""Demo households of Xã Hữu Lũng and Xã Chi Lăng (Lạng Sơn), written through the services
by the demo officers and head, so every history row names who did it.

Idempotent: keyed on household codes, (household, review year) and card numbers. The records
are drawn from a fixed seed, so a second run plans the same ones and finds them made.

- the reviews of 2021, recognised in December 2021 (the 2022 half-year report's poverty
  figures), of 2024 (recognised) and of 2025 (some recognised, some awaiting the head);
- a few regular reviews during 2025 revising a 2024 result, history keeping both;
- health-insurance cards for poor and near-poor households issued in the first half of 2022
  and in early 2026;
- one pair of possible duplicates for the duplicate queue, and one person who died.
"""

import contextlib
import datetime as dt
import random
from dataclasses import dataclass, field
from types import SimpleNamespace

from simple_history.models import HistoricalRecords

from welfare.areas.models import Commune
from welfare.core.demo import DEMO_COMMUNE, DEMO_OTHER_COMMUNE, DemoContext, demo_step

from . import services
from .models import (
    AreaType,
    Household,
    InsuranceCard,
    Person,
    PersonStatus,
    PovertyResult,
    PovertyReview,
    Relation,
    ReviewKind,
    ReviewStatus,
)
from .services import MemberData, PersonData

# Surnames common among the Kinh, Tày and Nùng of Lạng Sơn.
SURNAMES = {
    "Kinh": ["Nguyễn", "Trần", "Lê", "Phạm", "Đỗ", "Vũ", "Đặng", "Bùi"],
    "Tày": ["Hoàng", "Nông", "Lương", "Hà", "Chu", "Vi", "Hứa", "Lành", "Mông"],
    "Nùng": ["Lăng", "Vy", "Lục", "Triệu", "Mã", "La", "Dương", "Sầm", "Hoàng"],
}
ETHNICITY_WEIGHTS = [("Tày", 45), ("Nùng", 35), ("Kinh", 20)]
MIDDLE = {"male": ["Văn", "Văn", "Đức", "Minh"], "female": ["Thị", "Thị", "Thu", "Ngọc"]}
GIVEN = {
    "male": ["An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Khánh", "Long", "Minh", "Nam",
             "Phong", "Quang", "Sơn", "Thắng", "Tuấn", "Việt", "Hưng", "Toàn", "Chiến"],
    "female": ["Hoa", "Lan", "Mai", "Hương", "Hằng", "Liên", "Nga", "Nhung", "Thảo", "Thu",
               "Trang", "Yến", "Duyên", "Hiền", "Loan", "Phượng", "Vân", "Xuân"],
}

COMMUNES = {
    DEMO_COMMUNE: {
        "prefix": "HL",
        "officer": "canbo",
        "legacy_district": "Huyện Hữu Lũng",
        "villages": ["Thôn Đồng Tiến", "Thôn Na Hoa", "Thôn Làng Cải", "Thôn Ba Nàng"],
        "decisions": {2021: ("1256/QĐ-UBND", dt.date(2021, 12, 20)),
                      2024: ("1893/QĐ-UBND", dt.date(2024, 12, 18)),
                      2025: ("2041/QĐ-UBND", dt.date(2025, 12, 19))},
    },
    DEMO_OTHER_COMMUNE: {
        "prefix": "CL",
        "officer": "canbo2",
        "legacy_district": "Huyện Chi Lăng",
        "villages": ["Thôn Hàng Quán", "Bản Nà Pàn", "Thôn Quán Thanh"],
        "decisions": {2021: ("1302/QĐ-UBND", dt.date(2021, 12, 22)),
                      2024: ("1920/QĐ-UBND", dt.date(2024, 12, 20)),
                      2025: ("2077/QĐ-UBND", dt.date(2025, 12, 22))},
    },
}
HOUSEHOLDS_PER_COMMUNE = 30
REGULAR_DECISION = ("215/QĐ-UBND", dt.date(2025, 6, 10))
# The duplicate pair: the same name and birth date in two households of Hữu Lũng, no IDs.
DUPLICATE = ("Hoàng Văn Thắng", dt.date(1968, 4, 12))


@dataclass
class PlannedHousehold:
    code: str
    commune: int
    village: str
    members: list[MemberData] = field(default_factory=list)
    # Income per person per month and deprivations for the reviews of 2021, 2024 and 2025.
    reviews: dict[int, tuple[int, list[int]]] = field(default_factory=dict)


@contextlib.contextmanager
def acting_as(user):
    """Outside a request, give simple_history the user the middleware would give it."""
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield user
    finally:
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous


def _birth(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


def _name(rng: random.Random, surname: str, sex: str, taken: set[str]) -> str:
    """A name not yet used in the household, whose given name is not its middle name."""
    while True:
        middle = rng.choice(MIDDLE[sex])
        name = f"{surname} {middle} {rng.choice([g for g in GIVEN[sex] if g != middle])}"
        if name not in taken:
            taken.add(name)
            return name


def _citizen_id(birth: dt.date, sex: str, serial: int) -> str:
    """Lạng Sơn's old code 020, century and sex, two year digits, a serial (Circular 59/2021)."""
    century = (0 if birth.year < 2000 else 2) + (1 if sex == "female" else 0)
    return f"020{century}{birth.year % 100:02d}{serial:06d}"


def _income(rng: random.Random, level: str) -> tuple[int, list[int]]:
    """An income (rounded to 10.000 đồng) and deprivations for a household of this level."""
    low, high, deprivations = {
        "poor": (650_000, 1_450_000, rng.randint(3, 5)),
        "near_poor": (900_000, 1_500_000, rng.randint(0, 2)),
        "average": (1_550_000, 2_200_000, rng.randint(0, 2)),
        "not_poor": (2_400_000, 5_500_000, rng.randint(0, 1)),
    }[level]
    income = rng.randrange(low, high + 1, 10_000)
    return income, sorted(rng.sample(range(1, 13), deprivations))


def _plan(commune: int) -> list[PlannedHousehold]:
    """The same households every run (fixed seed per commune)."""
    config = COMMUNES[commune]
    rng = random.Random(f"welfare-demo-{commune}")
    serial = commune % 1000 * 1000
    planned = []
    for n in range(1, HOUSEHOLDS_PER_COMMUNE + 1):
        ethnicity = rng.choices([e for e, _ in ETHNICITY_WEIGHTS], [w for _, w in ETHNICITY_WEIGHTS])[0]
        surname = rng.choice(SURNAMES[ethnicity])
        head_sex = "male" if rng.random() < 0.8 else "female"
        head_year = rng.randint(1950, 1992)
        household = PlannedHousehold(
            code=f"{config['prefix']}-{n:04d}",
            commune=commune,
            village=config["villages"][(n - 1) % len(config["villages"])],
        )

        taken: set[str] = {DUPLICATE[0]}

        def person(name: str, sex: str, born: dt.date, with_id: bool) -> PersonData:
            nonlocal serial
            serial += 1
            return PersonData(
                full_name=name, sex=sex, birth_date=born, ethnicity=ethnicity,
                id_number=_citizen_id(born, sex, serial) if with_id else None,
            )

        head_birth = _birth(rng, head_year)
        head_name = _name(rng, surname, head_sex, taken)
        if commune == DEMO_COMMUNE and n == 7:
            head_name, head_birth, head_sex = DUPLICATE[0], DUPLICATE[1], "male"
        with_ids = rng.random() < 0.6 and not (commune == DEMO_COMMUNE and n == 7)
        household.members.append(MemberData(person(head_name, head_sex, head_birth, with_ids), Relation.HEAD))
        if rng.random() < 0.85:
            spouse_sex = "female" if head_sex == "male" else "male"
            spouse_surname = rng.choice(SURNAMES[ethnicity])
            household.members.append(MemberData(
                person(_name(rng, spouse_surname, spouse_sex, taken), spouse_sex,
                       _birth(rng, min(head_year + rng.randint(-3, 5), 1995)), with_ids),
                Relation.SPOUSE,
            ))
        family_name = surname if head_sex == "male" else rng.choice(SURNAMES[ethnicity])
        for _child in range(rng.randint(0, 3)):
            sex = rng.choice(["male", "female"])
            year = min(head_year + rng.randint(20, 32), 2022)
            born = _birth(rng, year)
            # Children under 14 have no citizen ID card yet in these lists.
            household.members.append(MemberData(
                person(_name(rng, family_name, sex, taken), sex, born, with_ids and year <= 2010), Relation.CHILD
            ))
        if head_year < 1975 and rng.random() < 0.25 or (commune == DEMO_COMMUNE and n == 12):
            sex = rng.choice(["male", "female"])
            parent_surname = surname if sex == "male" else rng.choice(SURNAMES[ethnicity])
            household.members.append(MemberData(
                person(_name(rng, parent_surname, sex, taken), sex, _birth(rng, head_year - rng.randint(20, 30)), False),
                Relation.PARENT,
            ))
        if commune == DEMO_COMMUNE and n == 15:
            # The second record of the duplicate pair: the head of household 7's brother, or
            # the same man entered twice? An officer decides.
            household.members.append(MemberData(
                PersonData(full_name=DUPLICATE[0], sex="male", birth_date=DUPLICATE[1], ethnicity=ethnicity),
                Relation.SIBLING,
            ))

        level = rng.choices(["poor", "near_poor", "average", "not_poor"], [15, 12, 30, 43])[0]
        household.reviews[2021] = _income(rng, level)
        # Three years on: most incomes grew, so some households left poverty.
        later = {"poor": ["poor", "poor", "near_poor", "average"],
                 "near_poor": ["near_poor", "near_poor", "average", "not_poor"],
                 "average": ["average", "not_poor"], "not_poor": ["not_poor"]}
        level_2024 = rng.choice(later[level])
        household.reviews[2024] = _income(rng, level_2024)
        household.reviews[2025] = _income(rng, rng.choice(later[level_2024]))
        planned.append(household)
    return planned


def _households(ctx: DemoContext, commune: Commune, planned: list[PlannedHousehold]) -> int:
    config = COMMUNES[commune.code]
    existing = set(Household.objects.filter(code__in=[p.code for p in planned]).values_list("code", flat=True))
    made = 0
    with acting_as(ctx.users[config["officer"]]) as officer:
        for plan in planned:
            if plan.code in existing:
                continue
            services.household_register(
                user=officer,
                commune=commune,
                code=plan.code,
                area_type=AreaType.RURAL,
                village=plan.village,
                address=f"{plan.village}, {commune.name}, tỉnh Lạng Sơn",
                legacy_district=config["legacy_district"],
                members=plan.members,
            )
            made += 1
    return made


def _reviews(ctx: DemoContext, commune: Commune, planned: list[PlannedHousehold]) -> int:
    config = COMMUNES[commune.code]
    households = {h.code: h for h in Household.objects.filter(commune=commune)}
    stored = {
        (r.household_id, r.review_year): r
        for r in PovertyReview.objects.filter(household__commune=commune)
    }
    made = 0
    with acting_as(ctx.users[config["officer"]]) as officer:
        for plan in planned:
            household = households[plan.code]
            for year, (income, deprivations) in plan.reviews.items():
                if (household.pk, year) in stored:
                    continue
                stored[(household.pk, year)] = services.review_save(
                    user=officer,
                    household=household,
                    review_year=year,
                    income_per_capita_vnd=income,
                    deprivations=deprivations,
                    reviewed_on=dt.date(year, 10, 1) + dt.timedelta(days=int(plan.code[-2:])),
                )
                made += 1
    # The head recognises 2021 and 2024 in full; of 2025, Hữu Lũng's first two villages and
    # Chi Lăng's first village only: the rest awaits the head.
    with acting_as(ctx.users["lanhdao"]) as head:
        for year, (number, on) in config["decisions"].items():
            reviews = PovertyReview.objects.filter(household__commune=commune, review_year=year)
            if reviews.filter(decision_number=number).exists():
                continue  # decided on an earlier run: what is proposed now stays proposed
            proposals = reviews.filter(status=ReviewStatus.PROPOSED)
            if year == 2025:
                villages = config["villages"][: 2 if commune.code == DEMO_COMMUNE else 1]
                proposals = proposals.filter(household__village__in=villages)
            services.review_recognise(user=head, reviews=proposals, decision_number=number, recognised_on=on)
    return made


def _regular_reviews(ctx: DemoContext) -> int:
    """Regular reviews in 2025 on a household's request: the 2024 review (the 2025 status) is
    revised by the officer, which makes it a proposal again, then recognised by the head."""
    changes = {"HL-0003": (1_650_000, [4]), "HL-0010": (1_100_000, [1, 4, 7, 9]), "HL-0021": (2_600_000, [])}
    reviews = PovertyReview.objects.filter(household__code__in=changes, review_year=2024).select_related("household")
    revised = []
    with acting_as(ctx.users["canbo"]) as officer:
        for review in reviews:
            if review.kind == ReviewKind.REGULAR:
                continue
            income, deprivations = changes[review.household.code]
            revised.append(services.review_save(
                user=officer, household=review.household, review_year=2024,
                income_per_capita_vnd=income, deprivations=deprivations,
                kind=ReviewKind.REGULAR, reviewed_on=dt.date(2025, 5, 20),
                note="Rà soát thường xuyên theo đề nghị của hộ gia đình.",
                review=review, expected_version=review.version,
            ))
    # Two of the three are recognised again; the third still awaits the head.
    to_recognise = [r for r in revised if r.household.code != "HL-0021"]
    if to_recognise:
        with acting_as(ctx.users["lanhdao"]) as head:
            services.review_recognise(user=head, reviews=to_recognise, decision_number=REGULAR_DECISION[0],
                                      recognised_on=REGULAR_DECISION[1])
    return len(revised)


def _cards(ctx: DemoContext, commune: Commune) -> int:
    """Cards for the members of poor and near-poor households: issued in the first half of
    2022 by the 2021 review, and in January 2026 by the 2025 review where recognised."""
    config = COMMUNES[commune.code]
    made = 0
    existing = set(InsuranceCard.objects.filter(commune=commune).values_list("card_number", flat=True))
    reviews = (
        PovertyReview.objects.filter(
            household__commune=commune, review_year__in=[2021, 2025], status=ReviewStatus.RECOGNISED,
            result__in=[PovertyResult.POOR, PovertyResult.NEAR_POOR],
        )
        .select_related("household")
        .order_by("review_year", "household__code")
    )
    with acting_as(ctx.users[config["officer"]]) as officer:
        for review in reviews:
            household = review.household
            issue_year = review.review_year + 1
            members = household.members.select_related("person").filter(left_on__isnull=True).order_by("pk")
            for index, member in enumerate(members, start=1):
                person = member.person
                group = review.result
                prefix = "HN2" if group == PovertyResult.POOR else "CN3"
                number = f"{prefix}20{issue_year % 100:02d}{commune.code % 10000:04d}{int(household.code[-3:]):03d}{index}"
                if number in existing:
                    continue
                issued = dt.date(issue_year, 1 + int(household.code[-2:]) % 5, 5 + index)
                services.card_save(
                    user=officer,
                    commune=commune,
                    card_number=number,
                    holder_name=person.full_name,
                    holder_id_number=person.id_number or "",
                    household=household,
                    beneficiary_group=group,
                    issued_on=issued,
                    valid_from=issued,
                    valid_to=dt.date(issue_year, 12, 31),
                )
                made += 1
    return made


def _death(ctx: DemoContext) -> int:
    """The parent in household HL-0012 died in August 2025."""
    member = (
        Household.objects.get(code="HL-0012").members.filter(relation=Relation.PARENT)
        .select_related("person").first()
    )
    if member is None or member.person.status != PersonStatus.ACTIVE:
        return 0
    with acting_as(ctx.users["canbo"]) as officer:
        services.person_exit(user=officer, person=member.person, status=PersonStatus.DIED,
                             on=dt.date(2025, 8, 14), note="Từ trần tại nhà.")
    return 1


@demo_step(order=20)
def demo_households(ctx: DemoContext) -> str:
    households = reviews = cards = 0
    for code in COMMUNES:
        commune = Commune.objects.get(code=code)
        planned = _plan(code)
        households += _households(ctx, commune, planned)
        reviews += _reviews(ctx, commune, planned)
    revised = _regular_reviews(ctx)
    for code in COMMUNES:
        cards += _cards(ctx, Commune.objects.get(code=code))
    died = _death(ctx)
    people = Person.objects.filter(commune_id__in=list(COMMUNES)).count()
    return (
        f"{households} households, {reviews} poverty reviews, {revised} regular reviews, "
        f"{cards} health-insurance cards, {died} death recorded ({people} people in the demo communes)"
    )
