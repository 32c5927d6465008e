"""The council's award decisions: drafting from the approved nominations, issuing the PDF and the
certificates, publishing.

A council's decisions are seen by its staff and members (`awards.see_council`; 404 for anyone
else) and managed by its staff (`awards.manage_decision`, `awards.run_council`; 403 for members).
Once a decision is published, the awardee units' own people may also download it and their
certificates.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from awards.forms.decisions import DecisionForm
from awards.forms.revocations import RevocationForm
from awards.models import Awardee, AwardType, Decision, Nomination, Revocation, Submission
from awards.services import decisions as services
from awards.services import revocations
from blocks.models import Authority
from emulation.actions import act, confirm_page, form_page, require
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest
from emulation.issued import file_response
from emulation.published import cached

FORM_METHODS = ["GET", "HEAD", "POST"]


def _authority(request: AuthedRequest, pk: int) -> Authority:
    authority = get_object_or_404(Authority, pk=pk)
    if not request.user.has_perm("awards.see_council", authority):
        raise Http404
    return authority


def _decision(request: AuthedRequest, pk: int) -> Decision:
    decision = get_object_or_404(
        Decision.objects.select_related(
            "authority",
            "award_type",
            "document",
            "created_by",
            "issued_by",
            "published_by",
            "submission",
        ).annotate(revoked=Count("awardees__revocation")),
        pk=pk,
    )
    if not request.user.has_perm("awards.see_council", decision.authority):
        raise Http404
    return decision


def _list_url(decision: Decision) -> str:
    return reverse("awards:decision_list", args=[decision.authority_id, decision.year])


@require_safe
def decision_list(request: AuthedRequest, authority: int, year: int) -> HttpResponse:
    council = _authority(request, authority)
    waiting = (
        Nomination.objects.filter(
            status=Nomination.Status.APPROVED,
            block_year__block__authority=council,
            block_year__year=year,
            awardee__isnull=True,
        )
        .select_related("award_type", "block_year__block")
        .annotate(
            submitted=Exists(
                Submission.nominations.through.objects.filter(nomination=OuterRef("pk"))
            )
        )
        .order_by(
            "award_type__position", "award_type__code", "block_year__block__name", "unit_name"
        )
    )
    groups = [
        {"award": award, "nominations": list(rows)}
        for award, rows in groupby(waiting, key=lambda n: n.award_type)
    ]
    decisions = list(
        Decision.objects.filter(authority=council, year=year)
        .select_related("award_type", "document")
        .annotate(awardee_count=Count("awardees"))
        .order_by("award_type__position", "signed_on", "pk")
    )
    return render(
        request,
        "awards/decisions/decision_list.html",
        {
            "authority": council,
            "year": year,
            "groups": groups,
            "decisions": decisions,
            "can_draft": request.user.has_perm("awards.run_council", council),
            "submissions": list(
                Submission.objects.filter(authority=council, year=year)
                .select_related("document")
                .annotate(proposed=Count("nominations"))
                .order_by("signed_on", "pk")
            ),
            "to_submit": sum(
                1
                for group in groups
                for n in group["nominations"]
                if n.award_type.level != AwardType.Level.GOVERNMENT and not n.submitted
            ),
            "published": any(d.status == Decision.Status.PUBLISHED for d in decisions),
        },
    )


def _signer_initial(award: AwardType, authority: Authority) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "signed_on": today,
        "signer_title": services.DEFAULT_SIGNER_TITLE,
        "legal_bases": services.default_legal_bases(award, authority=authority, on=today),
    }


@require_http_methods(FORM_METHODS)
def decision_create(request: AuthedRequest, authority: int, year: int, award: int) -> HttpResponse:
    council = _authority(request, authority)
    require(request, "awards.run_council", council)
    award_type = get_object_or_404(AwardType, pk=award)
    form = DecisionForm(post_data(request), initial=_signer_initial(award_type, council))
    decision = run_form(
        request,
        form,
        lambda data: services.draft_decision(council, year, award_type, by=request.user, **data),
        _("The draft decision was saved. Check it, then issue it."),
    )
    if decision is not None:
        return redirect(decision)
    waiting = [
        n.name
        for n in services.approved_for_decision(council, year, award_type)
        .select_related(None)
        .only("unit_name", "person", "person_name", "person_title")
    ]
    proposal = services.kind_for(award_type) == Decision.Kind.PROPOSAL
    if waiting:
        intro = ngettext(
            "It will list %(count)d unit the council approved: %(units)s.",
            "It will list the %(count)d units the council approved: %(units)s.",
            len(waiting),
        ) % {"count": len(waiting), "units": "; ".join(waiting)}
    else:
        intro = _("No nomination for this award is approved and waiting for a decision.")
    if proposal:
        intro += " " + _(
            "The Government decides this award: this is the province's proposal letter to the"
            " Ministry of Home Affairs, and the nominations stay approved until the Prime"
            " Minister decides."
        )
    return form_page(
        request,
        form,
        title=(
            _("Draft the proposal for %(award)s, %(year)d")
            if proposal
            else _("Draft the decision on %(award)s, %(year)d")
        )
        % {"award": award_type.name, "year": year},
        intro=intro,
        submit_label=_("Save the draft"),
        cancel_link=reverse("awards:decision_list", args=[council.pk, year]),
    )


def _awardees(decision: Decision) -> list[Awardee]:
    """The awardees with their certificates: a published decision's are cached under the SHA-256
    of its issued document, which names them (certificates are issued with it)."""

    def read() -> list[Awardee]:
        return list(
            decision.awardees.select_related(
                "certificate", "nomination", "revocation__document"
            ).order_by("position", "pk")
        )

    document = decision.document
    published = decision.status == Decision.Status.PUBLISHED
    # A revocation changes what the page shows, not the decision's document: it is in the key
    # (a revocation is never undone, so their number says which ones there are).
    revoked = getattr(decision, "revoked", 0)
    sha256 = f"{document.sha256}:{revoked}" if document and published else ""
    # Certificates still being issued or prepared are not kept: the list is read again until all
    # are ready.
    return cached(
        "awards.decision",
        sha256,
        read,
        of=decision.pk,
        keep=lambda awardees: _all_ready(decision, awardees),
    )


def _certified(decision: Decision) -> bool:
    """Whether the decision has (or is having) a certificate issued for each awardee."""
    return decision.kind == Decision.Kind.DECISION and decision.status != Decision.Status.DRAFT


def _all_ready(decision: Decision, awardees: list[Awardee]) -> bool:
    if _certified(decision) and any(a.certificate is None for a in awardees):
        return False  # issued after the decision, in the background
    return all(a.certificate is None or a.certificate.is_ready for a in awardees)


@require_safe
def decision_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    awardees = _awardees(decision)
    can_manage = request.user.has_perm("awards.manage_decision", decision)
    documents = [a.certificate for a in awardees if a.certificate] + (
        [decision.document] if decision.document else []
    )
    progress = {
        # Every certificate counts from the decision's issue, before it exists: they are issued
        # one by one in the background.
        "total": (len(awardees) if _certified(decision) else 0) + (1 if decision.document else 0),
        "ready": sum(1 for d in documents if d.is_ready),
        "url": request.path,
    }
    if request.headers.get("HX-Request") and request.GET.get("part") == "documents":
        # The progress of the documents being prepared, polled by the page (htmx); once all
        # are ready the page is reloaded to show them.
        response = render(
            request, "awards/decisions/_documents_progress.html", {"progress": progress}
        )
        if progress["ready"] == progress["total"]:
            response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "awards/decisions/decision_detail.html",
        {
            "progress": progress,
            "decision": decision,
            "awardees": awardees,
            "bases": [line for line in decision.legal_bases.splitlines() if line.strip()],
            "can_manage": can_manage,
            "is_draft": decision.status == Decision.Status.DRAFT,
            "is_issued": decision.status == Decision.Status.ISSUED,
            "is_published": decision.status == Decision.Status.PUBLISHED,
            "is_proposal": decision.kind == Decision.Kind.PROPOSAL,
            "can_revoke": can_manage
            and decision.kind == Decision.Kind.DECISION
            and decision.status != Decision.Status.DRAFT,
            "list_url": _list_url(decision),
        },
    )


def _not_draft(request: AuthedRequest, decision: Decision) -> HttpResponse | None:
    if decision.status == Decision.Status.DRAFT:
        return None
    messages.error(
        request, _("The decision was issued: it can no longer change. Its PDF stays as issued.")
    )
    return redirect(decision)


@require_http_methods(FORM_METHODS)
def decision_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    require(request, "awards.manage_decision", decision)
    refused = _not_draft(request, decision)
    if refused is not None:
        return refused
    form = DecisionForm(
        post_data(request),
        initial={name: getattr(decision, name) for name in DecisionForm.base_fields},
    )
    done = run_form(
        request,
        form,
        lambda data: services.update_decision(decision, by=request.user, **data),
        _("The draft decision was saved."),
    )
    if done is not None:
        return redirect(decision)
    return form_page(
        request,
        form,
        title=_("Edit the draft %(number)s") % {"number": decision.number},
        submit_label=_("Save"),
        cancel=decision,
    )


@require_http_methods(FORM_METHODS)
def decision_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    require(request, "awards.manage_decision", decision)
    if request.method == "POST":
        act(
            request,
            lambda: services.issue_decision(decision, by=request.user),
            _("The decision was issued with its verification code."),
        )
        return redirect(decision)
    count = decision.awardees.count()
    if decision.kind == Decision.Kind.PROPOSAL:
        message = _(
            "The proposal letter %(number)s to the Ministry of Home Affairs is issued as a PDF"
            " with a verification code, listing %(count)d units. Their nominations stay approved"
            " until the Prime Minister decides. Nothing in it can change afterwards."
        )
    else:
        message = _(
            "The decision %(number)s is issued as a PDF with a verification code, with one"
            " certificate for each of its %(count)d units, and their nominations become awarded."
            " Nothing in it can change afterwards."
        )
    return confirm_page(
        request,
        title=_("Issue %(number)s?") % {"number": decision.number},
        message=message % {"number": decision.number, "count": count},
        confirm_label=_("Issue"),
        cancel=decision,
    )


@require_http_methods(FORM_METHODS)
def decision_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    require(request, "awards.manage_decision", decision)
    if request.method == "POST":
        act(
            request,
            lambda: services.publish_decision(decision, by=request.user),
            _("The decision is published; the units were told by e-mail."),
        )
        return redirect(decision)
    return confirm_page(
        request,
        title=_("Publish %(number)s?") % {"number": decision.number},
        message=_(
            "The units it names, with the decision's number and date, appear on the public"
            " results page of %(year)d, which anyone can read without signing in. The units'"
            " leaders and officers and their blocks' secretariats are told by e-mail."
        )
        % {"year": decision.year},
        confirm_label=_("Publish"),
        cancel=decision,
    )


@require_http_methods(FORM_METHODS)
def decision_discard(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    require(request, "awards.manage_decision", decision)
    if request.method == "POST":
        done = act(
            request,
            lambda: services.discard_decision(decision, by=request.user),
            _("The draft was discarded; its nominations wait for a decision again."),
        )
        return redirect(_list_url(decision) if done else decision.get_absolute_url())
    return confirm_page(
        request,
        title=_("Discard the draft %(number)s?") % {"number": decision.number},
        message=_("The draft is deleted; the nominations it lists wait for a decision again."),
        confirm_label=_("Discard"),
        danger=True,
        cancel=decision,
    )


def _own_unit(request: AuthedRequest, decision: Decision, units: list[int]) -> bool:
    """The awardee units' own people may download once the decision is published."""
    return decision.status == Decision.Status.PUBLISHED and bool(request.roles.units & set(units))


