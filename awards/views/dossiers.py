"""Screens of the nominations and the block's dossier for the council.

Everyone who sees the block year sees its dossier and nominations (404 outside it). The unit's own
people write the achievement report and attach documents, its leader approves the report and
gives the attestations (`rules.has_perm`: no higher role acts for a unit); the secretariat issues
the proposal letter, withdraws, sends and sends again; council staff return a nomination (403 for
anyone else).
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from awards.forms.dossiers import AttestForm, FileForm, ProposalLetterForm, ReasonForm, ReportForm
from awards.models import (
    BallotCandidate,
    Dossier,
    Nomination,
    NominationFile,
    attestation_text,
)
from awards.models.dossiers import nomination_checklist
from awards.models.nominations import missing_sections, passes, report_sections
from awards.services import dossiers as services
from blocks.models import BlockYear, Membership, UnitRole
from emulation.actions import act as _act
from emulation.actions import confirm_page as _confirm
from emulation.actions import form_page as _form_page
from emulation.actions import private_download
from emulation.actions import require as _require
from emulation.actions import require_for_unit as _for_the_unit
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest
from emulation.issued import file_response

FORM_METHODS = ["GET", "HEAD", "POST"]
PARTS = {
    "proposal_letter": gettext_lazy("Proposal letter"),
    "minutes": gettext_lazy("Minutes"),
    "achievement_report": gettext_lazy("Achievement report"),
    "attachment": gettext_lazy("Attached document"),
}


def _block_year(request: AuthedRequest, pk: int) -> BlockYear:
    return get_object_or_404(
        BlockYear.objects.for_user(request.user).select_related("block__authority"), pk=pk
    )


def _nomination(request: AuthedRequest, pk: int) -> Nomination:
    return get_object_or_404(
        Nomination.objects.filter(
            block_year__in=BlockYear.objects.for_user(request.user)
        ).select_related(
            "block_year__block__authority",
            "award_type",
            "unit",
            "ballot__block_year",
            "ballot__award_type",
            "report_document",
            "report_approved_by",
            "attested_by",
            "returned_by",
        ),
        pk=pk,
    )


def _file(request: AuthedRequest, pk: int) -> NominationFile:
    return get_object_or_404(
        NominationFile.objects.filter(
            nomination__block_year__in=BlockYear.objects.for_user(request.user)
        ).select_related("nomination__block_year__block__authority", "nomination__award_type"),
        pk=pk,
    )


def _not_editable(request: AuthedRequest, nomination: Nomination) -> HttpResponse | None:
    """Back to the nomination, saying why, once it was sent to the council."""
    if nomination.status in services.EDITABLE:
        return None
    messages.error(
        request,
        _(
            "The nomination was sent to the council; it can change again only if the council"
            " returns it."
        ),
    )
    return redirect(nomination)


# The dossier ----------------------------------------------------------------------------------


@require_safe
def dossier_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    state = Dossier.objects.state_of(block_year)
    can_run = request.user.has_perm("awards.run_dossier", block_year)
    today = timezone.localdate()
    deadline = block_year.dossier_deadline
    dossier = state.dossier
    return render(
        request,
        "awards/dossiers/dossier_detail.html",
        {
            "block_year": block_year,
            "state": state,
            "dossier": dossier,
            "general": [item for item in state.items if not item.group],
            "per_nominee": [item for item in state.items if item.group],
            "can_run": can_run,
            "can_issue": can_run and not state.submitted,
            "can_submit": can_run
            and not state.submitted
            and state.complete
            and not services.deadline_passed(block_year, today),
            "deadline": deadline,
            "days_left": (deadline - today).days if deadline else None,
            "rows": [(n, passes(n.eligibility or [])) for n in state.nominations],
            "documents": [
                {**document, "part_label": PARTS.get(document.get("part", ""), "")}
                for document in (dossier.manifest.get("documents", []) if dossier else [])
            ]
            if state.submitted
            else [],
        },
    )


def _signer(block_year: BlockYear) -> dict[str, str]:
    """The head unit's leader, to prefill the letter's signature."""
    head = (
        Membership.objects.filter(
            block_year=block_year, role=Membership.Role.HEAD, left_on__isnull=True
        )
        .values_list("unit", flat=True)
        .first()
    )
    role = (
        UnitRole.objects.filter(unit=head, role=UnitRole.Role.LEADER)
        .select_related("user")
        .order_by("pk")
        .first()
        if head
        else None
    )
    if role is None:
        return {}
    return {"signer_name": role.user.get_full_name(), "signer_title": role.title}


@require_http_methods(FORM_METHODS)
def proposal_letter_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    _require(request, "awards.run_dossier", block_year)
    dossier = Dossier.objects.of_year(block_year)
    initial: dict[str, str] = (
        {
            "number": dossier.letter_number,
            "signer_name": dossier.signer_name,
            "signer_title": dossier.signer_title,
        }
        if dossier and dossier.letter_number
        else _signer(block_year)
    )
    form = ProposalLetterForm(post_data(request), initial=initial)
    done = run_form(
        request,
        form,
        lambda data: services.issue_proposal_letter(
            block_year,
            by=request.user,
            number=data["number"],
            signer_name=data["signer_name"],
            signer_title=data["signer_title"],
        ),
        _("The proposal letter was issued."),
    )
    if done:
        return redirect("awards:dossier_detail", block_year.pk)
    reissue = dossier is not None and dossier.proposal_letter_id is not None
    return _form_page(
        request,
        form,
        title=_("Issue the proposal letter for %(year)s") % {"year": block_year},
        intro=(
            _(
                "The letter lists every current nominee, grouped by award, with its rank, total,"
                " classification and votes, and cites the minutes of the deliberation meeting."
                " It is issued as a PDF with a verification code."
            )
            + (
                " " + _("It replaces the letter issued before, which stays verifiable.")
                if reissue
                else ""
            )
        ),
        cancel_link=reverse("awards:dossier_detail", args=[block_year.pk]),
        submit_label=_("Issue the letter"),
    )


@require_safe
def proposal_letter_pdf(request: AuthedRequest, pk: int) -> FileResponse:
    block_year = _block_year(request, pk)
    dossier = Dossier.objects.of_year(block_year)
    if dossier is None or dossier.proposal_letter is None:
        raise Http404
    letter = dossier.proposal_letter
    return file_response(letter, filename=f"to-trinh-{block_year.year}-{letter.code}.pdf")


@require_http_methods(FORM_METHODS)
def dossier_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    _require(request, "awards.run_dossier", block_year)
    if request.method == "POST":
        _act(
            request,
            lambda: services.submit_dossier(block_year, by=request.user),
            _("The dossier was sent to the council; its staff were told by e-mail."),
        )
        return redirect("awards:dossier_detail", block_year.pk)
    message = _(
        "The proposal letter, the minutes, every approved achievement report and every attached"
        " document go to the council as one package, listed with their SHA-256 in a manifest."
        " Nothing in it can change afterwards unless the council returns a nomination."
    )
    if block_year.dossier_deadline:
        message = f"{message} " + _("The deadline is %(day)s.") % {
            "day": block_year.dossier_deadline.strftime("%d/%m/%Y")
        }
    return _confirm(
        request,
        title=_("Send the dossier for %(year)s to the council?") % {"year": block_year},
        message=message,
        confirm_label=_("Send the dossier"),
        cancel_link=reverse("awards:dossier_detail", args=[block_year.pk]),
    )


@require_safe
def dossier_manifest(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    dossier = Dossier.objects.of_year(block_year)
    if dossier is None or not dossier.manifest_sha256:
        raise Http404
    # The exact bytes that were hashed, so that anyone can check the SHA-256 shown on the page.
    response = HttpResponse(
        services.canonical(dossier.manifest), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="ho-so-{block_year.year}-{block_year.block_id}.json"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Manifest-SHA256"] = dossier.manifest_sha256
    return response


# One nomination -------------------------------------------------------------------------------


def _ballot_result(nomination: Nomination) -> BallotCandidate | None:
    if nomination.ballot_id is None:
        return None
    candidate = BallotCandidate.objects.filter(
        ballot=nomination.ballot_id, unit=nomination.unit_id, person=nomination.person_id
    ).first()
    if candidate is not None and nomination.ballot is not None:
        candidate.ballot = nomination.ballot  # already loaded with its year and award
    return candidate


def _rules(nomination: Nomination) -> list[dict[str, Any]]:
    return [
        {
            **rule,
            "state": "pass"
            if rule.get("passed") is True
            else ("fail" if rule.get("passed") is False else "waiting"),
        }
        for rule in nomination.eligibility or []
    ]


def _next_step(nomination: Nomination, perms: dict[str, bool]) -> str:
    """What the person looking at the nomination can do next (or is waiting for)."""
    status = nomination.status
    if status in (Nomination.Status.APPROVED, Nomination.Status.AWARDED):
        return _("The council approved the nomination.")
    if status == Nomination.Status.REJECTED:
        return _("The council did not approve the nomination.")
    if nomination.is_with_council:
        if perms["can_return"]:
            return _(
                "Appraise the dossier; return the nomination with a reason if a part is wrong."
            )
        return _("The nomination is with the council.")
    missing = missing_sections(nomination)
    report, attestations, eligible = nomination_checklist(nomination)
    if not report.done:
        if missing and perms["can_write"]:
            return ngettext(
                "Write the achievement report: %(n)d section is still empty.",
                "Write the achievement report: %(n)d sections are still empty.",
                len(missing),
            ) % {"n": len(missing)}
        if not missing and perms["leads"]:
            return _("Read the achievement report and approve it.")
        return _(
            "Waiting for the unit to write its achievement report and its leader to approve it."
        )
    if not attestations.done:
        if perms["leads"]:
            return _("Give the attestations the award asks for.")
        return _("Waiting for the unit's leader to give the attestations.")
    if not eligible.done:
        if perms["can_manage"]:
            return _(
                "The eligibility check does not pass: check it again once the data are right, or"
                " withdraw the nomination."
            )
        return _("The eligibility check does not pass; see the rules below.")
    if status == Nomination.Status.RETURNED:
        if perms["can_manage"]:
            return _("Once the parts the council asked about are fixed, send the nomination again.")
        return _("Fix what the council asked for; the secretariat then sends it again.")
    if perms["can_manage"]:
        return _("This nomination is ready; send the dossier from its page when it is complete.")
    return _("This nomination is ready for the dossier.")


@require_safe
def nomination_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    user = request.user
    perms = {
        "can_write": rules.has_perm("awards.write_report", user, nomination),
        "leads": rules.has_perm("awards.approve_report", user, nomination),
        "can_manage": user.has_perm("awards.manage_nomination", nomination),
        "can_return": user.has_perm("awards.return_nomination", nomination),
    }
    editable = nomination.status in services.EDITABLE
    given = nomination.attestations or {}
    return render(
        request,
        "awards/dossiers/nomination_detail.html",
        {
            "nomination": nomination,
            "block_year": nomination.block_year,
            "award": nomination.award_type,
            "candidate": _ballot_result(nomination),
            "rules": _rules(nomination),
            "passes": passes(nomination.eligibility or []),
            "checklist": nomination_checklist(nomination),
            "sections": report_sections(nomination),
            "missing": missing_sections(nomination),
            "attestations": [
                (
                    attestation_text(code, individual=nomination.award_type.for_individuals),
                    given.get(code),
                )
                for code in nomination.award_type.attestations
            ],
            "files": list(nomination.files.select_related("uploaded_by")),
            "editable": editable,
            "can_check": editable and (perms["can_write"] or perms["can_manage"]),
            "next_step": _next_step(nomination, perms),
            **perms,
        },
    )


@require_http_methods(FORM_METHODS)
def nomination_report(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    _for_the_unit(request, "awards.write_report", nomination)
    refused = _not_editable(request, nomination)
    if refused:
        return refused
    form = ReportForm(post_data(request), instance=nomination)
    message = _("The report was saved.")
    if nomination.report_is_approved:
        message = _("The report was saved; the leader must approve the changed report again.")
    done = run_form(
        request,
        form,
        lambda data: services.save_report(nomination, by=request.user, **data),
        message,
    )
    if done is not None:
        return redirect(nomination)
    intro = _(
        "Write each section as the decree's form for a collective asks. You can save a draft and"
        " come back; the unit's leader approves the report when every section is written."
    )
    if nomination.of_a_person:
        intro = _(
            "Write each section as the decree's form for an individual asks. You can save a draft"
            " and come back; the leader of the person's unit approves the report when every"
            " section is written."
        )
    if nomination.report_is_approved:
        intro = f"{intro} " + _(
            "The report is approved: saving a change withdraws the approval, and the leader must"
            " approve it again."
        )
    return _form_page(
        request,
        form,
        title=_("Achievement report of %(unit)s") % {"unit": nomination.name},
        intro=intro,
        cancel_link=nomination.get_absolute_url(),
        submit_label=_("Save the report"),
    )


@require_http_methods(FORM_METHODS)
def nomination_report_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    _for_the_unit(request, "awards.approve_report", nomination)
    if request.method == "POST":
        _act(
            request,
            lambda: services.approve_report(nomination, by=request.user),
            _("The report was approved and issued as a PDF."),
        )
        return redirect(nomination)
    missing = missing_sections(nomination)
    message = _(
        "You approve the report as the unit's leader. It is issued as a PDF with a verification"
        " code and goes into the block's dossier; changing it later withdraws the approval."
    )
    if missing:
        message = f"{message} " + _("Still empty: %(sections)s.") % {"sections": "; ".join(missing)}
    return _confirm(
        request,
        title=_("Approve the achievement report of %(unit)s?") % {"unit": nomination.name},
        message=message,
        confirm_label=_("Approve the report"),
        cancel_link=nomination.get_absolute_url(),
    )


@require_safe
def nomination_report_pdf(request: AuthedRequest, pk: int) -> FileResponse:
    nomination = _nomination(request, pk)
    document = nomination.report_document
    if document is None:
        raise Http404
    return file_response(
        document, filename=f"bao-cao-thanh-tich-{nomination.block_year.year}-{document.code}.pdf"
    )


@require_http_methods(FORM_METHODS)
def nomination_attest(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    _for_the_unit(request, "awards.attest", nomination)
    refused = _not_editable(request, nomination)
    if refused:
        return refused
    given = nomination.attestations or {}
    codes = list(nomination.award_type.attestations)
    form = AttestForm(
        post_data(request),
        codes=codes,
        individual=nomination.award_type.for_individuals,
        initial={code: ("yes" if given[code] else "no") for code in codes if code in given},
    )
    done = run_form(
        request,
        form,
        lambda data: services.attest(nomination, by=request.user, answers=form.answers()),
        _("The attestations were recorded; the eligibility check was run again."),
    )
    if done is not None:
        return redirect(nomination)
    return _form_page(
        request,
        form,
        title=_("Attestations of %(unit)s") % {"unit": nomination.name},
        intro=_(
            "As the unit's leader, say for each statement whether the unit can attest it. An"
            " award obtained by a false declaration is revoked. A unit that cannot attest one of"
            " them does not meet the award's rules."
        ),
        cancel_link=nomination.get_absolute_url(),
        submit_label=_("Record the attestations"),
    )


@require_http_methods(FORM_METHODS)
def nomination_eligibility(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    _require(request, "awards.check_eligibility", nomination)
    if request.method == "POST":
        _act(
            request,
            lambda: services.refresh_eligibility(nomination, by=request.user),
            _("The eligibility check was run again on today's data."),
        )
        return redirect(nomination)
    return _confirm(
        request,
        title=_("Check the eligibility of %(unit)s again?") % {"unit": nomination.name},
        message=_(
            "Every rule of the award is checked again on today's data: the ranking, the other"
            " nominations and the unit's attestations."
        ),
        confirm_label=_("Check again"),
        cancel_link=nomination.get_absolute_url(),
    )


@require_http_methods(FORM_METHODS)
def nomination_file_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    _for_the_unit(request, "awards.write_report", nomination)
    refused = _not_editable(request, nomination)
    if refused:
        return refused
    form = FileForm(post_data(request), request.FILES or None)
    done = run_form(
        request,
        form,
        lambda data: services.add_file(
            nomination, by=request.user, uploaded=data["file"], description=data["description"]
        ),
        _("The document was attached."),
    )
    if done is not None:
        return redirect(f"{nomination.get_absolute_url()}#files")
    return _form_page(
        request,
        form,
        title=_("Attach a document to the nomination of %(unit)s") % {"unit": nomination.name},
        intro=_(
            "Documents that support the nomination, such as earlier award decisions. Each file is"
            " checked by its content and kept with its SHA-256."
        ),
        cancel_link=nomination.get_absolute_url(),
        submit_label=_("Attach"),
        multipart=True,
    )


@require_safe
def nomination_file_download(request: AuthedRequest, pk: int) -> FileResponse:
    attached = _file(request, pk)
    return private_download(attached.file, name=attached.name, content_type=attached.content_type)


@require_http_methods(FORM_METHODS)
def nomination_file_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    attached = _file(request, pk)
    nomination = attached.nomination
    _for_the_unit(request, "awards.write_report", nomination)
    if request.method == "POST":
        _act(
            request,
            lambda: services.remove_file(attached, by=request.user),
            _("The document was removed."),
        )
        return redirect(f"{nomination.get_absolute_url()}#files")
    return _confirm(
        request,
        title=_("Remove %(name)s?") % {"name": attached.name},
        message=_("The document is removed from the nomination of %(unit)s.")
        % {"unit": nomination.name},
        confirm_label=_("Remove"),
        cancel_link=nomination.get_absolute_url(),
        danger=True,
    )


@require_http_methods(FORM_METHODS)
def nomination_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    _require(request, "awards.manage_nomination", nomination)
    form = ReasonForm(post_data(request))
    done = run_form(
        request,
        form,
        lambda data: services.withdraw_nomination(
            nomination, by=request.user, reason=data["reason"]
        ),
        _("The nomination was withdrawn."),
    )
    if done is not None:
        return redirect("awards:dossier_detail", nomination.block_year_id)
    return _form_page(
        request,
        form,
        title=_("Withdraw the nomination of %(unit)s for the %(award)s?")
        % {"unit": nomination.name, "award": nomination.award_type.name},
        intro=_(
            "The nomination leaves the dossier with its report and documents; the reason is kept"
            " in the audit log. The proposal letter must then be issued again."
        ),
        cancel_link=nomination.get_absolute_url(),
        submit_label=_("Withdraw"),
        danger=True,
    )


@require_http_methods(FORM_METHODS)
def nomination_return(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    _require(request, "awards.return_nomination", nomination)
    form = ReasonForm(post_data(request))
    done = run_form(
        request,
        form,
        lambda data: services.return_nomination(nomination, by=request.user, reason=data["reason"]),
        _("The nomination was returned; the secretariat and the unit were told by e-mail."),
    )
    # The council's staff return a nomination from their own page of it, and go back there.
    council_page = reverse("awards:intake_detail", args=[nomination.pk])
    if done is not None:
        return redirect(council_page)
    return _form_page(
        request,
        form,
        title=_("Return the nomination of %(unit)s") % {"unit": nomination.name},
        intro=_(
            "Say what is wrong or missing; the unit fixes it and the secretariat sends the"
            " nomination again."
        ),
        cancel_link=council_page,
        submit_label=_("Return the nomination"),
        danger=True,
    )


@require_http_methods(FORM_METHODS)
def nomination_resubmit(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    _require(request, "awards.manage_nomination", nomination)
    if request.method == "POST":
        _act(
            request,
            lambda: services.resubmit_nomination(nomination, by=request.user),
            _("The nomination was sent to the council again."),
        )
        return redirect(nomination)
    return _confirm(
        request,
        title=_("Send the nomination of %(unit)s again?") % {"unit": nomination.name},
        message=_(
            "The council returned it for this reason: “%(reason)s”. Its current report and"
            " documents replace those in the dossier's manifest, and the audit log records what"
            " changed."
        )
        % {"reason": nomination.return_reason},
        confirm_label=_("Send again"),
        cancel_link=nomination.get_absolute_url(),
    )


urlpatterns: list[URLPattern] = [
    path("years/<id:pk>/dossier/", dossier_detail, name="dossier_detail"),
    path("years/<id:pk>/dossier/letter/", proposal_letter_issue, name="proposal_letter_issue"),
    path("years/<id:pk>/dossier/letter.pdf", proposal_letter_pdf, name="proposal_letter_pdf"),
    path("years/<id:pk>/dossier/submit/", dossier_submit, name="dossier_submit"),
    path("years/<id:pk>/dossier/manifest.json", dossier_manifest, name="dossier_manifest"),
    path("nominations/<id:pk>/", nomination_detail, name="nomination_detail"),
    path("nominations/<id:pk>/report/", nomination_report, name="nomination_report"),
    path(
        "nominations/<id:pk>/report/approve/",
        nomination_report_approve,
        name="nomination_report_approve",
    ),
    path("nominations/<id:pk>/report.pdf", nomination_report_pdf, name="nomination_report_pdf"),
    path("nominations/<id:pk>/attest/", nomination_attest, name="nomination_attest"),
    path("nominations/<id:pk>/eligibility/", nomination_eligibility, name="nomination_eligibility"),
    path("nominations/<id:pk>/files/add/", nomination_file_upload, name="nomination_file_upload"),
    path("nominations/files/<id:pk>/", nomination_file_download, name="nomination_file_download"),
    path(
        "nominations/files/<id:pk>/delete/", nomination_file_delete, name="nomination_file_delete"
    ),
    path("nominations/<id:pk>/withdraw/", nomination_withdraw, name="nomination_withdraw"),
    path("nominations/<id:pk>/return/", nomination_return, name="nomination_return"),
    path("nominations/<id:pk>/resubmit/", nomination_resubmit, name="nomination_resubmit"),
]
