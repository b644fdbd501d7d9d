"""The half-year report's narrative (contract.md, "Half-year summary", "Text"): the figures of a
summary written section by section as a department's report reads
(`reference/langson-halfyear-2022.txt`), from the template `reports/narrative.txt`.

This module only prepares what the template writes: each section's figures already in their
Vietnamese forms (`welfare.core.formatting`: counts grouped from 4 digits, computed rates with
two decimals, rate targets as entered, money in đồng / triệu / tỷ with hơn or gần, dates
dd/mm/yyyy), and whether the section has anything to say: a section whose counts and sums are
all 0 is left out. The sections a head writes (shortcomings and causes, tasks, recommendations)
come from the snapshot; the targets for the next half-year from the plans.
"""

from django.template.loader import render_to_string
from django.utils import translation

from welfare.core.formatting import (
    format_date,
    format_money,
    format_rate,
    format_target_rate,
    group_int,
)

from .indicators import plans_for
from .models import PlanIndicator
from .periods import Period, ReportArea

# The channels of new jobs as the report names them, in its order (glossary.md).
CHANNEL_PHRASES = [
    ("employment_fund", "lao động từ nguồn vốn vay giải quyết việc làm"),
    ("socioeconomic_programme", "lao động được tạo việc làm mới từ các chương trình phát triển kinh tế - xã hội"),
    ("industrial_zone_outside_province", "lao động đi làm việc tại các khu công nghiệp ngoài tỉnh"),
    ("labour_export", "lao động đi làm việc ở nước ngoài theo hợp đồng"),
    ("service_centre", "lao động được giới thiệu việc làm qua Trung tâm Dịch vụ việc làm"),
    ("other", "lao động có việc làm mới qua các kênh khác"),
]
GIFT_GROUPS = {
    "poor_household": "hộ nghèo có hoàn cảnh đặc biệt khó khăn",
    "social_protection": "đối tượng bảo trợ xã hội",
    "elderly": "người cao tuổi",
    "children": "trẻ em",
    "meritorious": "người có công",
    "worker": "người lao động",
    "other": "đối tượng khác",
}


def period_words(period: Period) -> str:
    """"6 tháng đầu năm 2022" / "6 tháng cuối năm 2022"."""
    return f"6 tháng {'đầu' if period.half == 1 else 'cuối'} năm {period.year}"


def next_period_words(period: Period) -> str:
    return f"6 tháng cuối năm {period.year}" if period.half == 1 else f"6 tháng đầu năm {period.year + 1}"


def _standard_name(review_year: int) -> str:
    from welfare.households.models import PovertyStandard

    standard = PovertyStandard.objects.filter(
        first_review_year__lte=review_year, last_review_year__gte=review_year
    ).first()
    if standard is None:
        return ""
    return standard.name[:1].lower() + standard.name[1:]  # "theo chuẩn nghèo đa chiều …"


def _targets(area: ReportArea, period: Period, data: dict) -> dict:
    """The targets the next half-year works towards: this year's plans after the first half,
    next year's after the second."""
    if period.half == 1:
        entered = data.get("targets", {})
    else:
        entered = {key: value for key, value in plans_for(area, period.year + 1).items()}
    words = {}
    if entered.get(PlanIndicator.NEW_JOBS):
        words["new_jobs"] = group_int(int(entered[PlanIndicator.NEW_JOBS]))
    if entered.get(PlanIndicator.TRAINED_LABOUR_RATE):
        words["trained_labour_rate"] = format_target_rate(entered[PlanIndicator.TRAINED_LABOUR_RATE])
    if entered.get(PlanIndicator.POVERTY_RATE_REDUCTION):
        words["poverty_rate_reduction"] = format_target_rate(entered[PlanIndicator.POVERTY_RATE_REDUCTION])
    return words


