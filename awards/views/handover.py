"""Next year's head and deputies as the block elected them, and the council's confirmation.

Seen by everyone who sees the block year (404 outside it, and when the year elected nobody yet);
confirmed by the council's staff (`awards.confirm_handover`, 403 for the others).
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from awards.forms.handover import HandoverConfirmForm
from awards.models import Ballot, Handover
from awards.services import handover as services
from blocks.models import BlockYear, Membership, Unit
from emulation.actions import require
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest


def _block_year(request: AuthedRequest, pk: int) -> BlockYear:
    return get_object_or_404(
        BlockYear.objects.for_user(request.user).select_related("block__authority"), pk=pk
    )


def _handover(block_year: BlockYear) -> Handover:
    handover = (
        Handover.objects.filter(from_year=block_year)
        .select_related("to_year__block", "head", "confirmed_by")
        .prefetch_related(Prefetch("deputies", queryset=Unit.objects.order_by("name")))
        .first()
    )
    if handover is None:
        raise Http404
    return handover


def _default_day(handover: Handover) -> datetime.date:
    return max(timezone.localdate(), handover.to_year.first_day)


@require_safe
def handover_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    handover = _handover(block_year)
    leading = list(
        handover.to_year.memberships.leading()
        .current()
        .select_related("unit")
        .order_by("role", "position")
    )
    now_head = next((m for m in leading if m.role == Membership.Role.HEAD), None)
    elections = list(
        Ballot.objects.filter(
            block_year=block_year,
            kind__in=[Ballot.Kind.HEAD, Ballot.Kind.DEPUTY],
            status=Ballot.Status.CLOSED,
        )
        .select_related("block_year", "award_type")
        .order_by("closed_at", "pk")
    )
    can_confirm = handover.status == Handover.Status.PENDING and request.user.has_perm(
        "awards.confirm_handover", block_year
    )
    form = HandoverConfirmForm(initial={"handover_on": _default_day(handover)})
    return render(
        request,
        "awards/handover/handover_detail.html",
        {
            "block_year": block_year,
            "handover": handover,
            "deputies": list(handover.deputies.all()),
            "now_head": now_head,
            "now_deputies": [m for m in leading if m.role == Membership.Role.DEPUTY],
            "differs": now_head is not None and now_head.unit_id != handover.head_id,
            "elections": elections,
            "can_confirm": can_confirm,
            "form": form if can_confirm else None,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def handover_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    block_year = _block_year(request, pk)
    handover = _handover(block_year)
    require(request, "awards.confirm_handover", block_year)
    form = HandoverConfirmForm(post_data(request), initial={"handover_on": _default_day(handover)})
    done = run_form(
        request,
        form,
        lambda data: services.confirm_handover(
            handover, by=request.user, handover_on=data["handover_on"]
        ),
        _("The hand-over is confirmed."),
    )
    if done:
        return redirect("awards:handover_detail", block_year.pk)
    deputies = ", ".join(unit.name for unit in handover.deputies.all()) or "—"
    return render(
        request,
        "emulation/form_page.html",
        {
            "form": form,
            "title": _("Confirm next year's head of %(block)s") % {"block": block_year.block.name},
            "intro": _(
                "Elected by the block in %(year)d: head %(head)s; deputies %(deputies)s. On the"
                " hand-over date they become the head and deputies of %(next)d, and the secretariat"
                " of that year moves to them."
            )
            % {
                "year": block_year.year,
                "head": handover.head.name,
                "deputies": deputies,
                "next": handover.to_year.year,
            },
            "submit_label": _("Confirm"),
            "cancel_link": _url(block_year),
        },
    )


def _url(block_year: BlockYear) -> str:
    return reverse("awards:handover_detail", args=[block_year.pk])


urlpatterns: list[URLPattern] = [
    path("years/<id:pk>/handover/", handover_detail, name="handover_detail"),
    path("years/<id:pk>/handover/confirm/", handover_confirm, name="handover_confirm"),
]
