"""The council's statistics for an authority and a year, on a page and as an Excel workbook.

Seen by the authority's council staff and members (and site administrators): `awards.see_council`,
404 for everyone else, as every council page.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from awards import statistics
from awards.tables import CountsTable
from blocks.models import Authority
from emulation.http import AuthedRequest
from emulation.tables import RequestConfig

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _authority(request: AuthedRequest, pk: int) -> Authority:
    authority = get_object_or_404(Authority, pk=pk)
    if not request.user.has_perm("awards.see_council", authority):
        raise Http404
    return authority


@require_safe
def statistics_page(request: AuthedRequest, authority: int, year: int) -> HttpResponse:
    council = _authority(request, authority)
    stats = statistics.year_statistics(council, year)
    years = sorted({*statistics.years_of(council), timezone.localdate().year, year}, reverse=True)
    by_award = CountsTable(
        [c.as_row() for c in stats.by_award], heading=_("Award"), prefix="award-"
    )
    by_block = CountsTable(
        [c.as_row() for c in stats.by_block], heading=_("Block"), prefix="block-"
    )
    config = RequestConfig(request, paginate=False)
    config.configure(by_award)
    config.configure(by_block)
    total = stats.total
    return render(
        request,
        "awards/statistics/statistics.html",
        {
            "authority": council,
            "year": year,
            "years": years,
            "stats": stats,
            "total": total,
            "approval_rate": statistics.percent(total.approval_rate),
            "by_award": by_award,
            "by_block": by_block,
            "award_chart": statistics.bar_chart(stats.by_award),
            "block_chart": statistics.bar_chart(stats.by_block),
        },
    )


@require_safe
def statistics_xlsx(request: AuthedRequest, authority: int, year: int) -> HttpResponse:
    council = _authority(request, authority)
    body = statistics.workbook(
        statistics.year_statistics(council, year), statistics.nomination_rows(council, year)
    )
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="thong-ke-{year}-{council.pk}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns: list[URLPattern] = [
    path("council/<id:authority>/<int:year>/statistics/", statistics_page, name="statistics"),
    path(
        "council/<id:authority>/<int:year>/statistics.xlsx",
        statistics_xlsx,
        name="statistics_xlsx",
    ),
]
