"""Report periods and areas: the (area, half-year) a summary is about."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from welfare.areas.models import Commune, Province


@dataclass(frozen=True)
class Period:
    """Half 1 is 1 January – 30 June, half 2 is 1 July – 31 December, both ends included."""

    year: int
    half: int

    def __post_init__(self):
        if self.half not in (1, 2):
            raise ValueError("half is 1 or 2")

    @property
    def start(self) -> date:
        return date(self.year, 1, 1) if self.half == 1 else date(self.year, 7, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "half": self.half,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


@dataclass(frozen=True)
class ReportArea:
    """A province or a commune. A province's figures come from the records of all its
    communes, never from adding up commune snapshots (contract.md)."""

    level: str  # "province" or "commune"
    code: int
    name: str
    province_code: int

    @classmethod
    def province(cls, code: int) -> "ReportArea":
        p = Province.objects.get(code=code)
        return cls(level="province", code=p.code, name=p.name, province_code=p.code)

    @classmethod
    def commune(cls, code: int) -> "ReportArea":
        c = Commune.objects.get(code=code)
        return cls(level="commune", code=c.code, name=c.name, province_code=c.province_id)

    @classmethod
    def of(cls, level: str, code: int) -> "ReportArea":
        return cls.province(code) if level == "province" else cls.commune(code)

    def records_q(self, commune_path: str = "commune") -> Q:
        """Records whose commune (at `commune_path`) lies in this area."""
        if self.level == "province":
            return Q(**{f"{commune_path}__province": self.code})
        return Q(**{commune_path: self.code})

    def as_dict(self) -> dict:
        return {"level": self.level, "code": str(self.code), "name": self.name}