def _downloadable(request: AuthedRequest, decision: Decision, units: list[int]) -> None:
    if request.user.has_perm("awards.see_council", decision.authority):
        return
    if not _own_unit(request, decision, units):
        raise Http404


@require_safe
def decision_pdf(request: AuthedRequest, pk: int) -> FileResponse:
    decision = get_object_or_404(Decision.objects.select_related("authority", "document"), pk=pk)
    units = list(decision.awardees.values_list("nomination__unit", flat=True))
    _downloadable(request, decision, units)
    if decision.document is None:
        raise Http404
    name = "to-trinh" if decision.kind == Decision.Kind.PROPOSAL else "quyet-dinh"
    return file_response(decision.document, filename=f"{name}-{decision.document.code}.pdf")


@require_safe
def certificate_pdf(request: AuthedRequest, pk: int) -> FileResponse:
    awardee = get_object_or_404(
        Awardee.objects.select_related("decision__authority", "certificate", "nomination"),
        pk=pk,
    )
    _downloadable(request, awardee.decision, [awardee.nomination.unit_id])
    if awardee.certificate is None:
        raise Http404
    return file_response(awardee.certificate, filename=f"bang-khen-{awardee.certificate.code}.pdf")


@require_http_methods(FORM_METHODS)
def awardee_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """Revoke one award by a later decision (`services.revocations.revoke_award`)."""
    awardee = get_object_or_404(
        Awardee.objects.select_related("decision__authority", "decision__award_type"), pk=pk
    )
    decision = awardee.decision
    if not request.user.has_perm("awards.see_council", decision.authority):
        raise Http404
    require(request, "awards.manage_decision", decision)
    form = RevocationForm(
        post_data(request),
        initial={"signed_on": timezone.localdate(), "signer_title": services.DEFAULT_SIGNER_TITLE},
    )
    revocation = run_form(
        request,
        form,
        lambda data: revocations.revoke_award(awardee, by=request.user, **data),
        _("The award is revoked; the revoking decision is issued."),
    )
    if revocation is not None:
        return redirect(decision)
    return form_page(
        request,
        form,
        title=_("Revoke the %(award)s of %(unit)s (decision %(number)s)")
        % {"award": decision.award_type.name, "unit": awardee.name, "number": decision.number},
        intro=_(
            "A later decision cancels the award, and the award's object and money are recovered"
            " (Law on Emulation and Commendation, Chapter VII). The revoking decision is issued"
            " as a PDF at once; the public results show the award as revoked. This cannot be"
            " undone."
        ),
        submit_label=_("Issue the revoking decision"),
        danger=True,
        cancel_link=decision.get_absolute_url(),
    )


