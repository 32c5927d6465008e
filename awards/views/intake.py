"""The council's intake of the blocks' nominations: its home, the year's list, one nomination,
receiving and appraising it.

Council pages are seen by the council staff and members of the nomination's authority (and site
administrators): 404 for everyone else, block people included, who follow their nomination on the
block's pages. Receiving and appraising are the staff's (`awards.appraise_nomination`, 403 for
members). The council's home is not tied to an object: 403 for anyone without a council role.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from awards.filters import IntakeFilter
from awards.forms.intake import AppraisalForm
from awards.models import Dossier, Nomination
from awards.models.nominations import passes
from awards.services import intake as services
from awards.tables import IntakeTable
from blocks.models import Authority
from emulation.actions import act as _act
from emulation.actions import confirm_page as _confirm
from emulation.actions import require as _require
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest
from emulation.tables import RequestConfig

FORM_METHODS = ["GET", "HEAD", "POST"]
PER_PAGE = 25

HISTORY = {
    "awards.nomination.created": gettext_lazy("Proposed by the block's ballot"),
    "awards.nomination.report_saved": gettext_lazy("Achievement report written"),
    "awards.nomination.report_approved": gettext_lazy("Achievement report approved"),
    "awards.nomination.attested": gettext_lazy("Attestations given"),
    "awards.nomination.eligibility_checked": gettext_lazy("Eligibility checked again"),
    "awards.nomination.file_added": gettext_lazy("Document attached"),
    "awards.nomination.file_removed": gettext_lazy("Document removed"),
    "awards.dossier.submitted": gettext_lazy("Sent to the council with the block's dossier"),
    "awards.nomination.received": gettext_lazy("Received by the council"),
    "awards.nomination.appraised": gettext_lazy("Appraised"),
    "awards.nomination.returned": gettext_lazy("Returned to the block"),
    "awards.nomination.resubmitted": gettext_lazy("Sent again by the block"),
    "awards.nomination.withdrawn": gettext_lazy("Withdrawn"),
}


def _year_links(authority: Authority, year: int) -> dict[str, str]:
    return {
        "intake": reverse("awards:intake_list", args=[authority.pk, year]),
        "sessions": reverse("awards:session_list", args=[authority.pk, year]),
        "decisions": reverse("awards:decision_list", args=[authority.pk, year]),
        "statistics": reverse("awards:statistics", args=[authority.pk, year]),
        "registrations": reverse("covenants:council_registrations", args=[authority.pk, year]),
    }


def _authority(request: AuthedRequest, pk: int) -> Authority:
    authority = get_object_or_404(Authority, pk=pk)
    if not request.user.has_perm("awards.see_council", authority):
        raise Http404
    return authority


def _nomination(request: AuthedRequest, pk: int) -> Nomination:
    nomination = get_object_or_404(
        Nomination.objects.exclude(status=Nomination.Status.DRAFT).select_related(
            "block_year__block__authority",
            "award_type",
            "unit",
            "ballot__block_year",
            "ballot__award_type",
            "report_document",
            "report_approved_by",
            "attested_by",
            "returned_by",
            "received_by",
            "appraised_by",
        ),
        pk=pk,
    )
    if not request.user.has_perm("awards.see_council", nomination.block_year.block.authority):
        raise Http404
    return nomination


def _detail(nomination: Nomination) -> str:
    return reverse("awards:intake_detail", args=[nomination.pk])


# The council's home and the year's list -------------------------------------------------------


@require_safe
def council_index(request: AuthedRequest) -> HttpResponse:
    seats = Nomination.objects.council_seats(request.user)
    if not seats and not request.user.is_superuser:
        raise PermissionDenied
    return render(
        request,
        "awards/council/council_index.html",
        {
            "seats": [
                {
                    "seat": seat,
                    "years": [
                        {"year": y, "links": _year_links(seat.authority, y.year)}
                        for y in seat.years
                    ],
                }
                for seat in seats
            ],
        },
    )


@require_safe
def intake_list(request: AuthedRequest, authority: int, year: int) -> HttpResponse:
    council = _authority(request, authority)
    filterset = IntakeFilter(
        request.GET, queryset=Nomination.objects.for_intake(council, year), authority=council
    )
    table = IntakeTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    context: dict[str, Any] = {"filter": filterset, "table": table}
    if request.htmx:
        return render(request, "emulation/_table.html", context)
    counts = services.intake_counts(council, year)
    links = _year_links(council, year)
    here = links["intake"]
    return render(
        request,
        "awards/council/intake_list.html",
        {
            **context,
            "authority": council,
            "year": year,
            "counts": counts,
            "links": links,
            "next_links": {
                "receive": f"{here}?status={Nomination.Status.SUBMITTED}",
                "appraise": f"{here}?status={Nomination.Status.RECEIVED}",
                "ready": f"{here}?status={Nomination.Status.APPRAISED}",
                "returned": f"{here}?status={Nomination.Status.RETURNED}",
            },
            "can_run": request.user.has_perm("awards.run_council", council),
        },
    )


# One nomination -------------------------------------------------------------------------------


def _rule_state(rule: dict[str, Any] | None) -> str:
    if rule is None:
        return ""
    passed = rule.get("passed")
    return "pass" if passed is True else ("fail" if passed is False else "waiting")


def _compare(
    sent: list[dict[str, Any]], appraised: list[dict[str, Any]], now: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The award's rules as checked when sent, at the appraisal and now, one row per rule."""
    order: list[str] = []
    found: dict[str, dict[str, Any]] = {}
    for key, results in (("now", now), ("appraised", appraised), ("sent", sent)):
        for rule in results or []:
            code = str(rule.get("code", ""))
            if code not in found:
                order.append(code)
                found[code] = {"code": code, "rule": rule.get("rule", ""), "basis": ""}
            found[code][key] = rule
            found[code]["basis"] = found[code]["basis"] or rule.get("legal_basis", "")
    return [
        {
            **found[code],
            "sent_state": _rule_state(found[code].get("sent")),
            "appraised_state": _rule_state(found[code].get("appraised")),
            "now_state": _rule_state(found[code].get("now")),
        }
        for code in order
    ]


