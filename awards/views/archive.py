"""Archiving a block year: a confirmation page listing what archiving requires, and the archive.

Seen by everyone who sees the block year (404 outside it); done by the council's staff
(`awards.archive_year`, 403 for the others, and for everyone once the year is archived).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from awards.services import archive as services
from blocks.models import BlockYear
from emulation.actions import act, require
from emulation.http import AuthedRequest


@require_http_methods(["GET", "HEAD", "POST"])
def year_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = get_object_or_404(
        BlockYear.objects.for_user(request.user).select_related("block__authority"), pk=pk
    )
    require(request, "awards.archive_year", block_year)
    if request.method == "POST":
        if act(
            request,
            lambda: services.archive_year(block_year, by=request.user),
            _("The year is archived: it is read-only from now on."),
        ):
            return redirect(block_year)
        return redirect("awards:year_archive", block_year.pk)
    checks = services.archive_checks(block_year)
    return render(
        request,
        "awards/statistics/blockyear_confirm_archive.html",
        {
            "block_year": block_year,
            "checks": checks,
            "ready": all(check.ok for check in checks),
        },
    )


urlpatterns: list[URLPattern] = [
    path("years/<id:pk>/archive/", year_archive, name="year_archive"),
]