@require_safe
def revocation_pdf(request: AuthedRequest, pk: int) -> FileResponse:
    """The revoking decision: public, as the revoked award's decision is."""
    revocation = get_object_or_404(
        Revocation.objects.select_related("document", "awardee__decision"), pk=pk
    )
    if revocation.document is None:
        raise Http404
    if revocation.awardee.decision.status != Decision.Status.PUBLISHED and not (
        request.user.has_perm("awards.see_council", revocation.authority)
    ):
        raise Http404
    return file_response(
        revocation.document, filename=f"quyet-dinh-huy-bo-{revocation.document.code}.pdf"
    )


urlpatterns: list[URLPattern] = [
    path("council/<id:authority>/<int:year>/decisions/", decision_list, name="decision_list"),
    path(
        "council/<id:authority>/<int:year>/decisions/new/<id:award>/",
        decision_create,
        name="decision_create",
    ),
    path("council/decisions/<id:pk>/", decision_detail, name="decision_detail"),
    path("council/decisions/<id:pk>/edit/", decision_edit, name="decision_edit"),
    path("council/decisions/<id:pk>/issue/", decision_issue, name="decision_issue"),
    path("council/decisions/<id:pk>/publish/", decision_publish, name="decision_publish"),
    path("council/decisions/<id:pk>/discard/", decision_discard, name="decision_discard"),
    path("council/decisions/<id:pk>/decision.pdf", decision_pdf, name="decision_pdf"),
    path("council/awardees/<id:pk>/certificate.pdf", certificate_pdf, name="certificate_pdf"),
    path("council/awardees/<id:pk>/revoke/", awardee_revoke, name="awardee_revoke"),
    path("council/revocations/<id:pk>/decision.pdf", revocation_pdf, name="revocation_pdf"),
]