def _next_action(nomination: Nomination, can_appraise: bool) -> dict[str, str] | None:
    """The one thing to do next here, as the page's primary button."""
    if not can_appraise:
        return None
    if nomination.status == Nomination.Status.SUBMITTED:
        return {
            "url": reverse("awards:intake_receive", args=[nomination.pk]),
            "label": _("Receive"),
            "icon": "inbox",
        }
    if nomination.status == Nomination.Status.RECEIVED:
        return {
            "url": reverse("awards:intake_appraise", args=[nomination.pk]),
            "label": _("Appraise"),
            "icon": "clipboard-check",
        }
    if nomination.status == Nomination.Status.APPRAISED:
        authority = nomination.block_year.block.authority
        url = reverse("awards:session_list", args=[authority.pk, nomination.block_year.year])
        if url:
            return {"url": url, "label": _("Put on a session's agenda"), "icon": "calendar-plus"}
    return None


@require_safe
def intake_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    user = request.user
    block_year = nomination.block_year
    authority = block_year.block.authority
    can_appraise = user.has_perm("awards.appraise_nomination", nomination)
    can_return = user.has_perm("awards.return_nomination", nomination)
    dossier = (
        Dossier.objects.filter(block_year=block_year)
        .select_related("proposal_letter", "minutes")
        .first()
    )
    events = services.history(nomination, dossier)
    now = services.current_eligibility(nomination)
    given = nomination.appraisal or {}
    return render(
        request,
        "awards/council/intake_detail.html",
        {
            "nomination": nomination,
            "block_year": block_year,
            "authority": authority,
            "award": nomination.award_type,
            "dossier": dossier,
            "candidate": services.ballot_result(nomination),
            "files": list(nomination.files.all()),
            "rules": _compare(
                nomination.eligibility or [], nomination.appraisal_eligibility or [], now
            ),
            "passes_now": passes(now),
            "passes_sent": passes(nomination.eligibility or []),
            "appraised": nomination.appraised_at is not None,
            "appraisal": [
                (label, given.get(code)) for code, label in services.APPRAISAL_CHECKLIST.items()
            ],
            "earlier_appraisal": nomination.appraised_at is not None
            and nomination.status
            in (
                Nomination.Status.SUBMITTED,
                Nomination.Status.RETURNED,
                Nomination.Status.RECEIVED,
            ),
            "resubmission": services.last_resubmission(nomination, events, dossier),
            "history": [(event, HISTORY.get(event.action, event.action)) for event in events],
            "next_action": _next_action(nomination, can_appraise),
            "can_appraise": can_appraise,
            "can_reappraise": can_appraise and nomination.status == Nomination.Status.APPRAISED,
            "can_return": can_return and nomination.can_move_to(Nomination.Status.RETURNED),
            "links": _year_links(authority, block_year.year),
        },
    )


