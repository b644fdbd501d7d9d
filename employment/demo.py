"""Demo employment records of Xã Hữu Lũng and Xã Chi Lăng (Lạng Sơn), written through the
services by the demo officers.

- Job placements of the first half of 2022: Hữu Lũng's 220 against its plan of 320 new jobs
  (68,75 %, the rate of the province's half-year report), by the report's channels (industrial
  zones outside the province, employment-fund loans, socio-economic programmes), and Chi
  Lăng's; placements of 2026 in both communes, some workers linked to their person by ID;
- employment-fund loans of 2021, 2022 and 2026: workers, household businesses, a
  cooperative; some repaid, one overdue, one still marked as being repaid after its term;
- border-labour passes through the Lạng Sơn gates, some expiring within 30 days of today and
  one expired, so the expiring-soon list has something to show.

Idempotent: placements are made once per commune and year, loans keyed on their code, passes on
their number.
"""

import datetime as dt
import random

from django.utils import timezone

from welfare.core.demo import DEMO_COMMUNE, DEMO_OTHER_COMMUNE, DemoContext, demo_step
from welfare.households.demo import GIVEN, MIDDLE, SURNAMES, acting_as
from welfare.households.models import Person

from . import services
from .models import BorderPass, Loan, Placement

OFFICERS = {DEMO_COMMUNE: "canbo", DEMO_OTHER_COMMUNE: "canbo2"}
SEED = 6
EMPLOYERS = {
    "industrial_zone_outside_province": [
        "Công ty TNHH Foxconn (KCN Quang Châu, Bắc Giang)",
        "Công ty TNHH Luxshare-ICT (KCN Vân Trung, Bắc Giang)",
        "Công ty TNHH Samsung Electronics Việt Nam (KCN Yên Phong, Bắc Ninh)",
    ],
    "employment_fund": ["Hợp tác xã Chè Hữu Lũng", "Hộ kinh doanh Hoàng Văn Lợi", "Cơ sở may Nà Pàn"],
    "socioeconomic_programme": ["Công ty CP Du lịch Mẫu Sơn", "Ban quản lý Khu kinh tế cửa khẩu Đồng Đăng"],
    "labour_export": ["Công ty CP Xuất khẩu lao động Thương mại và Du lịch (Nhật Bản)"],
    "service_centre": ["Công ty TNHH May Hồng Phong (Lạng Sơn)"],
}
# commune, year, first and last placement dates, {channel: count}
PLACEMENTS = [
    (DEMO_COMMUNE, 2022, dt.date(2022, 1, 10), dt.date(2022, 6, 28),
     {"industrial_zone_outside_province": 140, "employment_fund": 60, "socioeconomic_programme": 20}),
    (DEMO_OTHER_COMMUNE, 2022, dt.date(2022, 1, 12), dt.date(2022, 6, 25),
     {"industrial_zone_outside_province": 90, "employment_fund": 35, "socioeconomic_programme": 12,
      "labour_export": 3}),
    (DEMO_COMMUNE, 2026, dt.date(2026, 1, 8), dt.date(2026, 9, 10),
     {"industrial_zone_outside_province": 95, "employment_fund": 30, "socioeconomic_programme": 14,
      "labour_export": 4, "service_centre": 9}),
    (DEMO_OTHER_COMMUNE, 2026, dt.date(2026, 1, 15), dt.date(2026, 9, 5),
     {"industrial_zone_outside_province": 52, "employment_fund": 18, "service_centre": 6}),
]
D = dt.date
# code, commune, type, borrower, purpose, amount, months, disbursed, jobs, collateral, status, repaid on
LOANS = [
    ("VL-HL-2021-014", DEMO_COMMUNE, "individual", "Hoàng Văn Lợi", "Nuôi lợn thịt", 50_000_000, 36,
     D(2021, 8, 12), 1, "", "current", None),
    ("VL-HL-2021-022", DEMO_COMMUNE, "individual", "Nông Thị Hoa", "Trồng na, chăn nuôi gà", 40_000_000, 24,
     D(2021, 10, 5), 1, "", "repaid", D(2023, 9, 30)),
    ("VL-HL-2022-003", DEMO_COMMUNE, "cooperative", "Hợp tác xã Chè Hữu Lũng", "Mở rộng xưởng chế biến chè",
     1_500_000_000, 60, D(2022, 2, 18), 20, "Quyền sử dụng đất và nhà xưởng", "current", None),
    ("VL-HL-2022-007", DEMO_COMMUNE, "household_business", "Hộ kinh doanh Lương Văn Tuấn", "Xưởng mộc dân dụng",
     300_000_000, 48, D(2022, 3, 22), 4, "Sổ đỏ thửa đất số 112", "current", None),
    ("VL-HL-2022-011", DEMO_COMMUNE, "individual", "Vi Văn Hùng", "Mua máy cày phục vụ dịch vụ làm đất",
     100_000_000, 60, D(2022, 4, 8), 1, "", "overdue", None),
    ("VL-HL-2022-015", DEMO_COMMUNE, "individual", "Hà Thị Mai", "Mở cửa hàng may mặc", 70_000_000, 36,
     D(2022, 5, 16), 2, "", "repaid", D(2025, 5, 10)),
    ("VL-CL-2022-002", DEMO_OTHER_COMMUNE, "business", "Công ty TNHH Nông sản Chi Lăng",
     "Dây chuyền sơ chế na, ớt xuất khẩu", 800_000_000, 60, D(2022, 3, 3), 12, "Dây chuyền máy móc và nhà xưởng",
     "current", None),
    ("VL-CL-2022-006", DEMO_OTHER_COMMUNE, "individual", "Lăng Văn Đức", "Nuôi bò sinh sản", 60_000_000, 36,
     D(2022, 6, 9), 1, "", "repaid", D(2025, 6, 2)),
    ("VL-HL-2026-004", DEMO_COMMUNE, "individual", "Triệu Thị Nga", "Trồng thạch đen", 80_000_000, 48,
     D(2026, 3, 17), 1, "", "current", None),
    ("VL-HL-2026-009", DEMO_COMMUNE, "household_business", "Hộ kinh doanh Chu Văn Sơn", "Dịch vụ sửa chữa máy nông nghiệp",
     250_000_000, 60, D(2026, 6, 24), 3, "Quyền sử dụng đất ở", "current", None),
    ("VL-CL-2026-003", DEMO_OTHER_COMMUNE, "individual", "Vy Thị Liên", "Chăn nuôi dê", 90_000_000, 36,
     D(2026, 5, 11), 1, "", "current", None),
]
GATES = ["Cửa khẩu quốc tế Hữu Nghị", "Cửa khẩu Tân Thanh", "Cửa khẩu Chi Ma", "Cửa khẩu Bình Nghi"]
# number, commune, holder, gate, days since issue, days to expiry (from today), workplace
PASSES = [
    ("STH-LS-260114", DEMO_COMMUNE, "Hoàng Văn Chiến", 0, 351, 14, "Xưởng gỗ Bằng Tường (Quảng Tây)"),
    ("STH-LS-260121", DEMO_COMMUNE, "Lành Thị Yến", 1, 336, 29, "Vườn chuối Long Châu (Quảng Tây)"),
    ("STH-LS-260207", DEMO_COMMUNE, "Nông Văn Thắng", 0, 340, 90, "Công trường xây dựng Bằng Tường"),
    ("STH-LS-250902", DEMO_COMMUNE, "Mông Văn Quang", 2, 370, -5, "Nhà máy đường Ninh Minh (Quảng Tây)"),
    ("STH-LS-260318", DEMO_COMMUNE, "Hứa Thị Thu", 0, 250, 180, "Xưởng may Bằng Tường"),
    ("STH-LS-260122", DEMO_OTHER_COMMUNE, "La Văn Minh", 3, 345, 7, "Trang trại mía Long Châu"),
    ("STH-LS-260402", DEMO_OTHER_COMMUNE, "Dương Thị Lan", 2, 230, 200, "Xưởng chế biến hoa quả Bằng Tường"),
]


