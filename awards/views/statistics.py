"""The council's statistics for an authority and a year, and over its years, on pages and as Excel
workbooks.

Seen by the authority's council staff and members (and site administrators): `awards.see_council`,
404 for everyone else, as every council page.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from awards import statistics, trends
from awards.tables import CountsTable, YearsTable
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


@require_safe
def trends_page(request: AuthedRequest, authority: int) -> HttpResponse:
    council = _authority(request, authority)
    trend = trends.trends(council)
    table = YearsTable(
        [
            {**row.as_row(), "url": reverse("awards:statistics", args=[council.pk, row.year])}
            for row in reversed(trend.years)
        ]
    )
    RequestConfig(request, paginate=False).configure(table)
    return render(
        request,
        "awards/statistics/years.html",
        {
            "authority": council,
            "trend": trend,
            "table": table,
            "chart": trends.chart(trend),
            "latest": timezone.localdate().year,
        },
    )


@require_safe
def trends_xlsx(request: AuthedRequest, authority: int) -> HttpResponse:
    council = _authority(request, authority)
    response = HttpResponse(trends.workbook(trends.trends(council)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="thong-ke-cac-nam-{council.pk}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns: list[URLPattern] = [
    path("council/<id:authority>/statistics/years/", trends_page, name="trends"),
    path("council/<id:authority>/statistics/years.xlsx", trends_xlsx, name="trends_xlsx"),
    path("council/<id:authority>/<int:year>/statistics/", statistics_page, name="statistics"),
    path(
        "council/<id:authority>/<int:year>/statistics.xlsx",
        statistics_xlsx,
        name="statistics_xlsx",
    ),
]
