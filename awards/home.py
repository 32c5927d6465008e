"""What each person must do now about ballots, nominations, the dossier, the hand-over and the
council's work.

At most eight queries whatever the data size, each only for those it concerns: the ballots (to
vote in, to run, or an election whose hand-over awaits the council), the years whose ballots the
secretariat has yet to prepare, the nominations (to write, approve or attest, to gather into the
dossier, or returned), the years in which a unit may propose its people, the council staff's
counts per authority and year (to receive, to appraise, to put on a session's agenda, approved
awaiting a decision), the council staff's sessions and decisions in progress (one query for
both), the years they may archive, and the council sessions open for a member's vote.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards.models import (
    Awardee,
    AwardType,
    Ballot,
    BallotBox,
    CouncilSession,
    Decision,
    Dossier,
    Handover,
    Nomination,
    PersonProposal,
    RollEntry,
    Teller,
)
from awards.services import closing
from blocks.models import BlockYear
from emulation.home import Section
from emulation.http import AuthedRequest
from emulation.roles import Roles
from scoring.models import Ranking


def my_tasks(request: AuthedRequest) -> Section | None:
    roles = request.roles
    today = timezone.localdate()
    tasks: list[dict[str, Any]] = []
    if roles.led_units or roles.secretariat_years or roles.staff_of:
        handovers: set[int] = set()
        for ballot in _ballots_for(roles, today):
            if ballot.kind == Ballot.Kind.HEAD and ballot.status == Ballot.Status.CLOSED:
                if ballot.block_year_id not in handovers:  # an election awaiting the council
                    handovers.add(ballot.block_year_id)
                    tasks.append(_handover_task(ballot))
                continue
            tasks.extend(_ballot_tasks(ballot, roles, today))
    if roles.secretariat_years:
        tasks.extend(_preparation_tasks(_ballots_to_prepare(roles.secretariat_years)))
    if roles.units or roles.secretariat_years:
        tasks.extend(_nomination_tasks(list(_nominations_for(roles)), roles))
    if roles.member_units:
        tasks.extend(_proposal_tasks(_years_to_propose_in(roles)))
    if roles.staff_of:
        tasks.extend(_council_tasks(list(_council_counts(roles.staff_of))))
        tasks.extend(_council_work_tasks(list(_council_work(roles.staff_of))))
        tasks.extend(_archive_task(block_year) for block_year in _to_archive(roles.staff_of))
    if roles.member_of:
        tasks.extend(_session_tasks(list(_sessions_to_vote(request.user, roles.member_of))))
    if roles.led_units or roles.member_of:  # who may sit on a counting board
        tasks.extend(_teller_tasks(list(_seats_of(request.user))))
    if not tasks:
        return None
    tasks.sort(key=lambda t: (t["deadline"] is None, t["deadline"] or today))
    return Section("awards/_home.html", {"tasks": tasks, "today": today}, order=7)


def _ballots_for(roles: Roles, today: datetime.date) -> Any:
    """Open ballots of the years the person's led units are members of; ballots to run of the
    years they are the secretariat of; for council staff, elections whose hand-over awaits
    them. Each with whether one of the person's units voted and how many units did."""
    voting_years = {year for year, units in roles.member_units.items() if units & roles.led_units}
    voters = RollEntry.objects.filter(box=OuterRef("box"))
    return (
        Ballot.objects.filter(
            Q(status=Ballot.Status.OPEN, block_year__in=voting_years)
            & (Q(closes_on__isnull=True) | Q(closes_on__gte=today))
            | Q(
                status__in=[Ballot.Status.DRAFT, Ballot.Status.OPEN, Ballot.Status.COUNTING],
                block_year__in=roles.secretariat_years,
            )
            | Q(
                kind=Ballot.Kind.HEAD,
                status=Ballot.Status.CLOSED,
                block_year__handover__status=Handover.Status.PENDING,
                block_year__block__authority__in=roles.staff_of,
            )
        )
        .annotate(
            voted=Exists(voters.filter(unit__in=roles.led_units)),
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


def _ballots_to_prepare(years: frozenset[int]) -> Any:
    """The years the person runs whose ranking is published and which have no ballot yet."""
    return (
        BlockYear.objects.filter(pk__in=years, archived_at__isnull=True)
        .filter(Exists(Ranking.objects.filter(table__block_year=OuterRef("pk"))))
        .exclude(Exists(Ballot.objects.filter(block_year=OuterRef("pk"))))
        .select_related("block")
        .order_by("year", "pk")
    )


def _preparation_tasks(years: Iterable[BlockYear]) -> list[dict[str, Any]]:
    return [
        _task(
            "check2-square",
            _(
                "The %(year)d ranking of %(block)s is published: prepare the ballots"
                " (acclaiming the leading unit, nominations for awards)"
            )
            % _of(block_year),
            block_year.ballot_deadline,
            reverse("awards:ballot_list", args=[block_year.pk]),
        )
        for block_year in years
    ]


def _years_to_propose_in(roles: Roles) -> Any:
    """The open years whose ranking is published, in which one of the person's units is a
    member, has proposed no one yet, and the ballot on the awards to individuals is not prepared:
    the time to propose its people."""
    years = {year for year, units in roles.member_units.items() if units}
    return (
        BlockYear.objects.filter(pk__in=years, archived_at__isnull=True)
        .filter(Exists(Ranking.objects.filter(table__block_year=OuterRef("pk"))))
        .exclude(
            Exists(
                Ballot.objects.filter(
                    block_year=OuterRef("pk"),
                    kind=Ballot.Kind.NOMINATION,
                    award_type__subject=AwardType.Subject.INDIVIDUAL,
                )
            )
        )
        .exclude(
            Exists(
                PersonProposal.objects.filter(
                    block_year=OuterRef("pk"), unit__in=roles.units, withdrawn_at__isnull=True
                )
            )
        )
        .select_related("block")
        .order_by("year", "pk")
    )


def _proposal_tasks(years: Iterable[BlockYear]) -> list[dict[str, Any]]:
    return [
        _task(
            "person-plus",
            _(
                "Propose people of your unit for awards to individuals (%(block)s, %(year)d),"
                " before the block's ballot on them"
            )
            % _of(block_year),
            block_year.ballot_deadline,
            reverse("awards:proposal_list", args=[block_year.pk]),
        )
        for block_year in years
    ]


def _nominations_for(roles: Roles) -> Any:
    """Draft and returned nominations of the person's units and of the years they run."""
    return (
        Nomination.objects.filter(
            Q(unit__in=roles.units) | Q(block_year__in=roles.secretariat_years),
            status__in=[Nomination.Status.DRAFT, Nomination.Status.RETURNED],
        )
        .select_related("block_year__block", "award_type")
        .order_by("block_year__dossier_deadline", "block_year", "award_type__position", "unit_name")
    )


def _of(block_year: Any) -> dict[str, Any]:
    return {"block": block_year.block.name, "year": block_year.year}


def _ballot_tasks(ballot: Any, roles: Roles, today: datetime.date) -> list[dict[str, Any]]:
    tasks = []
    runs = roles.runs_year(ballot.block_year_id)
    if (
        ballot.status == Ballot.Status.OPEN
        and roles.led_member_units_of(ballot.block_year_id)
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
    if runs and ballot.status == Ballot.Status.DRAFT:
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
    elif runs and ballot.status == Ballot.Status.OPEN:
        tasks.append(
            _task(
                "lock",
                _("Close voting in the ballot: %(ballot)s (%(voted)d of %(members)d units voted)")
                % {
                    "ballot": ballot.title,
                    "voted": ballot.voted_count,
                    "members": ballot.members or 0,
                },
                ballot.closes_on,
                reverse("awards:ballot_detail", args=[ballot.pk]),
            )
        )
    elif runs and ballot.status == Ballot.Status.COUNTING:
        tasks.append(
            _task(
                "hourglass-split",
                _(
                    "Voting is closed in %(ballot)s: the counting board counts it (if it cannot,"
                    " declare it void)"
                )
                % {"ballot": ballot.title},
                None,
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


def _nomination_tasks(nominations: list[Nomination], roles: Roles) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = []
    dossiers: dict[int, list[Any]] = {}
    for n in nominations:
        who = f"{n.person_name} ({n.unit_name})" if n.person_name else n.unit_name
        names = {"unit": who, "award": n.award_type.name}
        runs = roles.runs_year(n.block_year_id)
        leads = roles.leads(n.unit_id)
        writes = n.unit_id in roles.officer_units
        if runs:
            dossiers.setdefault(n.block_year_id, []).append(n)
        url = reverse("awards:nomination_detail", args=[n.pk])
        if n.status == Nomination.Status.RETURNED and (leads or writes or runs):
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
            if writes:
                tasks.append(
                    _task(
                        "pencil-square",
                        _("Write the achievement report of %(unit)s for the %(award)s") % names,
                        n.block_year.dossier_deadline,
                        reverse("awards:nomination_report", args=[n.pk]),
                    )
                )
            if leads and n.report_updated_at is not None:
                tasks.append(
                    _task(
                        "check2-square",
                        _("Approve the achievement report of %(unit)s for the %(award)s") % names,
                        n.block_year.dossier_deadline,
                        reverse("awards:nomination_report_approve", args=[n.pk]),
                    )
                )
        if leads and n.attested_at is None and n.award_type.attestations:
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


def _council_counts(staff_of: Iterable[int]) -> Any:
    """Per authority and year the staff work for: nominations to receive, to appraise, to put on
    a session's agenda, and approved but not yet in an issued decision (one grouped query)."""
    in_decision = Awardee.objects.filter(
        nomination=OuterRef("pk"),
        decision__status__in=[Decision.Status.ISSUED, Decision.Status.PUBLISHED],
    )
    return (
        Nomination.objects.filter(
            block_year__block__authority__in=staff_of,
            status__in=[
                Nomination.Status.SUBMITTED,
                Nomination.Status.RECEIVED,
                Nomination.Status.APPRAISED,
                Nomination.Status.APPROVED,
            ],
        )
        .order_by()
        .values(
            "block_year__block__authority",
            "block_year__block__authority__name",
            "block_year__year",
        )
        .annotate(
            to_receive=Count("pk", filter=Q(status=Nomination.Status.SUBMITTED)),
            to_appraise=Count("pk", filter=Q(status=Nomination.Status.RECEIVED)),
            to_schedule=Count("pk", filter=Q(status=Nomination.Status.APPRAISED)),
            awaiting=Count(
                "pk", filter=Q(Q(status=Nomination.Status.APPROVED), ~Exists(in_decision))
            ),
            # Approved, for an award the province decides, in no decision and no submission of
            # the Department of Home Affairs: the submission is the next step.
            to_submit=Count(
                "pk",
                filter=Q(
                    status=Nomination.Status.APPROVED,
                    awardee__isnull=True,
                    submissions__isnull=True,
                )
                & ~Q(award_type__level=AwardType.Level.GOVERNMENT),
            ),
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
        if row["to_schedule"]:
            tasks.append(
                _task(
                    "calendar-plus",
                    ngettext(
                        "%(n)d appraised nomination to put before a council session"
                        " (%(authority)s, %(year)d)",
                        "%(n)d appraised nominations to put before a council session"
                        " (%(authority)s, %(year)d)",
                        row["to_schedule"],
                    )
                    % {**names, "n": row["to_schedule"]},
                    None,
                    reverse("awards:session_list", args=[authority, year]),
                )
            )
        if row["to_submit"]:
            tasks.append(
                _task(
                    "send",
                    ngettext(
                        "%(n)d approved nomination to put in the Department of Home Affairs'"
                        " submission (%(authority)s, %(year)d)",
                        "%(n)d approved nominations to put in the Department of Home Affairs'"
                        " submission (%(authority)s, %(year)d)",
                        row["to_submit"],
                    )
                    % {**names, "n": row["to_submit"]},
                    None,
                    reverse("awards:submission_create", args=[authority, year]),
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


def _council_work(staff_of: Iterable[int]) -> Any:
    """The sessions and decisions in progress of the councils the person staffs, as one query
    (a union): each a row with its kind, id, status, title or number, and for a session the
    members recorded present and those who voted."""
    present = CouncilSession.present.through.objects.filter(councilsession=OuterRef("pk"))
    voted = RollEntry.objects.filter(box=OuterRef("box"))
    columns = ["work", "item", "state", "label", "present_n", "voted_n"]

    def count(rows: Any) -> Any:
        return Coalesce(
            Subquery(
                rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    sessions = (
        CouncilSession.objects.filter(
            authority__in=staff_of,
            status__in=[CouncilSession.Status.DRAFT, CouncilSession.Status.OPEN],
        )
        .annotate(
            work=Value("session", output_field=CharField()),
            item=F("pk"),
            state=F("status"),
            label=F("title"),
            present_n=count(present),
            voted_n=count(voted),
        )
        .order_by()
        .values(*columns)
    )
    decisions = (
        Decision.objects.filter(
            authority__in=staff_of,
            status__in=[Decision.Status.DRAFT, Decision.Status.ISSUED],
        )
        .annotate(
            work=Value("decision", output_field=CharField()),
            item=F("pk"),
            state=F("status"),
            label=F("number"),
            present_n=Value(0, output_field=IntegerField()),
            voted_n=Value(0, output_field=IntegerField()),
        )
        .order_by()
        .values(*columns)
    )
    return sessions.union(decisions, all=True).order_by("work", "item")


def _council_work_tasks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    tasks = []
    for row in rows:
        names = {"title": row["label"]}
        if row["work"] == "session":
            url = reverse("awards:session_detail", args=[row["item"]])
            if row["state"] == CouncilSession.Status.DRAFT:
                tasks.append(
                    _task(
                        "calendar-check",
                        _(
                            "Prepare the council session “%(title)s”: agenda and members"
                            " present, then open the vote"
                        )
                        % names,
                        None,
                        url,
                    )
                )
            else:
                tasks.append(
                    _task(
                        "lock",
                        _(
                            "Close the council session “%(title)s” (%(voted)d of %(present)d"
                            " members present have voted)"
                        )
                        % {**names, "voted": row["voted_n"], "present": row["present_n"]},
                        None,
                        url,
                    )
                )
        else:
            url = reverse("awards:decision_detail", args=[row["item"]])
            text = (
                _("Check and issue the decision No. %(title)s")
                if row["state"] == Decision.Status.DRAFT
                else _("Publish the decision No. %(title)s")
            )
            tasks.append(_task("file-earmark-text", text % names, None, url))
    return tasks


def _to_archive(staff_of: Iterable[int]) -> Any:
    """The years of the councils the person staffs whose dossier was sent and whose every
    nomination is decided (awarded in a published decision, or not approved): they can be
    archived."""
    undecided = Nomination.objects.filter(block_year=OuterRef("pk")).exclude(
        status__in=[Nomination.Status.AWARDED, Nomination.Status.REJECTED]
    )
    return (
        BlockYear.objects.filter(block__authority__in=staff_of, archived_at__isnull=True)
        .filter(
            Exists(
                Dossier.objects.filter(block_year=OuterRef("pk"), status=Dossier.Status.SUBMITTED)
            )
        )
        .exclude(Exists(undecided))
        .select_related("block")
        .order_by("year", "pk")
    )


def _archive_task(block_year: BlockYear) -> dict[str, Any]:
    """Archive the year, or, while something can still happen in it (a ballot, a nomination:
    `services.closing.open_items`, read only for the years whose nominations are all decided),
    see what keeps it open."""
    text = (
        _("Every nomination of %(block)s, %(year)d is decided, but the year is still open: see why")
        if closing.open_items(block_year)
        else _("Every nomination of %(block)s, %(year)d is decided: archive the year")
    )
    return _task(
        "archive",
        text % _of(block_year),
        None,
        reverse("awards:year_archive", args=[block_year.pk]),
    )


def _sessions_to_vote(user: Any, member_of: Iterable[int]) -> Any:
    """Open sessions where the person, a council member, is recorded present and has not voted."""
    return (
        CouncilSession.objects.filter(
            status=CouncilSession.Status.OPEN, present=user, authority__in=member_of
        )
        .exclude(Exists(RollEntry.objects.filter(box=OuterRef("box"), voted_by=user)))
        .select_related("authority")
        .order_by("held_on", "pk")
    )


def _seats_of(user: Any) -> Any:
    """The person's seats on counting boards with something to do: a code to receive before
    voting opens, or a count to make once voting closed with the quorum."""
    return (
        Teller.objects.filter(user=user)
        .filter(
            Q(box__state=BallotBox.State.PREPARING, seated_at__isnull=True)
            | Q(box__state=BallotBox.State.COUNTING)
        )
        .select_related(
            "box__ballot__block_year__block", "box__ballot__award_type", "box__session__authority"
        )
        .order_by("box_id")
    )


def _teller_tasks(seats: list[Teller]) -> list[dict[str, Any]]:
    tasks = []
    for seat in seats:
        box = seat.box
        ballot = getattr(box, "ballot", None)
        session = getattr(box, "session", None)
        if ballot is not None:
            vote, stack, where = ballot, "ballot", ballot.block_year.block.name
        elif session is not None:
            vote, stack, where = session, "session", session.authority.name
        else:
            continue
        words = {"title": vote.title, "where": where}
        if box.state == BallotBox.State.PREPARING:
            text, action, icon = (
                _("Receive your teller's code: %(title)s (%(where)s)"),
                "code",
                "key",
            )
            label = _("Receive my code")
        else:
            text, action, icon = (
                _("Count the ballots: %(title)s (%(where)s)"),
                "count",
                "calculator",
            )
            label = _("Count")
        tasks.append(
            _task(
                icon, text % words, None, reverse(f"awards:{stack}_{action}", args=[vote.pk]), label
            )
        )
    return tasks


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
