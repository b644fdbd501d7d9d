"""Province-scale demo data: `demo_data --province CODE --scale full` (or `--households N`).

Generates a plausible province, shaped on Lạng Sơn's half-year report of 2022
(`reference/langson-halfyear-2022.txt`: about 192,700 households, 12.20 % poor and 12.07 %
near-poor in the review of 2021, 427,880 health-insurance cards, a hunger round of 4,683
households with 233,580 kg of rice, Tết gifts, 22,837 monthly allowance payments to the
meritorious, 11,000 placements against a plan of 16,000, 2,364 fund loans, 126 billion VND of
COVID-19 support), scaled to the number of households asked for. The years generated are 2022
(both halves) and the current year up to yesterday; the poverty reviews are those of 2021 and
2025.

Every record goes through the import engine's bulk paths, as `import_records` does (acting as
an admin, one transaction per kind): each kind's file is written as CSV to a temporary file,
row by row, and imported from there, so memory stays flat. The random choices are seeded
(the same province and size give the same rows). A kind already imported for this province
(an `ImportRun` with the kind's file name, imported and not undone) is skipped, so running
again adds nothing and a run stopped half-way resumes at the kind that failed.
"""

import csv
import datetime as dt
import io
import random
import tempfile
import time
from array import array
from collections.abc import Callable, Iterable, Iterator

from django.db import connection
from django.utils import timezone

# The province of the reference report: its households at the review of 2021
# (23,510 poor households = 12.20 %).
FULL_HOUSEHOLDS = 192_700
SCALES = {"full": FULL_HOUSEHOLDS}

FAMILY = ["Nguyễn", "Hoàng", "Vi", "Lường", "Nông", "Lăng", "Hà", "Đinh", "Lộc", "Mông", "Trần",
          "Lê", "Triệu", "Chu", "Dương", "Lý", "Ninh", "Bế", "Hứa", "Lương"]
MIDDLE_MALE = ["Văn", "Đức", "Văn Minh", "Hữu", "Quốc", "Đình", "Xuân"]
MIDDLE_FEMALE = ["Thị", "Thị Thu", "Thị Hồng", "Ngọc", "Thị Kim"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Nam", "Sáu", "Thắng", "Tuấn", "Hải", "Long", "Phúc",
              "Quang", "Sơn", "Thành", "Vinh", "Khánh"]
GIVEN_FEMALE = ["Hoa", "Lan", "Mai", "Yến", "Hương", "Hằng", "Nga", "Nhung", "Thảo", "Trang",
                "Vân", "Liên", "Hạnh", "Phương"]
ETHNICITIES = ["Tày", "Nùng", "Kinh", "Dao", "Sán Chay", "Hoa", "Mông"]
ETHNIC_WEIGHTS = [35, 42, 16, 4, 1, 1, 1]

POOR, NEAR, AVERAGE, NOT_POOR = 1, 2, 3, 4
LINES = {"rural": 1_500_000, "urban": 2_000_000}  # Decree 07/2021, per person per month
UPPER = {"rural": 2_250_000, "urban": 3_000_000}


class ScaleDemoError(Exception):
    """An import of the generated rows was refused (a bug in the generator)."""


def _csv_file(header: list[str], rows: Iterable[list]) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """The rows as a UTF-8 CSV in a temporary file (on disk beyond 16 MB); the number of rows."""
    spool = tempfile.SpooledTemporaryFile(max_size=16 << 20)
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        count += 1
    text.flush()
    text.detach()
    spool.seek(0)
    return spool, count


