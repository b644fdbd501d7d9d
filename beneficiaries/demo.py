"""Demo beneficiaries, payment runs and dossiers of Xã Hữu Lũng and Xã Chi Lăng (Lạng Sơn),
written through the services by the demo officers and head.

- meritorious people and relatives chosen among the demo households' older members (a war
  invalid at 41 %, relatives of martyrs, a Heroic Mother, sick soldiers, …) and
  social-protection beneficiaries (elderly people, people with disabilities, a single parent);
- the monthly runs of June and July 2024 in Hữu Lũng (the change of schedule: 2,702,000 then
  3,667,000 for an invalid at 41 %), and of every month of 2026 until October approved, with
  November's built and awaiting the head: it lists one invalid whose rate has no schedule row;
- one death in September 2026 that ends a beneficiary's entitlement; Tết gifts (one-off);
- dossiers in every status, some overdue.

Idempotent: keyed on beneficiary and dossier codes and on (programme, commune, month).
"""

import datetime as dt
import random

from welfare.areas.models import Commune
from welfare.core.demo import DEMO_COMMUNE, DEMO_OTHER_COMMUNE, DemoContext, demo_step
from welfare.households.demo import acting_as
from welfare.households.models import Person, PersonStatus
from welfare.households.services import person_exit

from . import services
from .models import Beneficiary, Dossier, Payment, PaymentRun, Programme, RunStatus

COMMUNES = {
    DEMO_COMMUNE: {"prefix": "HL", "officer": "canbo"},
    DEMO_OTHER_COMMUNE: {"prefix": "CL", "officer": "canbo2"},
}
# (category, relation, sub_case, rate %, lives alone): meritorious cases, in the order people
# born before 1965 are taken from the commune's households.
MERIT_CASES = [
    ("g", "self", "invalid", 41, False),
    ("c", "parent", "martyrs_1", None, False),
    ("c", "spouse", "martyrs_1", None, True),
    ("d", "self", "standard", None, False),
    ("h", "self", "sick_soldier", 62, False),
    ("i", "self", "toxic", 45, False),
    ("g", "self", "invalid", 61, False),
    ("k", "self", "standard", None, False),
    ("m", "self", "resistance_order", None, False),
    ("c", "child", "martyrs_2", None, False),
    ("b", "self", "standard", None, False),
    ("g", "self", "invalid_b", 21, False),
]
# Social-protection categories by age: from 80 (born by 1945), from 75 (born by 1950), younger.
OVER_80_CASES = [["elderly_80"], ["elderly_80", "disability_severe"], ["elderly_no_carer"]]
OVER_75_CASES = [["social_pension"], ["elderly_no_carer"]]
YOUNGER_CASES = [["disability_extreme"], ["disability_severe"], ["hiv_poor"]]
MONTHS_2026 = [dt.date(2026, m, 1) for m in range(1, 12)]
LATE_INVALID_START = dt.date(2026, 11, 1)
DEATH = dt.date(2026, 9, 12)
DOSSIERS = [
    # (suffix, kind, category, received_on, [(status, on), ...])
    ("01", "recognition", "c", dt.date(2026, 1, 12), [("in_review", dt.date(2026, 1, 20)), ("approved", dt.date(2026, 2, 5))]),
    ("02", "allowance", "g", dt.date(2026, 2, 3), [("in_review", dt.date(2026, 2, 9)), ("approved", dt.date(2026, 2, 14))]),
    ("03", "recognition", "i", dt.date(2026, 3, 16), [("in_review", dt.date(2026, 3, 25)), ("rejected", dt.date(2026, 4, 10))]),
    ("04", "allowance", "c", dt.date(2026, 4, 6), [("returned", dt.date(2026, 4, 10)), ("in_review", dt.date(2026, 4, 24)), ("approved", dt.date(2026, 5, 4))]),
    ("05", "other", "", dt.date(2026, 6, 8), [("in_review", dt.date(2026, 6, 10)), ("approved", dt.date(2026, 6, 19))]),
    ("06", "recognition", "h", dt.date(2026, 9, 21), [("in_review", dt.date(2026, 9, 28))]),
    ("07", "allowance", "g", dt.date(2026, 10, 5), []),
    ("08", "recognition", "c", dt.date(2026, 11, 16), []),
    ("09", "allowance", "d", dt.date(2026, 11, 20), [("returned", dt.date(2026, 11, 24))]),
]


