"""Printable PDFs of the poverty review (WeasyPrint, A4, Decree 30/2020/NĐ-CP layout):

- a commune's review results by village for public posting (niêm yết công khai, Decision
  24/2021/QĐ-TTg: results are posted before they are recognised);
- a household's certificate of poor or near-poor status for the year (giấy chứng nhận hộ
  nghèo, hộ cận nghèo), only for a recognised poor or near-poor review.

Official documents: always rendered in Vietnamese, whatever the user's interface language. The
font is named in CSS (Liberation Serif, metric-compatible with Times New Roman, then DejaVu
Serif) and embedded by WeasyPrint.
"""

from collections import Counter
from itertools import groupby

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone, translation

from welfare.accounts.access import allow
from welfare.accounts.scoping import get_scoped_or_404
from welfare.areas.models import Commune
from welfare.audit.models import Action
from welfare.audit.services import access_record

from ..models import PovertyResult, PovertyReview, ReviewStatus
from ..review_selectors import household_members, posting_reviews

DOCUMENT_LANGUAGE = "vi"
RESULTS = [
    PovertyResult.POOR,
    PovertyResult.NEAR_POOR,
    PovertyResult.AVERAGE,
    PovertyResult.NOT_POOR,
]
_PREFIXES = ("Xã ", "Phường ", "Đặc khu ", "Thị trấn ")


def place_name(commune: Commune) -> str:
    """The place in "Hữu Lũng, ngày … tháng … năm …": the unit's name without its type."""
    for prefix in _PREFIXES:
        if commune.name.startswith(prefix):
            return commune.name[len(prefix) :]
    return commune.name


def pdf_render(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _document_context(commune: Commune) -> dict:
    return {
        "commune": commune,
        "province": commune.province,
        "place": place_name(commune),
        # "Ủy ban nhân dân xã Hữu Lũng": the unit's type in lower case inside a sentence.
        "commune_in_text": commune.name[:1].lower() + commune.name[1:],
        "today": timezone.localdate(),
    }


@allow("welfare.view_cases")
def review_posting_pdf(request, commune: int, year: int):
    """A commune's review results of `year`, grouped by village, with each village's counts
    and the commune's (for public posting at the commune and village offices)."""
    commune_obj = get_scoped_or_404(
        Commune.objects.select_related("province"), request.user, pk=commune
    )
    reviews = list(posting_reviews(user=request.user, commune=commune_obj, year=year))
    villages = []
    totals = Counter()
    for village, items in groupby(reviews, key=lambda r: r.household.village):
        items = list(items)
        counts = Counter(r.result for r in items)
        totals.update(counts)
        villages.append(
            {
                "name": village,
                "reviews": items,
                "count": len(items),
                "counts": [counts.get(result, 0) for result in RESULTS],
                "breakdown": [(result.label, counts.get(result, 0)) for result in RESULTS],
            }
        )
    context = {
        **_document_context(commune_obj),
        "year": year,
        "status_year": year + 1,
        "villages": villages,
        "results": [result.label for result in RESULTS],
        "total": len(reviews),
        "totals": [totals.get(result, 0) for result in RESULTS],
        "proposed": sum(1 for r in reviews if r.status == ReviewStatus.PROPOSED),
    }
    content = pdf_render("households/pdf/posting.html", context)
    access_record(
        request=request,
        action=Action.DOWNLOADED_POSTING,
        what=f"{commune_obj.name} – {year}",
        obj=commune_obj,
        rows=len(reviews),
    )
    return _pdf_response(content, f"niem-yet-ra-soat-{year}-{commune_obj.codename}.pdf")


@allow("welfare.view_cases")
def review_certificate_pdf(request, pk: int):
    """The certificate of a recognised poor or near-poor household for the status year (the
    year after the review), naming the decision that recognised it."""
    review = get_scoped_or_404(
        PovertyReview.objects.select_related(
            "household", "household__commune__province", "household__head"
        ),
        request.user,
        pk=pk,
    )
    if review.status != ReviewStatus.RECOGNISED or review.result not in (
        PovertyResult.POOR,
        PovertyResult.NEAR_POOR,
    ):
        raise Http404
    household = review.household
    context = {
        **_document_context(household.commune),
        "review": review,
        "household": household,
        "members": list(household_members(household=household)),
        "poor": review.result == PovertyResult.POOR,
        "status_year": review.status_year,
    }
    content = pdf_render("households/pdf/certificate.html", context)
    label = f"{household.code} – {household.head.full_name}" if household.head_id else household.code
    access_record(
        request=request,
        action=Action.DOWNLOADED_CERTIFICATE,
        what=f"{label} ({review.status_year})",
        obj=household,
    )
    return _pdf_response(content, f"giay-chung-nhan-{household.code}-{review.status_year}.pdf")


urlpatterns = [
    path(
        "reviews/posting/<int:commune>/<int:year>.pdf",
        review_posting_pdf,
        name="review_posting_pdf",
    ),
    path("reviews/<int:pk>/certificate.pdf", review_certificate_pdf, name="review_certificate_pdf"),
]