def _names(rng: random.Random, count: int) -> list[str]:
    names = []
    for _ in range(count):
        sex = rng.choice(["male", "female"])
        surname = rng.choice(rng.choice(list(SURNAMES.values())))
        names.append(f"{surname} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}")
    return names


def _placements(ctx: DemoContext) -> int:
    rng = random.Random(SEED)
    made = 0
    for commune, year, first, last, channels in PLACEMENTS:
        total = sum(channels.values())
        # Drawn before the idempotency check, so a second run draws the same names.
        names = _names(rng, total)
        days = sorted(rng.randrange((last - first).days + 1) for _ in range(total))
        if Placement.objects.filter(commune_id=commune, placed_on__year=year).exists():
            continue
        # A few workers are people of the commune with a citizen ID: their page lists the job.
        people = list(
            Person.objects.filter(commune_id=commune, id_number__isnull=False, birth_year__lte=year - 18)
            .order_by("pk")[year % 7 : year % 7 + 5]
        )
        officer = ctx.users[OFFICERS[commune]]
        kinds = [channel for channel, count in channels.items() for _ in range(count)]
        rng.shuffle(kinds)
        with acting_as(officer):
            for index, (channel, name, day) in enumerate(zip(kinds, names, days, strict=True)):
                person = people[index] if index < len(people) else None
                services.placement_record(user=officer, values={
                    "commune_id": commune,
                    "worker_name": person.full_name if person else name,
                    "worker_id_number": person.id_number if person else "",
                    "channel": channel,
                    "employer": rng.choice(EMPLOYERS.get(channel, [""])) if channel != "other" else "",
                    "placed_on": first + dt.timedelta(days=day),
                })
                made += 1
    return made


def _loans(ctx: DemoContext) -> int:
    made = 0
    for (code, commune, kind, borrower, purpose, amount, months, disbursed, jobs, collateral, status,
         repaid_on) in LOANS:
        if Loan.objects.filter(code=code).exists():
            continue
        officer = ctx.users[OFFICERS[commune]]
        with acting_as(officer):
            services.loan_record(user=officer, values={
                "code": code, "commune_id": commune, "borrower_type": kind, "borrower_name": borrower,
                "purpose": purpose, "amount_vnd": amount, "term_months": months, "disbursed_on": disbursed,
                "jobs": jobs, "collateral": collateral, "repayment_status": status, "repaid_on": repaid_on,
            })
        made += 1
    return made


def _passes(ctx: DemoContext) -> int:
    today = timezone.localdate()
    made = 0
    for number, commune, holder, gate, since, left, workplace in PASSES:
        if BorderPass.objects.filter(number=number).exists():
            continue
        officer = ctx.users[OFFICERS[commune]]
        with acting_as(officer):
            services.border_pass_record(user=officer, values={
                "commune_id": commune, "number": number, "holder_name": holder, "border_gate": GATES[gate],
                "issued_on": today - dt.timedelta(days=since), "expires_on": today + dt.timedelta(days=left),
                "workplace": workplace,
            })
        made += 1
    return made


@demo_step(order=50)
def demo_employment(ctx: DemoContext) -> str:
    placements = _placements(ctx)
    loans = _loans(ctx)
    passes = _passes(ctx)
    return f"{placements} job placements, {loans} employment-fund loans, {passes} border-labour passes"
