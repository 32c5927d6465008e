"""The Department of Home Affairs' submission to the Chairman: issued by the council's staff
(`awards.run_council`, 403 for members), seen by the council (`awards.see_council`, 404 for
anyone else), between the council's vote and the decision."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from awards.forms.submissions import SubmissionForm
from awards.models import Submission
from awards.services import submissions as services
from blocks.models import Authority
from emulation.actions import form_page, require
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest
from emulation.issued import file_response


def _authority(request: AuthedRequest, pk: int) -> Authority:
    authority = get_object_or_404(Authority, pk=pk)
    if not request.user.has_perm("awards.see_council", authority):
        raise Http404
    return authority


def _submission(request: AuthedRequest, pk: int) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related("authority", "document", "created_by"), pk=pk
    )
    if not request.user.has_perm("awards.see_council", submission.authority):
        raise Http404
    return submission


@require_http_methods(["GET", "HEAD", "POST"])
def submission_create(request: AuthedRequest, authority: int, year: int) -> HttpResponse:
    council = _authority(request, authority)
    require(request, "awards.run_council", council)
    form = SubmissionForm(
        post_data(request),
        initial={"signed_on": timezone.localdate(), "signer_title": services.DEFAULT_SIGNER_TITLE},
    )
    submission = run_form(
        request,
        form,
        lambda data: services.issue_submission(council, year, by=request.user, **data),
        _("The Department's submission is issued. Draft the decisions next."),
    )
    if submission is not None:
        return redirect(submission)
    waiting = list(services.to_submit(council, year))
    intro = (
        ngettext(
            "It proposes the %(count)d unit the council approved: %(units)s.",
            "It proposes the %(count)d units the council approved: %(units)s.",
            len(waiting),
        )
        % {
            "count": len(waiting),
            "units": "; ".join(f"{n.name} ({n.award_type.name})" for n in waiting),
        }
        if waiting
        else _("No nomination approved by the council is waiting for the Department's submission.")
    )
    return form_page(
        request,
        form,
        title=_("The Department of Home Affairs' submission to the Chairman, %(year)d")
        % {"year": year},
        intro=intro,
        submit_label=_("Issue the submission"),
        cancel_link=reverse("awards:decision_list", args=[council.pk, year]),
    )


@require_safe
def submission_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    nominations = submission.nominations.select_related("award_type", "block_year__block").order_by(
        "award_type__position", "block_year__block__name", "unit_name"
    )
    return render(
        request,
        "awards/decisions/submission_detail.html",
        {
            "submission": submission,
            "nominations": list(nominations),
            "decisions": list(submission.decisions.select_related("award_type")),
        },
    )


@require_safe
def submission_pdf(request: AuthedRequest, pk: int) -> FileResponse:
    submission = _submission(request, pk)
    if submission.document is None:
        raise Http404
    return file_response(submission.document, filename=f"to-trinh-{submission.document.code}.pdf")


urlpatterns: list[URLPattern] = [
    path(
        "council/<id:authority>/<int:year>/submissions/new/",
        submission_create,
        name="submission_create",
    ),
    path("council/submissions/<id:pk>/", submission_detail, name="submission_detail"),
    path("council/submissions/<id:pk>/submission.pdf", submission_pdf, name="submission_pdf"),
]