@require_http_methods(FORM_METHODS)
def intake_receive(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    _require(request, "awards.appraise_nomination", nomination)
    if request.method == "POST":
        _act(
            request,
            lambda: services.receive_nomination(nomination, by=request.user),
            _("The nomination was received; the block was told by e-mail."),
        )
        return redirect(_detail(nomination))
    if nomination.status != Nomination.Status.SUBMITTED:
        messages.error(request, services.status_refusal(nomination, receiving=True))
        return redirect(_detail(nomination))
    return _confirm(
        request,
        title=_("Receive the nomination of %(unit)s for the %(award)s?")
        % {"unit": nomination.name, "award": nomination.award_type.name},
        message=_(
            "The council takes the nomination in: the block and the unit are told, and the"
            " dossier can be appraised. If a part falls short, return it with the reason instead."
        ),
        confirm_label=_("Receive"),
        cancel_link=_detail(nomination),
    )


@require_http_methods(FORM_METHODS)
def intake_appraise(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    _require(request, "awards.appraise_nomination", nomination)
    if not services.appraisable(nomination):
        messages.error(request, services.status_refusal(nomination, receiving=False))
        return redirect(_detail(nomination))
    initial: dict[str, Any] = {
        **{code: bool(v) for code, v in (nomination.appraisal or {}).items()},
        "notes": nomination.appraisal_notes,
    }
    form = AppraisalForm(post_data(request), initial=initial)
    done = run_form(
        request,
        form,
        lambda data: services.appraise_nomination(
            nomination, by=request.user, checklist=form.checklist(), notes=data["notes"]
        ),
        _("The nomination was appraised; it is ready for a session's agenda."),
    )
    if done is not None:
        return redirect(_detail(nomination))
    now = services.current_eligibility(nomination)
    return render(
        request,
        "awards/council/intake_appraise.html",
        {
            "form": form,
            "nomination": nomination,
            "block_year": nomination.block_year,
            "authority": nomination.block_year.block.authority,
            "award": nomination.award_type,
            "rules": [{**rule, "state": _rule_state(rule)} for rule in now],
            "passes_now": passes(now),
            "can_return": request.user.has_perm("awards.return_nomination", nomination),
        },
    )


urlpatterns: list[URLPattern] = [
    path("council/", council_index, name="council_index"),
    path("council/<id:authority>/<int:year>/", intake_list, name="intake_list"),
    path("council/nominations/<id:pk>/", intake_detail, name="intake_detail"),
    path("council/nominations/<id:pk>/receive/", intake_receive, name="intake_receive"),
    path("council/nominations/<id:pk>/appraise/", intake_appraise, name="intake_appraise"),
]