def narrative_context(data: dict, *, sections: dict | None = None) -> dict:
    """What the template writes, from a summary's JSON (`summary_to_jsonable`)."""
    area_data, period_data = data["area"], data["period"]
    period = Period(period_data["year"], period_data["half"])
    area = ReportArea(
        level=area_data["level"],
        code=int(area_data["code"]),
        name=area_data["name"],
        province_code=int(area_data["code"]),
    )
    whole = "toàn tỉnh" if area.level == "province" else "toàn xã"
    poverty = data["poverty"]
    insurance = data["health_insurance"]
    hunger = data["hunger_relief"]
    gifts = data["gifts"]
    merit = data["meritorious"]
    social = data["social_protection"]
    jobs = data["employment"]
    covid = data["covid_support"]
    loans = jobs["fund_loans"]
    context = {
        "area_name": area.name,
        "whole": whole,
        "period_words": period_words(period),
        "next_period_words": next_period_words(period),
        "poverty": None,
        "insurance": None,
        "hunger": None,
        "gifts": None,
        "merit": None,
        "social": None,
        "jobs": None,
        "loans": None,
        "covid": None,
    }
    if poverty["households"]:
        context["poverty"] = {
            "review_year": poverty["review_year"],
            "standard": _standard_name(poverty["review_year"]),
            "households": group_int(poverty["households"]),
            "poor": group_int(poverty["poor"]),
            "poor_rate": format_rate(poverty["poor_rate"]),
            "near_poor": group_int(poverty["near_poor"]),
            "near_poor_rate": format_rate(poverty["near_poor_rate"]),
        }
    if insurance["cards_issued"]:
        context["insurance"] = {"cards": group_int(insurance["cards_issued"])}
    if any(hunger.values()):
        context["hunger"] = {
            "households": group_int(hunger["households"]),
            "persons": group_int(hunger["persons"]),
            "rice_kg": group_int(hunger["rice_kg"]),
            "cost": format_money(hunger["cost_vnd"]) if hunger["cost_vnd"] else "",
        }
    if gifts["total"]["count"]:
        context["gifts"] = {
            "count": group_int(gifts["total"]["count"]),
            "value": format_money(gifts["total"]["value_vnd"]),
            "groups": [
                {
                    "name": GIFT_GROUPS.get(key, key),
                    "count": group_int(figures["count"]),
                    "value": format_money(figures["value_vnd"]),
                }
                for key, figures in sorted(
                    gifts["by_group"].items(), key=lambda item: list(GIFT_GROUPS).index(item[0])
                    if item[0] in GIFT_GROUPS else len(GIFT_GROUPS)
                )
            ],
        }
    if any(merit.values()):
        context["merit"] = {
            "payments": group_int(merit["allowance_payments"]) if merit["allowance_payments"] else "",
            "amount": format_money(merit["allowance_amount_vnd"]),
            "received": group_int(merit["dossiers_received"]) if merit["dossiers_received"] else "",
            "resolved": group_int(merit["dossiers_resolved"]) if merit["dossiers_resolved"] else "",
        }
    if any(social.values()):
        context["social"] = {
            "beneficiaries": group_int(social["beneficiaries"]) if social["beneficiaries"] else "",
            "payments": group_int(social["payments"]) if social["payments"] else "",
            "amount": format_money(social["amount_vnd"]),
            "end": format_date(period.end),
        }
    if jobs["new_jobs"]:
        context["jobs"] = {
            "new_jobs": group_int(jobs["new_jobs"]),
            "plan": group_int(jobs["plan"]) if jobs["plan"] else "",
            "plan_rate": format_rate(jobs["plan_rate"]) if jobs["plan_rate"] is not None else "",
            "channels": [
                f"{group_int(jobs['by_channel'][key])} {phrase}"
                for key, phrase in CHANNEL_PHRASES
                if jobs["by_channel"].get(key)
            ],
        }
    if loans["projects"]:
        context["loans"] = {
            "projects": group_int(loans["projects"]),
            "amount": format_money(loans["amount_vnd"]),
            "jobs": group_int(loans["jobs"]) if loans["jobs"] else "",
        }
    if covid["cumulative_amount_vnd"]:
        from datetime import date

        context["covid"] = {
            "as_of": format_date(date.fromisoformat(covid["as_of"])),
            "amount": format_money(covid["cumulative_amount_vnd"]),
        }
    context["has_results"] = any(
        context[key] for key in ("poverty", "insurance", "hunger", "gifts", "merit", "social", "jobs", "loans", "covid")
    )
    sections = sections or {}
    for key in ("shortcomings", "next_tasks", "recommendations"):
        context[key] = _paragraphs(sections.get(key) or "")
    context["targets"] = _targets(area, period, data)
    # The parts are numbered in order: I results, then those with something to say.
    number = 2 + bool(context["shortcomings"]) + bool(context["next_tasks"] or context["targets"])
    context["recommendations_number"] = ["", "I", "II", "III", "IV"][number]
    return context


def _paragraphs(text: str) -> list[str]:
    """A head's text, paragraph by paragraph (a blank line, or a line break, starts one)."""
    return [" ".join(line.split()) for line in text.replace("\r", "").split("\n") if line.strip()]


def render_narrative(data: dict, *, sections: dict | None = None) -> str:
    """The report as plain text, paragraphs apart by one blank line."""
    return "\n\n".join(narrative_paragraphs(data, sections=sections)) + "\n"


def narrative_paragraphs(data: dict, *, sections: dict | None = None) -> list[str]:
    """The report's paragraphs (headings included), for the text, PDF and DOCX exports."""
    with translation.override("vi"):
        text = render_to_string("reports/narrative.txt", narrative_context(data, sections=sections))
    paragraphs = (" ".join(chunk.split()) for chunk in text.split("§"))
    return [p for p in paragraphs if p]
