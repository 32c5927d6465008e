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

from awards.forms.closing import WaiverForm
from awards.models import AwardType, Nomination
from awards.services import archive as services
from awards.services import closing
from blocks.models import BlockYear
from emulation.actions import act, form_page, require
from emulation.http import AuthedRequest
from emulation.models import User


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
            "can_waive": request.user.has_perm("awards.run_ballots", block_year),
        },
    )


def _waive(block_year: BlockYear, key: str, *, by: User, reason: str) -> object:
    """The service an open item's key names: a ballot, "no proposals", a returned nomination."""
    kind, _sep, rest = key.partition(":")
    if kind == "ballot":
        ballot_kind, _sep, award = rest.partition(":")
        return closing.waive_ballot(
            block_year,
            by=by,
            kind=ballot_kind,
            award=get_object_or_404(AwardType, pk=award) if award else None,
            reason=reason,
        )
    if kind == "returned":
        nomination = get_object_or_404(Nomination.objects.filter(block_year=block_year), pk=rest)
        return closing.close_returned_nomination(nomination, by=by, reason=reason)
    return closing.record_no_proposals(block_year, by=by, reason=reason)


@require_http_methods(["GET", "HEAD", "POST"])
def year_waivers(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record what the year will not do, with the reason: the block's secretariat (or the
    council's staff), so that the year can be closed (`services.closing`)."""
    block_year = get_object_or_404(
        BlockYear.objects.for_user(request.user).select_related("block__authority"), pk=pk
    )
    require(request, "awards.run_ballots", block_year)
    items = closing.waivable(block_year)
    form = WaiverForm(request.POST or None, items=items)
    recorded = (
        request.method == "POST"
        and form.is_valid()
        and act(
            request,
            lambda: _waive(
                block_year,
                form.cleaned_data["item"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            ),
            _("Recorded, with its reason."),
        )
    )
    if recorded:
        return redirect("awards:year_waivers", block_year.pk)
    return form_page(
        request,
        form,
        title=_("Record what the year will not do"),
        intro=_(
            "A year is archived only when nothing can still happen in it. Record here, with the"
            " reason, a ballot the block will not hold (or a void one it will not hold again),"
            " that it proposes nobody this year, or that a nomination the council returned will"
            " not be sent again."
        )
        if items
        else _("Nothing is left that the block can record as not done."),
        cancel_link=block_year.get_absolute_url(),
        submit_label=_("Record"),
    )


urlpatterns: list[URLPattern] = [
    path("years/<id:pk>/archive/", year_archive, name="year_archive"),
    path("years/<id:pk>/waivers/", year_waivers, name="year_waivers"),
]
