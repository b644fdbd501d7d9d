from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from welfare.accounts.access import allow, public
from welfare.accounts.scoping import user_communes
from welfare.areas.models import Commune, CommuneType, Province
from welfare.reports.selectors import plan_list

from .selectors import job_list, job_status


@allow()
def home(request):
    """Each role's home page: an officer's communes, a head's province, an admin's tools."""
    user = request.user
    year = timezone.localdate().year
    context = {
        "year": year,
        "recent_jobs": job_list(user=user).filter(user=user)[:5],
    }
    if user.is_admin_role:
        context.update(province_count=Province.objects.count(), commune_count=Commune.objects.count())
        template = "core/home_admin.html"
    elif user.is_head:
        communes = user_communes(user)
        context.update(
            province=user.province,
            commune_count=communes.count(),
            communes_by_type=_count_by_type(communes),
            plans=plan_list(user=user, year=year).filter(commune__isnull=True),
        )
        template = "core/home_head.html"
    else:
        context.update(communes=user_communes(user).order_by("name"))
        template = "core/home_officer.html"
    return render(request, template, context)


def _count_by_type(communes) -> list[tuple[str, int]]:
    labels = dict(CommuneType.choices)
    rows = communes.order_by().values("division_type").annotate(n=Count("code"))
    return [(labels[r["division_type"]], r["n"]) for r in rows.order_by("division_type")]


@allow("welfare.run_jobs")
def job_detail(request, pk: int):
    job = get_object_or_404(job_list(user=request.user), pk=pk)
    return render(request, "core/job_detail.html", {"job": job, "status": job_status(job=job)})


@allow("welfare.run_jobs")
def job_status_json(request, pk: int):
    job = get_object_or_404(job_list(user=request.user), pk=pk)
    status = job_status(job=job)
    status.pop("result", None)  # the result page shows it, scoped by its own view
    return JsonResponse(status)


@public
def healthz(request):
    """For the load balancer: the process answers and reaches the database."""
    Province.objects.exists()
    return JsonResponse({"status": "ok"})


def pagination_querystring(params, **extra) -> str:
    """A list's query string for its page links: the filters as given, without the page (the
    links add their own), with `extra` set."""
    query = params.copy()
    query.pop("page", None)
    for key, value in extra.items():
        query[key] = value
    return query.urlencode()