def _pick_people(commune: int) -> tuple[list[Person], list[Person], list[Person]]:
    people = list(
        Person.objects.filter(commune_id=commune, status=PersonStatus.ACTIVE, birth_date__isnull=False)
        .order_by("pk")
    )
    old = [p for p in people if p.birth_date.year < 1965]
    elderly = [p for p in old if p.birth_date.year <= 1950]
    merit = [p for p in old if p not in elderly][: len(MERIT_CASES)]
    if len(merit) < len(MERIT_CASES):
        merit += [p for p in elderly if p not in merit][: len(MERIT_CASES) - len(merit)]
    elderly = [p for p in elderly if p not in merit]
    younger = [p for p in people if 1965 <= p.birth_date.year <= 2000]
    return merit, elderly, younger


def _enrol(ctx: DemoContext, commune: int) -> int:
    prefix, officer = COMMUNES[commune]["prefix"], ctx.users[COMMUNES[commune]["officer"]]
    merit, elderly, younger = _pick_people(commune)
    rng = random.Random(commune)
    made = 0
    with acting_as(officer):
        for index, (person, case) in enumerate(zip(merit, MERIT_CASES, strict=False), 1):
            code = f"NCC-{prefix}-{index:03d}"
            if Beneficiary.objects.filter(code=code).exists():
                continue
            category, relation, sub_case, rate, alone = case
            services.beneficiary_enrol(
                user=officer,
                person=person,
                values={
                    "programme": Programme.MERIT,
                    "code": code,
                    "commune": Commune.objects.get(pk=commune),
                    "category": category,
                    "relation": relation,
                    "sub_case": sub_case,
                    "rate_percent": rate,
                    "lives_alone": alone,
                    "decision_number": f"{100 + index}/QĐ-SLĐTBXH",
                    "start_on": dt.date(rng.randint(2005, 2020), rng.randint(1, 12), 1),
                },
            )
            made += 1
        social = [
            (p, OVER_80_CASES[i % 3] if p.birth_date.year <= 1945 else OVER_75_CASES[i % 2])
            for i, p in enumerate(elderly[:8])
        ]
        social += [(p, YOUNGER_CASES[i % len(YOUNGER_CASES)]) for i, p in enumerate(younger[:3])]
        for index, (person, categories) in enumerate(social, 1):
            code = f"BTXH-{prefix}-{index:03d}"
            if Beneficiary.objects.filter(code=code).exists():
                continue
            services.beneficiary_enrol(
                user=officer,
                person=person,
                values={
                    "programme": Programme.SOCIAL,
                    "code": code,
                    "commune": Commune.objects.get(pk=commune),
                    "social_categories": categories,
                    "decision_number": f"{300 + index}/QĐ-UBND",
                    # The social pension began on 01/07/2025 (Decree 176/2025/NĐ-CP).
                    "start_on": dt.date(2026, 1, 1)
                    if categories == ["social_pension"]
                    else dt.date(rng.randint(2018, 2024), rng.randint(1, 12), 1),
                },
            )
            made += 1
    return made


def _late_invalid(ctx: DemoContext) -> int:
    """An invalid at 45 % enrolled from November 2026: the loaded schedule has points only
    (21, 41, 61, 81, 100 %), so November's run lists him as not paid until an admin adds the row."""
    code = "NCC-HL-100"
    if Beneficiary.objects.filter(code=code).exists():
        return 0
    officer = ctx.users["canbo"]
    person = Person.objects.filter(commune_id=DEMO_COMMUNE, status=PersonStatus.ACTIVE, birth_date__year__lt=1975).exclude(
        enrolments__isnull=False
    ).order_by("-pk").first()
    if person is None:
        return 0
    with acting_as(officer):
        services.beneficiary_enrol(
            user=officer,
            person=person,
            values={
                "programme": Programme.MERIT,
                "code": code,
                "commune": Commune.objects.get(pk=DEMO_COMMUNE),
                "category": "g",
                "relation": "self",
                "sub_case": "invalid",
                "rate_percent": 45,
                "decision_number": "512/QĐ-SLĐTBXH",
                "start_on": LATE_INVALID_START,
            },
        )
    return 1