class ScaleDemo:
    """One province's generated records; `run()` imports them kind by kind."""

    def __init__(self, *, province: int, households: int, seed: int = 2022,
                 today: dt.date | None = None, write: Callable[[str], None] = print):
        from welfare.areas.models import Commune, Province

        self.province = Province.objects.get(code=province)
        self.communes = list(
            Commune.objects.filter(province=self.province).order_by("code").values_list("code", flat=True)
        )
        if not self.communes:
            raise ScaleDemoError(f"province {province} has no communes")
        self.n = households
        self.f = households / FULL_HOUSEHOLDS
        self.seed = seed
        self.today = today or timezone.localdate()
        self.yesterday = self.today - dt.timedelta(days=1)
        self.year = self.today.year
        self.write = write
        self.prefix = f"SD{province:02d}-"
        # Citizen IDs: the province's birth-registration code when it is one, else 001.
        from welfare.households.validators import OLD_PROVINCE_CODES

        self.id_prefix = f"{province:03d}" if province in OLD_PROVINCE_CODES else "001"
        self._households()

    # --- helpers ----------------------------------------------------------------------------

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}-{self.province.code}-{self.n}-{name}")

    def scaled(self, full: float, minimum: int = 1) -> int:
        return max(minimum, round(full * self.f))

    def code(self, i: int) -> str:
        return f"{self.prefix}{i:06d}"

    def commune(self, i: int) -> int:
        return self.communes[self.commune_of[i]]

    @staticmethod
    def name(rng: random.Random, female: bool) -> str:
        middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        return f"{rng.choice(FAMILY)} {middle} {given}"

    def head_name(self, i: int) -> str:
        rng = random.Random(self.seed * 7_919 + i)
        return self.name(rng, female=self.female_head[i] == 1)

    def citizen_id(self, serial: int, *, female: bool, birth_year: int) -> str:
        digit = (0 if birth_year < 2000 else 2) + (1 if female else 0)
        return f"{self.id_prefix}{digit}{birth_year % 100:02d}{serial:06d}"

    def day(self, rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
        end = min(end, self.yesterday)
        if end < start:
            end = start
        return start + dt.timedelta(days=rng.randrange((end - start).days + 1))

    def periods(self) -> list[tuple[dt.date, dt.date]]:
        """The half-years with activity: 2022's two, and the current year's up to yesterday."""
        halves = [(dt.date(2022, 1, 1), dt.date(2022, 6, 30)), (dt.date(2022, 7, 1), dt.date(2022, 12, 31))]
        if self.year > 2022:
            halves.append((dt.date(self.year, 1, 1), dt.date(self.year, 6, 30)))
            if self.today > dt.date(self.year, 7, 1):
                halves.append((dt.date(self.year, 7, 1), dt.date(self.year, 12, 31)))
        return halves

    def _households(self) -> None:
        """The little kept per household (a few bytes each): commune, sex of the head, area,
        and the results of the reviews of 2021 and 2025."""
        rng = self.rng("households")
        weights = [rng.uniform(0.4, 1.6) for _ in self.communes]
        cumulative, total = [], 0.0
        for w in weights:
            total += w
            cumulative.append(total)
        n = self.n
        self.commune_of = array("H", rng.choices(range(len(self.communes)), cum_weights=cumulative, k=n))
        self.female_head = bytearray(1 if rng.random() < 0.22 else 0 for _ in range(n))
        self.urban = bytearray(1 if rng.random() < 0.11 else 0 for _ in range(n))
        s21 = bytearray(n)
        s25 = bytearray(n)
        for i in range(n):
            x = rng.random()
            s21[i] = POOR if x < 0.1220 else NEAR if x < 0.2427 else AVERAGE if x < 0.45 else NOT_POOR
            y = rng.random()
            if s21[i] == POOR:
                s25[i] = POOR if y < 0.40 else NEAR if y < 0.70 else AVERAGE
            elif s21[i] == NEAR:
                s25[i] = POOR if y < 0.02 else NEAR if y < 0.32 else AVERAGE
            else:
                s25[i] = POOR if y < 0.005 else NEAR if y < 0.025 else AVERAGE if y < 0.30 else NOT_POOR
        self.s21, self.s25 = s21, s25

    def with_status(self, statuses, wanted: set[int]) -> list[int]:
        return [i for i in range(self.n) if statuses[i] in wanted]

    # --- running ----------------------------------------------------------------------------

    def file_name(self, kind: str) -> str:
        return f"scale-demo-{self.province.code}-{kind}.csv"

    def done(self, kind: str):
        from welfare.imports.models import ImportRun, RunStatus

        return ImportRun.objects.filter(
            file_name=self.file_name(kind), kind=kind, status=RunStatus.IMPORTED, dry_run=False
        ).first()

    def steps(self) -> list[tuple[str, Callable[[], tuple[list[str], Iterator[list]]]]]:
        return [
            ("households", self.households),
            ("members", self.members),
            ("poverty_reviews", self.poverty_reviews),
            ("insurance_cards", self.insurance_cards),
            ("relief_distributions", self.relief),
            ("gifts", self.gifts),
            ("merit_beneficiaries", self.merit_beneficiaries),
            ("allowance_payments", self.allowance_payments),
            ("merit_dossiers", self.merit_dossiers),
            ("covid_support", self.covid_support),
            ("loans", self.loans),
            ("job_placements", self.job_placements),
            ("plans", self.plans),
        ]

    def run(self) -> dict[str, int]:
        """Import every kind not imported yet; the rows imported per kind."""
        from welfare.imports.models import ImportSource
        from welfare.imports.services import import_execute, import_run_create

        counts: dict[str, int] = {}
        started_all = time.perf_counter()
        self.write(f"province {self.province.code} {self.province.name}: {len(self.communes)} communes, "
                   f"{self.n:,} households")
        for kind, generate in self.steps():
            previous = self.done(kind)
            if previous is not None:
                self.write(f"{kind:22} already generated ({previous.rows:,} rows, import {previous.pk}): skipped")
                counts[kind] = 0
                continue
            started = time.perf_counter()
            header, rows = generate()
            stream, count = _csv_file(header, rows)
            generated = time.perf_counter() - started
            if not count:
                stream.close()
                self.write(f"{kind:22} nothing to generate")
                counts[kind] = 0
                continue
            stream.seek(0, 2)
            size = stream.tell()
            stream.seek(0)
            run = import_run_create(user=None, kind=kind, file_name=self.file_name(kind), chunks=None,
                                    dry_run=False, source=ImportSource.COMMAND, file_size=size)
            try:
                outcome = import_execute(run=run, stream=stream)
            finally:
                stream.close()
            if not outcome.ok:
                lines = "\n".join(p.line() for p in outcome.problems[:10])
                raise ScaleDemoError(f"{kind}: {outcome.problem_count} problem(s), nothing saved:\n{lines}")
            seconds = time.perf_counter() - started
            counts[kind] = outcome.rows
            self.write(f"{kind:22} {outcome.rows:>9,} rows  {seconds:7.1f} s  (generating {generated:.1f} s)")
        self.write(f"{'total':22} {sum(counts.values()):>9,} rows  {time.perf_counter() - started_all:7.1f} s")
        if any(counts.values()) and connection.vendor == "postgresql":
            # Planner statistics for the tables just filled: autovacuum would gather them within
            # minutes, but a server without it (or the summary run right after) would plan on
            # guessed row counts, 2-15 times slower (bench/README.md, summary_bench.py).
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.write(f"{'ANALYZE':22} {'':>9}       {time.perf_counter() - started:7.1f} s")
        return counts

    # --- the kinds --------------------------------------------------------------------------

    def households(self):
        header = ["household_code", "commune_code", "head_name", "area_type", "village", "address",
                  "head_id_number"]

        def rows():
            for i in range(self.n):
                id_number = ""
                if i % 3 == 0 and i < 1_000_000:  # a third of the heads with their citizen ID
                    id_number = self.citizen_id(i, female=self.female_head[i] == 1, birth_year=1945 + i % 55)
                yield [self.code(i), self.commune(i), self.head_name(i),
                       "urban" if self.urban[i] else "rural", f"Thôn {i % 23 + 1}",
                       f"Số {i % 180 + 1}, thôn {i % 23 + 1}", id_number]

        return header, rows()

    def members(self):
        header = ["household_code", "full_name", "relation", "sex", "birth_date", "ethnicity"]
        rng = self.rng("members")

        def rows():
            for i in range(self.n):
                if i % 3 == 0:  # a spouse in a third of the households
                    female = self.female_head[i] == 0
                    born = dt.date(1950 + rng.randrange(50), 1 + rng.randrange(12), 1 + rng.randrange(28))
                    yield [self.code(i), self.name(rng, female), "spouse", "female" if female else "male",
                           born.isoformat(), rng.choices(ETHNICITIES, ETHNIC_WEIGHTS)[0]]
                if i % 6 == 0:  # and a child in a sixth
                    female = rng.random() < 0.5
                    born = dt.date(2000 + rng.randrange(20), 1 + rng.randrange(12), 1 + rng.randrange(28))
                    yield [self.code(i), self.name(rng, female), "child", "female" if female else "male",
                           born.isoformat(), rng.choices(ETHNICITIES, ETHNIC_WEIGHTS)[0]]

        return header, rows()

    def poverty_reviews(self):
        header = ["household_code", "review_year", "income_per_capita_vnd", "deprivations", "recognised_on"]
        rng = self.rng("reviews")

        def review(i: int, status: int, year: int) -> list:
            area = "urban" if self.urban[i] else "rural"
            line, upper = LINES[area], UPPER[area]
            if status in (POOR, NEAR):
                income = rng.randrange(line // 2, line, 10_000)
            elif status == AVERAGE:
                income = rng.randrange(line + 10_000, upper, 10_000)
            else:
                income = rng.randrange(upper + 10_000, upper * 3, 10_000)
            count = rng.randint(3, 6) if status == POOR else rng.randint(0, 2)
            deprivations = ";".join(str(d) for d in sorted(rng.sample(range(1, 13), count)))
            recognised = dt.date(year, 12, 10) + dt.timedelta(days=i % 15)
            return [self.code(i), year, income, deprivations, min(recognised, self.yesterday).isoformat()]

        def rows():
            for i in range(self.n):
                yield review(i, self.s21[i], 2021)
                if self.today > dt.date(2025, 12, 1):
                    yield review(i, self.s25[i], 2025)

        return header, rows()

    CARD_CODES = {"poor": "HN4", "near_poor": "CN3", "meritorious": "CC1", "social_protection": "BT2",
                  "ethnic_minority": "DT2", "other": "GD4"}

    def insurance_cards(self):
        header = ["card_number", "holder_name", "commune_code", "beneficiary_group", "issued_on",
                  "valid_from", "valid_to", "household_code"]
        rng = self.rng("cards")
        group_of = {POOR: "poor", NEAR: "near_poor"}
        others = ["ethnic_minority"] * 7 + ["other"] * 2 + ["meritorious", "social_protection"]

        def card(serial: int, year: int, group: str, name: str, commune: int, household: str,
                 start: dt.date, end: dt.date) -> list:
            issued = self.day(rng, start, end)
            # 15 characters as a card's; the 9 keeps them apart from the small demo's numbers,
            # which carry a commune code there.
            number = f"{self.CARD_CODES[group]}{self.province.code % 100:02d}{year % 100:02d}9{serial:07d}"
            return [number, name, commune, group, issued.isoformat(), issued.isoformat(),
                    dt.date(year, 12, 31).isoformat(), household]

        def rows():
            serial = 0
            # 2022, first half: a card for every head (their household's group), the rest of the
            # 427,880 of the report for people recorded by name only.
            h1 = (dt.date(2022, 1, 1), dt.date(2022, 6, 30))
            for i in range(self.n):
                group = group_of.get(self.s21[i]) or rng.choice(others)
                yield card(serial, 2022, group, self.head_name(i), self.commune(i), self.code(i), *h1)
                serial += 1
            for _ in range(max(0, self.scaled(427_880) - self.n)):
                i = rng.randrange(self.n)
                group = group_of.get(self.s21[i]) or rng.choice(others)
                yield card(serial, 2022, group, self.name(rng, rng.random() < 0.5), self.commune(i), "", *h1)
                serial += 1
            # The current year: the heads of the households poor or near-poor by the review of
            # 2025, and some more by name.
            if self.year > 2022 and self.today > dt.date(2025, 12, 1):
                current = (dt.date(self.year, 1, 1), dt.date(self.year, 12, 31))
                for i in range(self.n):
                    group = group_of.get(self.s25[i])
                    if group:
                        yield card(serial, self.year, group, self.head_name(i), self.commune(i), self.code(i),
                                   *current)
                        serial += 1
                for _ in range(self.scaled(15_000)):
                    i = rng.randrange(self.n)
                    yield card(serial, self.year, rng.choice(others), self.name(rng, rng.random() < 0.5),
                               self.commune(i), "", *current)
                    serial += 1

        return header, rows()

    def relief(self):
        header = ["round_code", "commune_code", "cause", "persons_covered", "distributed_on",
                  "household_code", "rice_kg", "cost_vnd"]
        rng = self.rng("relief")
        p = self.province.code
        # (round, cause, households, status of which review, first day, last day)
        rounds = [
            (f"CUUDOI-{p}-2022-1", "hunger", 4_683, self.s21, dt.date(2022, 1, 10), dt.date(2022, 4, 30)),
            (f"THIENTAI-{p}-2022-2", "disaster", 420, None, dt.date(2022, 8, 5), dt.date(2022, 9, 30)),
        ]
        if self.year > 2022 and self.today > dt.date(self.year, 2, 1):
            rounds.append((f"CUUDOI-{p}-{self.year}-1", "hunger", 2_150, self.s25,
                           dt.date(self.year, 1, 15), dt.date(self.year, 4, 30)))

        def rows():
            for code, cause, full, statuses, start, end in rounds:
                pool = (self.with_status(statuses, {POOR, NEAR}) if statuses is not None else list(range(self.n)))
                chosen = sorted(rng.sample(pool, min(len(pool), self.scaled(full))))
                for i in chosen:
                    persons = rng.choices([1, 2, 3, 4, 5, 6], [8, 17, 25, 27, 15, 8])[0]
                    rice = persons * 15  # 15 kg a person (233,580 kg for 15,572 persons in 2022)
                    yield [code, self.commune(i), cause, persons, self.day(rng, start, end).isoformat(),
                           self.code(i), rice, rice * 15_400]

        return header, rows()

    def gifts(self):
        header = ["round_code", "commune_code", "recipient_group", "funding_source", "recipient_name",
                  "value_vnd", "given_on", "household_code"]
        rng = self.rng("gifts")
        p = self.province.code
        values = [300_000, 400_000, 500_000, 600_000, 1_000_000]
        value_weights = [20, 25, 25, 20, 10]
        groups = ["meritorious", "poor_household", "worker", "other", "children", "elderly"]
        group_weights = [40, 30, 10, 14, 3, 3]
        sources = ["province", "district", "commune", "socialized"]

        def tet(code: str, year: int, scale: float, start: dt.date, end: dt.date):
            poor = self.with_status(self.s21 if year == 2022 else self.s25, {POOR})
            # Gifts of 600,000 VND: poor households in hardship, social protection, elderly, children.
            for i in sorted(rng.sample(poor, min(len(poor), self.scaled(1_730 * scale)))):
                yield [code, self.commune(i), "poor_household", "province", self.head_name(i), 600_000,
                       self.day(rng, start, end).isoformat(), self.code(i)]
            for group, full in (("social_protection", 524), ("elderly", 10), ("children", 4)):
                for _ in range(self.scaled(full * scale)):
                    i = rng.randrange(self.n)
                    yield [code, self.commune(i), group, "central", self.name(rng, rng.random() < 0.5), 600_000,
                           self.day(rng, start, end).isoformat(), ""]
            # Gifts passed on from the province, districts, communes and donors: 29,193 people.
            for _ in range(self.scaled(29_193 * scale)):
                i = rng.randrange(self.n)
                yield [code, self.commune(i), rng.choices(groups, group_weights)[0], rng.choice(sources),
                       self.name(rng, rng.random() < 0.5), rng.choices(values, value_weights)[0],
                       self.day(rng, start, end).isoformat(), ""]

        def rows():
            yield from tet(f"TET-{p}-2022", 2022, 1.0, dt.date(2022, 1, 10), dt.date(2022, 1, 31))
            # 27 July, Day of War Invalids and Martyrs: gifts to the meritorious.
            for _ in range(self.scaled(6_500)):
                i = rng.randrange(self.n)
                yield [f"2707-{p}-2022", self.commune(i), "meritorious", rng.choice(["province", "district"]),
                       self.name(rng, rng.random() < 0.5), rng.choice([300_000, 500_000]),
                       self.day(rng, dt.date(2022, 7, 15), dt.date(2022, 7, 27)).isoformat(), ""]
            if self.year > 2022 and self.today > dt.date(self.year, 2, 28):
                yield from tet(f"TET-{p}-{self.year}", self.year, 0.8, dt.date(self.year, 1, 20),
                               dt.date(self.year, 2, 15))

        return header, rows()

    MERIT = [  # category, relation, share, coefficient of the base amount
        ("c", "parent", 8, 1.0), ("c", "spouse", 10, 1.0), ("c", "child", 17, 1.0),
        ("e", "self", 30, 1.45), ("g", "self", 7, 1.35), ("h", "self", 20, 1.05),
        ("i", "self", 3, 0.9), ("k", "self", 4, 0.7), ("b", "self", 1, 1.9),
    ]

    def merit_list(self) -> Iterator[tuple]:
        """The meritorious beneficiaries: code, household index, category, relation, coefficient."""
        rng = self.rng("merit")
        weights = [m[2] for m in self.MERIT]
        for k in range(self.scaled(3_806)):
            category, relation, _share, coefficient = rng.choices(self.MERIT, weights)[0]
            yield f"NCC{self.province.code:02d}-{k:05d}", rng.randrange(self.n), category, relation, coefficient

    def merit_beneficiaries(self):
        header = ["beneficiary_code", "full_name", "commune_code", "category", "relation", "birth_date",
                  "sex", "id_number"]
        rng = self.rng("merit-people")

        def rows():
            for k, (code, i, category, relation, _c) in enumerate(self.merit_list()):
                female = relation in ("parent", "spouse") and rng.random() < 0.8 or rng.random() < 0.2
                year = 1925 + rng.randrange(20) if relation == "parent" else 1945 + rng.randrange(30)
                born = dt.date(year, 1 + rng.randrange(12), 1 + rng.randrange(28))
                # Serials 600,000 and up: apart from the heads' (below 200,000).
                id_number = self.citizen_id(600_000 + k, female=female, birth_year=year)
                yield [code, self.name(rng, female), self.commune(i), category, relation, born.isoformat(),
                       "female" if female else "male", id_number]

        return header, rows()

    def months(self) -> list[dt.date]:
        months = [dt.date(2022, m, 1) for m in range(1, 13)]
        if self.year > 2022:
            months += [dt.date(self.year, m, 1) for m in range(1, 13) if dt.date(self.year, m, 10) <= self.yesterday]
        return months

    def allowance_payments(self):
        from beneficiaries.models import PaymentRun, Programme, RunStatus

        header = ["beneficiary_code", "month", "amount_vnd", "kind", "paid_on"]
        # Months a head already approved (the small demo's runs) cannot take imported payments.
        locked = set(PaymentRun.objects.filter(
            programme=Programme.MERIT, province=self.province, status=RunStatus.APPROVED,
        ).values_list("commune_id", "month"))

        def rows():
            for code, i, _category, _relation, coefficient in self.merit_list():
                commune = self.commune(i)
                for month in self.months():
                    if (None, month) in locked or (commune, month) in locked:
                        continue
                    base = 1_624_000 if month.year < 2024 else 2_789_000  # the standard amount
                    amount = round(base * coefficient / 1_000) * 1_000
                    yield [code, f"{month:%Y-%m}", amount, "monthly", month.replace(day=10).isoformat()]

        return header, rows()

    def merit_dossiers(self):
        header = ["dossier_code", "commune_code", "applicant_name", "kind", "received_on", "status", "decided_on"]
        rng = self.rng("dossiers")

        def rows():
            k = 0
            for start, end in self.periods():
                for _ in range(self.scaled(760 if start.year == 2022 else 520)):
                    i = rng.randrange(self.n)
                    received = self.day(rng, start, end)
                    decided = received + dt.timedelta(days=rng.randrange(10, 45))
                    x = rng.random()
                    if decided > self.yesterday or x < 0.08:
                        status, decided_on = rng.choice(["received", "in_review"]), ""
                    else:
                        status = "approved" if x < 0.85 else "rejected" if x < 0.95 else "returned"
                        # Only a decision (approved, rejected) has a date; a returned dossier has none.
                        decided_on = decided.isoformat() if status != "returned" else ""
                    kind = rng.choices(["recognition", "allowance", "other"], [35, 55, 10])[0]
                    yield [f"HS{self.province.code:02d}-{received.year}-{k:05d}", self.commune(i),
                           self.name(rng, rng.random() < 0.5), kind, received.isoformat(), status, decided_on]
                    k += 1

        return header, rows()

    def covid_support(self):
        header = ["commune_code", "recipient_type", "recipient_name", "policy", "amount_vnd", "approved_on"]
        rng = self.rng("covid")

        def rows():
            # About 126 billion VND approved from July 2021 to the end of February 2022.
            for _ in range(self.scaled(26_400)):
                i = rng.randrange(self.n)
                x = rng.random()
                if x < 0.90:
                    kind, amount = "worker", rng.choice([1_500_000, 1_855_000, 2_500_000, 3_710_000])
                    name = self.name(rng, rng.random() < 0.5)
                elif x < 0.98:
                    kind, amount = "household_business", 3_000_000
                    name = f"Hộ kinh doanh {self.name(rng, rng.random() < 0.5)}"
                else:
                    kind, amount = "employer", rng.randrange(20_000_000, 200_000_000, 1_000_000)
                    name = f"Công ty TNHH {rng.choice(GIVEN_MALE)} {rng.choice(['Xanh', 'Việt', 'Bắc', 'Lạng'])}"
                policy = "68/NQ-CP" if rng.random() < 0.7 else "23/2021/QĐ-TTg"
                yield [self.commune(i), kind, name, policy, amount,
                       self.day(rng, dt.date(2021, 7, 20), dt.date(2022, 2, 28)).isoformat()]

        return header, rows()

    def loans(self):
        header = ["loan_code", "commune_code", "borrower_name", "borrower_type", "amount_vnd", "disbursed_on",
                  "jobs", "term_months"]
        rng = self.rng("loans")

        def rows():
            k = 0
            for start, end in self.periods():
                full = 2_364 if start == dt.date(2022, 1, 1) else 1_900
                for _ in range(self.scaled(full)):
                    i = rng.randrange(self.n)
                    if rng.random() < 0.85:
                        kind, jobs = "individual", 1
                        amount = rng.randrange(20_000_000, 60_000_001, 5_000_000)
                        name = self.name(rng, rng.random() < 0.5)
                    else:
                        kind, jobs = "household_business", rng.randint(2, 4)
                        amount = rng.randrange(60_000_000, min(140_000_000, 100_000_000 * jobs) + 1, 10_000_000)
                        name = f"Hộ kinh doanh {self.name(rng, rng.random() < 0.5)}"
                    yield [f"VL{self.province.code:02d}-{start.year}-{k:05d}", self.commune(i), name, kind, amount,
                           self.day(rng, start, end).isoformat(), jobs, rng.choice([24, 36, 60])]
                    k += 1

        return header, rows()

    def job_placements(self):
        header = ["commune_code", "worker_name", "channel", "placed_on", "employer"]
        rng = self.rng("placements")
        employers = ["Công ty TNHH Foxconn Bắc Giang", "Công ty TNHH Luxshare-ICT", "Công ty CP May Lạng Sơn",
                     "Công ty TNHH Samsung Display", "Hợp tác xã Nông nghiệp Mẫu Sơn", ""]
        # 2022's first half as the report says: 11,000 new jobs, 68.75 % of the 16,000 planned.
        shares = {"employment_fund": 3_000, "socioeconomic_programme": 1_000,
                  "industrial_zone_outside_province": 7_000}
        later = {"employment_fund": 2_600, "socioeconomic_programme": 1_300,
                 "industrial_zone_outside_province": 3_900, "labour_export": 450, "service_centre": 600}

        def rows():
            for start, end in self.periods():
                for channel, full in (shares if start == dt.date(2022, 1, 1) else later).items():
                    for _ in range(self.scaled(full)):
                        i = rng.randrange(self.n)
                        employer = rng.choice(employers) if channel != "labour_export" else "Đài Loan (Trung Quốc)"
                        yield [self.commune(i), self.name(rng, rng.random() < 0.45), channel,
                               self.day(rng, start, end).isoformat(), employer]

        return header, rows()

    def plans(self):
        from welfare.reports.models import Plan

        header = ["province_code", "commune_code", "year", "indicator", "target"]
        years = sorted({2022, self.year})
        existing = set(Plan.objects.filter(province=self.province, year__in=years, indicator="new_jobs")
                       .values_list("commune_id", "year"))
        sizes = [0] * len(self.communes)
        for c in self.commune_of:
            sizes[c] += 1

        def rows():
            for year in years:
                total = self.scaled(16_000 if year == 2022 else 15_500)
                if (None, year) not in existing:  # the small demo's province targets stay as they are
                    yield [self.province.code, "", year, "new_jobs", total]
                for index, code in enumerate(self.communes):
                    if (code, year) not in existing and sizes[index]:
                        yield [self.province.code, code, year, "new_jobs",
                               max(1, round(total * sizes[index] / self.n / 10) * 10)]

        return header, rows()
