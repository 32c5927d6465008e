"""What each person must do now about ballots, nominations, the dossier and the hand-over.

Two queries whatever the data size: the ballots that concern the person (to vote in, to run, or
an election whose hand-over awaits the council), and the nominations (to write, approve or attest,
to gather into the dossier, returned, or received by the council).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards.models import Ballot, BallotVoter, Handover, Nomination
from blocks.models import CouncilRole, Membership, UnitRole
from emulation.home import Section
from emulation.http import AuthedRequest

B = Ballot.Status
N = Nomination.Status


def my_tasks(request: AuthedRequest) -> Section | None:
    user = request.user
    today = timezone.localdate()
    roles = UnitRole.objects.filter(user=user)
    led = roles.filter(role=UnitRole.Role.LEADER).values("unit")
    running = Membership.objects.leading().current().filter(unit__roles__user=user)
    staff_of = CouncilRole.objects.filter(user=user, role=CouncilRole.Role.STAFF)
    voting_years = Membership.objects.current().filter(unit__in=led).values("block_year")
    voters = BallotVoter.objects.filter(ballot=OuterRef("pk"))
    ballots = (
        Ballot.objects.filter(
            Q(status=B.OPEN, block_year__in=voting_years)
            & (Q(closes_on__isnull=True) | Q(closes_on__gte=today))
            | Q(status__in=[B.DRAFT, B.OPEN], block_year__in=running.values("block_year"))
            | Q(
                kind=Ballot.Kind.HEAD,
                status=B.CLOSED,
                block_year__handover__status=Handover.Status.PENDING,
                block_year__block__authority__in=staff_of.values("authority"),
            )
        )
        .annotate(
            can_vote=Exists(
                Membership.objects.current().filter(block_year=OuterRef("block_year"), unit__in=led)
            ),
            voted=Exists(voters.filter(unit__in=led)),
            runs=Exists(running.filter(block_year=OuterRef("block_year"))),
            voted_count=Coalesce(
                Subquery(
                    voters.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .select_related("block_year__block", "award_type")
        .order_by("closes_on", "created_at", "pk")
    )
    nominations = (
        Nomination.objects.filter(
            Q(unit__in=roles.values("unit"), status__in=[N.DRAFT, N.RETURNED])
            | Q(block_year__in=running.values("block_year"), status__in=[N.DRAFT, N.RETURNED])
            | Q(
                status=N.SUBMITTED,
                block_year__block__authority__in=staff_of.values("authority"),
                block_year__year__gte=today.year - 1,
            )
        )
        .annotate(
            leads=Exists(roles.filter(unit=OuterRef("unit"), role=UnitRole.Role.LEADER)),
            writes=Exists(roles.filter(unit=OuterRef("unit"), role=UnitRole.Role.OFFICER)),
            runs=Exists(running.filter(block_year=OuterRef("block_year"))),
            staff=Exists(staff_of.filter(authority=OuterRef("block_year__block__authority"))),
        )
        .select_related("block_year__block", "award_type")
        .order_by("block_year__dossier_deadline", "block_year", "award_type__position", "unit_name")
    )
    tasks: list[dict[str, Any]] = []
    handovers: set[int] = set()
    for ballot in ballots:
        if ballot.kind == Ballot.Kind.HEAD and ballot.status == B.CLOSED:
            if ballot.block_year_id not in handovers:
                handovers.add(ballot.block_year_id)
                tasks.append(_handover_task(ballot))
            continue
        tasks.extend(_ballot_tasks(ballot, today))
    tasks.extend(_nomination_tasks(list(nominations)))
    if not tasks:
        return None
    tasks.sort(key=lambda t: (t["deadline"] is None, t["deadline"] or today))
    return Section("awards/_home.html", {"tasks": tasks, "today": today}, order=7)


def _of(block_year: Any) -> dict[str, Any]:
    return {"block": block_year.block.name, "year": block_year.year}


def _ballot_tasks(ballot: Any, today: datetime.date) -> list[dict[str, Any]]:
    tasks = []
    if (
        ballot.status == B.OPEN
        and ballot.can_vote
        and not ballot.voted
        and (ballot.closes_on is None or ballot.closes_on >= today)
    ):
        tasks.append(
            _task(
                "box-arrow-in-down",
                _("Vote: %(ballot)s (%(block)s)")
                % {"ballot": ballot.title, "block": ballot.block_year.block.name},
                ballot.closes_on,
                reverse("awards:ballot_vote", args=[ballot.pk]),
                _("Vote"),
            )
        )
    if ballot.runs and ballot.status == B.DRAFT:
        paper = ballot.method == Ballot.Method.PAPER
        text = (
            _("Record the counts of the paper ballot: %(ballot)s")
            if paper
            else _("Open the ballot: %(ballot)s")
        )
        tasks.append(
            _task(
                "unlock",
                text % {"ballot": ballot.title},
                ballot.closes_on,
                reverse("awards:ballot_paper" if paper else "awards:ballot_open", args=[ballot.pk]),
            )
        )
    elif ballot.runs and ballot.status == B.OPEN:
        tasks.append(
            _task(
                "lock",
                _("Close and count the ballot: %(ballot)s (%(voted)d of %(members)d units voted)")
                % {
                    "ballot": ballot.title,
                    "voted": ballot.voted_count,
                    "members": ballot.members or 0,
                },
                ballot.closes_on,
                reverse("awards:ballot_detail", args=[ballot.pk]),
            )
        )
    return tasks


def _handover_task(ballot: Any) -> dict[str, Any]:
    return _task(
        "arrow-left-right",
        _("Confirm next year's head of %(block)s, elected in %(year)d") % _of(ballot.block_year),
        None,
        reverse("awards:handover_detail", args=[ballot.block_year_id]),
    )


def _nomination_tasks(nominations: list[Any]) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = []
    dossiers: dict[int, list[Any]] = {}
    received: dict[int, list[Any]] = {}
    for n in nominations:
        names = {"unit": n.unit_name, "award": n.award_type.name}
        if n.status == N.SUBMITTED:
            if n.staff:
                received.setdefault(n.block_year_id, []).append(n)
            continue
        if n.runs:
            dossiers.setdefault(n.block_year_id, []).append(n)
        url = reverse("awards:nomination_detail", args=[n.pk])
        if n.status == N.RETURNED and (n.leads or n.writes or n.runs):
            tasks.append(
                _task(
                    "arrow-return-left",
                    _("Returned by the council: the nomination of %(unit)s for the %(award)s")
                    % names,
                    n.block_year.dossier_deadline,
                    url,
                )
            )
        if n.report_approved_at is None:
            if n.writes:
                tasks.append(
                    _task(
                        "pencil-square",
                        _("Write the achievement report of %(unit)s for the %(award)s") % names,
                        n.block_year.dossier_deadline,
                        reverse("awards:nomination_report", args=[n.pk]),
                    )
                )
            if n.leads and n.report_updated_at is not None:
                tasks.append(
                    _task(
                        "check2-square",
                        _("Approve the achievement report of %(unit)s for the %(award)s") % names,
                        n.block_year.dossier_deadline,
                        reverse("awards:nomination_report_approve", args=[n.pk]),
                    )
                )
        if n.leads and n.attested_at is None and n.award_type.attestations:
            tasks.append(
                _task(
                    "shield-check",
                    _("Give the attestations of %(unit)s for the %(award)s") % names,
                    n.block_year.dossier_deadline,
                    reverse("awards:nomination_attest", args=[n.pk]),
                )
            )
    for group in dossiers.values():
        block_year = group[0].block_year
        ready = sum(
            1 for n in group if n.report_approved_at is not None and n.attested_at is not None
        )
        tasks.append(
            _task(
                "folder-check",
                _(
                    "Complete and send the nomination dossier of %(block)s, %(year)d"
                    " (%(ready)d of %(total)d nominations ready)"
                )
                % {**_of(block_year), "ready": ready, "total": len(group)},
                block_year.dossier_deadline,
                reverse("awards:dossier_detail", args=[block_year.pk]),
            )
        )
    for group in received.values():
        block_year = group[0].block_year
        tasks.append(
            _task(
                "inbox",
                ngettext(
                    "Nomination dossier received from %(block)s, %(year)d: %(n)d nomination",
                    "Nomination dossier received from %(block)s, %(year)d: %(n)d nominations",
                    len(group),
                )
                % {**_of(block_year), "n": len(group)},
                None,
                reverse("awards:dossier_detail", args=[block_year.pk]),
            )
        )
    return tasks


def _task(
    icon: str, text: str, deadline: datetime.date | None, url: str, label: str = ""
) -> dict[str, Any]:
    return {"icon": icon, "text": text, "deadline": deadline, "url": url, "label": label}