def _run(ctx: DemoContext, *, programme: str, commune: int, month: dt.date, approve: bool) -> int:
    commune_obj = Commune.objects.get(pk=commune)
    run, _ = PaymentRun.objects.get_or_create(
        programme=programme, province_id=commune_obj.province_id, commune=commune_obj, month=month
    )
    if run.status == RunStatus.APPROVED:
        return 0
    officer, head = ctx.users[COMMUNES[commune]["officer"]], ctx.users["lanhdao"]
    with acting_as(officer):
        run = services.payment_run_build(run_id=run.pk, user=officer)
    if approve:
        with acting_as(head):
            services.payment_run_approve(user=head, run=run, expected_version=run.version)
    return 1


def _death(ctx: DemoContext) -> int:
    """An elderly social-protection beneficiary of Chi Lăng died on 12/09/2026."""
    beneficiary = Beneficiary.objects.filter(code="BTXH-CL-002").select_related("person").first()
    if beneficiary is None or beneficiary.person.status != PersonStatus.ACTIVE:
        return 0
    officer = ctx.users["canbo2"]
    with acting_as(officer):
        person_exit(user=officer, person=beneficiary.person, status=PersonStatus.DIED, on=DEATH, note="Từ trần tại nhà.")
    return 1


def _tet_gifts(ctx: DemoContext) -> int:
    head = ctx.users["lanhdao"]
    made = 0
    with acting_as(head):
        for beneficiary in Beneficiary.objects.filter(programme=Programme.MERIT, start_on__lt=dt.date(2026, 1, 1)):
            if Payment.objects.filter(beneficiary=beneficiary, kind="one_off", one_off_reason="tet_gift").exists():
                continue
            services.one_off_record(
                user=head, beneficiary=beneficiary, amount_vnd=300_000, reason="tet_gift",
                paid_on=dt.date(2026, 2, 10), month=dt.date(2026, 2, 1), note="Quà Tết Bính Ngọ 2026 của Chủ tịch nước",
            )
            made += 1
    return made


def _dossiers(ctx: DemoContext, commune: int) -> int:
    prefix, officer = COMMUNES[commune]["prefix"], ctx.users[COMMUNES[commune]["officer"]]
    rng = random.Random(commune * 7)
    made = 0
    with acting_as(officer):
        for suffix, kind, category, received, moves in DOSSIERS:
            code = f"HS-{prefix}-2026-{suffix}"
            if Dossier.objects.filter(code=code).exists():
                continue
            surname = rng.choice(["Hoàng", "Nông", "Lương", "Vi", "Lăng", "Triệu", "Nguyễn"])
            given = rng.choice(["Thị Mai", "Văn Sơn", "Thị Hoa", "Văn Tuấn", "Đức Hải", "Thị Nga"])
            dossier = services.dossier_receive(
                user=officer,
                values={
                    "code": code,
                    "commune_id": commune,
                    "applicant_name": f"{surname} {given}",
                    "kind": kind,
                    "category": category,
                    "received_on": received,
                },
            )
            for status, on in moves:
                decision = f"{rng.randint(100, 999)}/QĐ-SLĐTBXH" if status in ("approved", "rejected") else ""
                dossier = services.dossier_move(
                    user=officer, dossier=dossier, expected_version=dossier.version, to=status, on=on,
                    decision_number=decision,
                )
            made += 1
    return made


@demo_step(order=30)
def demo_beneficiaries(ctx: DemoContext) -> str:
    enrolled = sum(_enrol(ctx, commune) for commune in COMMUNES)
    runs = 0
    for month in (dt.date(2024, 6, 1), dt.date(2024, 7, 1)):
        runs += _run(ctx, programme=Programme.MERIT, commune=DEMO_COMMUNE, month=month, approve=True)
    died = 0
    for month in MONTHS_2026:
        if month.month == 9:
            died = _death(ctx)
        if month == LATE_INVALID_START:
            enrolled += _late_invalid(ctx)
        for commune in COMMUNES:
            for programme in Programme.values:
                # November awaits the head in Hữu Lũng's meritorious list; the rest are approved.
                waiting = month == MONTHS_2026[-1] and commune == DEMO_COMMUNE and programme == Programme.MERIT
                runs += _run(ctx, programme=programme, commune=commune, month=month, approve=not waiting)
    gifts = _tet_gifts(ctx)
    dossiers = sum(_dossiers(ctx, commune) for commune in COMMUNES)
    return (
        f"{enrolled} beneficiaries, {runs} payment runs, {gifts} Tết gifts, {dossiers} dossiers, "
        f"{died} death ending an entitlement"
    )
