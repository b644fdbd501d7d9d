"""A few access-log entries, so the demo's log page is not empty: the head opening a person's
page and downloading the 2022 first-half report, the officers opening records and exporting
the household list. Written through `access_record`, as a request would; idempotent (keyed on
user, action and address)."""

import datetime as dt

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from welfare.core.demo import (
    DEMO_COMMUNE,
    DEMO_OTHER_COMMUNE,
    DEMO_PROVINCE,
    DemoContext,
    demo_step,
)

from .models import AccessEvent, Action
from .services import access_record, export_what

OFFICE_IP = "10.20.1.15"  # a commune office's address on the department's network


def _request(user, path: str, query: str = "") -> HttpRequest:
    request = HttpRequest()
    request.user = user
    request.path = request.path_info = path
    request.META = {"REMOTE_ADDR": OFFICE_IP, "QUERY_STRING": query}
    request.GET = QueryDict(query)
    return request


@demo_step(order=99)
def demo_access_log(ctx: DemoContext) -> str | None:
    from welfare.accounts.models import User
    from welfare.households.models import Household, Person
    from welfare.households.selectors import household_list
    from welfare.reports.models import SummarySnapshot

    users = {u.username: u for u in User.objects.filter(username__in=["canbo", "canbo2", "lanhdao"])}
    people = Person.objects.order_by("pk")
    person = people.filter(commune_id=DEMO_COMMUNE).first()
    other_person = people.filter(commune_id=DEMO_OTHER_COMMUNE).first()
    household = (
        Household.objects.filter(commune_id=DEMO_COMMUNE).select_related("head").order_by("pk").first()
    )
    report = SummarySnapshot.objects.filter(
        province_id=DEMO_PROVINCE, commune=None, year=2022, half=1
    ).first()
    if len(users) < 3 or person is None or household is None:
        return None

    now = timezone.now()
    query = f"commune={DEMO_COMMUNE}&status=poor"
    with override("vi"):
        export_label = export_what(label=_("Households"), params=QueryDict(query))
        report_label = _("Half-year report %(half)s/%(year)s, %(area)s (%(format)s)") % {
            "half": 1,
            "year": 2022,
            "area": report.province if report else "",
            "format": "PDF",
        }
    household_label = household.code
    if household.head_id:
        household_label = f"{household.code} – {household.head.full_name}"
    poor = household_list(user=users["canbo"], commune=DEMO_COMMUNE, status="poor").count()
    # (hours ago, user, action, path, query, what, record, rows)
    planned = [
        (74, "canbo", Action.VIEWED_HOUSEHOLD, reverse("household_detail", args=[household.pk]), "",
         household_label, household, None),
        (53, "canbo", Action.EXPORTED_LIST, reverse("household_export"), query, export_label, None, poor),
        (27, "lanhdao", Action.VIEWED_PERSON, reverse("person_detail", args=[person.pk]), "",
         person.full_name, person, None),
    ]
    if other_person is not None:
        planned.append(
            (20, "canbo2", Action.VIEWED_PERSON, reverse("person_detail", args=[other_person.pk]), "",
             other_person.full_name, other_person, None)
        )
    if report is not None:
        planned.append(
            (4, "lanhdao", Action.DOWNLOADED_REPORT, reverse("report_download", args=[report.pk, "pdf"]),
             "", report_label, report, None)
        )
    made = 0
    for hours, username, action, path, params, what, obj, rows in planned:
        full_path = f"{path}?{params}" if params else path
        if AccessEvent.objects.filter(username=username, action=action, path=full_path).exists():
            continue
        access_record(
            request=_request(users[username], path, params),
            action=action,
            what=what,
            obj=obj,
            rows=rows,
            at=now - dt.timedelta(hours=hours),
        )
        made += 1
    return f"{made} access-log entries"
