"""What each person must do now about ballots, nominations, the dossier, the hand-over and the
council's work.

At most four queries whatever the data size, besides the person's roles (read once per request
by `blocks.home.roles_of` and shared with the other home sections): the ballots that concern the
person (to vote in, to run, or an election whose hand-over awaits the council), the nominations
(to write, approve or attest, to gather into the dossier, or returned), the council staff's counts
per authority and year (to receive, to appraise, approved awaiting a decision), and the council
sessions open for the person's vote. Each filters with the roles' plain lists of ids; a query
whose lists are all empty (the person has no such role) is not run at all.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards.models import (
    Awardee,
    Ballot,
    CouncilSession,
    CouncilVoter,
    Decision,
    Handover,
    Nomination,
)
from blocks.home import Roles, roles_of
from emulation.home import Section
from emulation.http import AuthedRequest

B = Ballot.Status
N = Nomination.Status


def my_tasks(request: AuthedRequest) -> Section | None:
    user = request.user
    today = timezone.localdate()
    roles = roles_of(request)
    ballots = _ballots(roles, today) if roles.voting or roles.running or roles.staff_of else []
    nominations = _nominations(roles) if roles.unit_ids or roles.running else []
    counts = list(_council_counts(roles.staff_of)) if roles.staff_of else []
    sessions = list(_sessions_to_vote(user, roles.member_of)) if roles.member_of else []
    tasks: list[dict[str, Any]] = []
    handovers: set[int] = set()
    for ballot in ballots:
        if ballot.kind == Ballot.Kind.HEAD and ballot.status == B.CLOSED:
            if ballot.block_year_id not in handovers:
                handovers.add(ballot.block_year_id)
                tasks.append(_handover_task(ballot))
            continue
        tasks.extend(_ballot_tasks(ballot, today))
    tasks.extend(_nomination_tasks(nominations))
    tasks.extend(_council_tasks(counts))
    tasks.extend(_session_tasks(sessions))
    if not tasks:
        return None
    tasks.sort(key=lambda t: (t["deadline"] is None, t["deadline"] or today))
    return Section("awards/_home.html", {"tasks": tasks, "today": today}, order=7)


def _ballots(roles: Roles, today: datetime.date) -> list[Ballot]:
    """The ballots to vote in or to run, and the closed head elections whose hand-over awaits the
    council the person is staff of. Whether the person's units voted, and how many units did,
    is only counted when the person votes in or runs a block year."""
    voting, running = set(roles.voting), set(roles.running)
    ballots = Ballot.objects.filter(
        Q(status=B.OPEN, block_year__in=roles.voting)
        & (Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        | Q(status__in=[B.DRAFT, B.OPEN], block_year__in=roles.running)
        | Q(
            kind=Ballot.Kind.HEAD,
            status=B.CLOSED,
            block_year__handover__status=Handover.Status.PENDING,
            block_year__block__authority__in=roles.staff_of,
        )
    )
    if voting or running:
        # Counted over the join to the voter roll: far cheaper to build than two subqueries.
        ballots = ballots.annotate(
            voted=Count("voters", filter=Q(voters__unit__in=roles.led)),
            voted_count=Count("voters"),
        )
    found = list(
        ballots.select_related("block_year__block", "award_type").order_by(
            "closes_on", "created_at", "pk"
        )
    )
    for ballot in found:
        ballot.can_vote = ballot.block_year_id in voting  # type: ignore[attr-defined]
        ballot.runs = ballot.block_year_id in running  # type: ignore[attr-defined]
        if not (voting or running):
            ballot.voted, ballot.voted_count = False, 0  # type: ignore[attr-defined]
    return found


def _nominations(roles: Roles) -> list[Nomination]:
    """The nominations of the person's units, and of the block years they run, still being
    prepared (draft) or returned by the council."""
    found = list(
        Nomination.objects.filter(
            Q(unit__in=roles.unit_ids) | Q(block_year__in=roles.running),
            status__in=[N.DRAFT, N.RETURNED],
        )
        .select_related("block_year__block", "award_type")
        .order_by("block_year__dossier_deadline", "block_year", "award_type__position", "unit_name")
    )
    led, officer_of, running = set(roles.led), set(roles.officer_of), set(roles.running)
    for nomination in found:
        nomination.leads = nomination.unit_id in led  # type: ignore[attr-defined]
        nomination.writes = nomination.unit_id in officer_of  # type: ignore[attr-defined]
        nomination.runs = nomination.block_year_id in running  # type: ignore[attr-defined]
    return found


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
    for n in nominations:
        names = {"unit": n.unit_name, "award": n.award_type.name}
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
    return tasks


def _task(
    icon: str, text: str, deadline: datetime.date | None, url: str, label: str = ""
) -> dict[str, Any]:
    return {"icon": icon, "text": text, "deadline": deadline, "url": url, "label": label}


# The council ----------------------------------------------------------------------------------


def _council_counts(staff_of: list[int]) -> Any:
    """Per authority and year the staff work for: nominations to receive, to appraise, and
    approved but not yet in an issued decision (one grouped query)."""
    in_decision = Awardee.objects.filter(
        nomination=OuterRef("pk"),
        decision__status__in=[Decision.Status.ISSUED, Decision.Status.PUBLISHED],
    )
    return (
        Nomination.objects.filter(
            block_year__block__authority__in=staff_of,
            status__in=[N.SUBMITTED, N.RECEIVED, N.APPROVED],
        )
        .order_by()
        .values(
            "block_year__block__authority",
            "block_year__block__authority__name",
            "block_year__year",
        )
        .annotate(
            to_receive=Count("pk", filter=Q(status=N.SUBMITTED)),
            to_appraise=Count("pk", filter=Q(status=N.RECEIVED)),
            awaiting=Count("pk", filter=Q(Q(status=N.APPROVED), ~Exists(in_decision))),
        )
        .order_by("block_year__year", "block_year__block__authority__name")
    )


def _council_tasks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    tasks = []
    for row in rows:
        authority, year = row["block_year__block__authority"], row["block_year__year"]
        names = {"authority": row["block_year__block__authority__name"], "year": year}
        intake = reverse("awards:intake_list", args=[authority, year])
        if row["to_receive"]:
            tasks.append(
                _task(
                    "inbox",
                    ngettext(
                        "%(n)d nomination to receive (%(authority)s, %(year)d)",
                        "%(n)d nominations to receive (%(authority)s, %(year)d)",
                        row["to_receive"],
                    )
                    % {**names, "n": row["to_receive"]},
                    None,
                    intake,
                )
            )
        if row["to_appraise"]:
            tasks.append(
                _task(
                    "clipboard-check",
                    ngettext(
                        "%(n)d nomination to appraise (%(authority)s, %(year)d)",
                        "%(n)d nominations to appraise (%(authority)s, %(year)d)",
                        row["to_appraise"],
                    )
                    % {**names, "n": row["to_appraise"]},
                    None,
                    intake,
                )
            )
        if row["awaiting"]:
            tasks.append(
                _task(
                    "file-earmark-check",
                    ngettext(
                        "%(n)d approved nomination awaiting a decision (%(authority)s, %(year)d)",
                        "%(n)d approved nominations awaiting a decision (%(authority)s, %(year)d)",
                        row["awaiting"],
                    )
                    % {**names, "n": row["awaiting"]},
                    None,
                    reverse("awards:decision_list", args=[authority, year]),
                )
            )
    return tasks


def _sessions_to_vote(user: Any, member_of: list[int]) -> Any:
    """Open sessions where the person, a council member, is recorded present and has not voted."""
    return (
        CouncilSession.objects.filter(
            status=CouncilSession.Status.OPEN,
            present=user,
            authority__in=member_of,
        )
        .exclude(Exists(CouncilVoter.objects.filter(session=OuterRef("pk"), user=user)))
        .select_related("authority")
        .order_by("held_on", "pk")
    )


def _session_tasks(sessions: list[CouncilSession]) -> list[dict[str, Any]]:
    return [
        _task(
            "box-arrow-in-down",
            _("Vote in the council session: %(title)s (%(authority)s)")
            % {"title": session.title, "authority": session.authority.name},
            None,
            reverse("awards:session_vote", args=[session.pk]),
            _("Vote"),
        )
        for session in sessions
    ]
