"""What each person must do now about ballots, nominations, the dossier, the hand-over and the
council's work.

At most four queries whatever the data size, besides the person's roles (read once per request
by `blocks.home.roles_of` and shared with the other home sections): the ballots that concern the
person (to vote in, to run, or an election whose hand-over awaits the council), the nominations
(to write, approve or attest, to gather into the dossier, or returned), the council staff's counts
per authority and year (to receive, to appraise, approved awaiting a decision), and the council
sessions open for the person's vote. Each filters with the roles' plain lists of ids; a query
whose lists are all empty (the person has no such role) is not run at all. Each is SQL written
here, composed once (`emulation.home.Columns`): the ORM took longer to build and compile the
ballots' and nominations' joins and counts than the database took to run them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards.models import (
    Awardee,
    AwardType,
    Ballot,
    BallotVoter,
    CouncilSession,
    CouncilVoter,
    Decision,
    Handover,
    Nomination,
)
from blocks.home import Roles, roles_of
from blocks.models import Authority, Block, BlockYear
from emulation.home import Section
from emulation.http import AuthedRequest
from emulation.sql import Columns, fetch, marks

B = Ballot.Status
N = Nomination.Status


def my_tasks(request: AuthedRequest) -> Section | None:
    user = request.user
    today = timezone.localdate()
    roles = roles_of(request)
    ballots = _ballots(roles, today) if roles.voting or roles.running or roles.staff_of else []
    nominations = _nominations(roles) if roles.unit_ids or roles.running else []
    counts = _council_counts(roles.staff_of) if roles.staff_of else []
    sessions = _sessions_to_vote(user, roles.member_of) if roles.member_of else []
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


_BALLOT = Columns(
    Ballot,
    "ba",
    "id",
    "block_year",
    "kind",
    "award_type",
    "method",
    "status",
    "closes_on",
    "members",
)
_AWARD = Columns(AwardType, "at", "id", "name_vi", "name_en")
_YEAR = Columns(BlockYear, "y", "id", "block", "year")
_BLOCK = Columns(Block, "b", "id", "name")
_VOTERS_SQL = f"SELECT COUNT(*) FROM {BallotVoter._meta.db_table} v WHERE v.ballot_id = ba.id"
_BALLOTS_SQL = f"""
SELECT {", ".join(c.sql for c in (_BALLOT, _AWARD, _YEAR, _BLOCK))}, {{counts}}
FROM {Ballot._meta.db_table} ba
INNER JOIN {BlockYear._meta.db_table} y ON y.id = ba.block_year_id
INNER JOIN {Block._meta.db_table} b ON b.id = y.block_id
LEFT JOIN {AwardType._meta.db_table} at ON at.id = ba.award_type_id
WHERE {{where}}
ORDER BY ba.closes_on, ba.created_at, ba.id"""
_AWAITING_COUNCIL_SQL = f"""(ba.kind = %s AND ba.status = %s AND b.authority_id IN ({{staff_of}})
    AND EXISTS (SELECT 1 FROM {Handover._meta.db_table} h
        WHERE h.from_year_id = ba.block_year_id AND h.status = %s))"""


def _ballots(roles: Roles, today: datetime.date) -> list[Ballot]:
    """The ballots to vote in or to run, and the closed head elections whose hand-over awaits the
    council the person is staff of, with block year, block and award. Whether the person's units
    voted, and how many units did, is only counted when the person votes in or runs a block
    year."""
    voting, running = set(roles.voting), set(roles.running)
    where: list[str] = []
    params: list[Any] = []
    if not (voting or running):
        counts = "0, 0"
    elif roles.led:
        counts = f"({_VOTERS_SQL} AND v.unit_id IN ({marks(roles.led)})), ({_VOTERS_SQL})"
        params += roles.led
    else:
        counts = f"0, ({_VOTERS_SQL})"
    if voting:
        where.append(
            f"(ba.status = %s AND ba.block_year_id IN ({marks(voting)})"
            " AND (ba.closes_on IS NULL OR ba.closes_on >= %s))"
        )
        params += [B.OPEN.value, *roles.voting, connection.ops.adapt_datefield_value(today)]
    if running:
        where.append(f"(ba.status IN (%s, %s) AND ba.block_year_id IN ({marks(running)}))")
        params += [B.DRAFT.value, B.OPEN.value, *roles.running]
    if roles.staff_of:
        where.append(_AWAITING_COUNCIL_SQL.format(staff_of=marks(roles.staff_of)))
        params += [
            Ballot.Kind.HEAD.value,
            B.CLOSED.value,
            *roles.staff_of,
            Handover.Status.PENDING.value,
        ]
    found = []
    sql = _BALLOTS_SQL.format(counts=counts, where=" OR ".join(where))
    for row in fetch(sql, params):
        ballot = _BALLOT.instance(row)
        at = _BALLOT.width
        if ballot.award_type_id is not None:
            ballot.award_type = _AWARD.instance(row, at)
        at += _AWARD.width
        ballot.block_year = _YEAR.instance(row, at)
        ballot.block_year.block = _BLOCK.instance(row, at + _YEAR.width)
        ballot.voted, ballot.voted_count = row[-2:]
        ballot.can_vote = ballot.block_year_id in voting
        ballot.runs = ballot.block_year_id in running
        found.append(ballot)
    return found


_NOMINATION = Columns(
    Nomination,
    "n",
    "id",
    "block_year",
    "award_type",
    "unit",
    "unit_name",
    "status",
    "attested_at",
    "report_updated_at",
    "report_approved_at",
)
_NOMINATED_AWARD = Columns(AwardType, "at", "id", "name_vi", "name_en", "attestations")
_NOMINATION_YEAR = Columns(BlockYear, "y", "id", "block", "year", "dossier_deadline")
_NOMINATIONS_SQL = f"""
SELECT {", ".join(c.sql for c in (_NOMINATION, _NOMINATED_AWARD, _NOMINATION_YEAR, _BLOCK))}
FROM {Nomination._meta.db_table} n
INNER JOIN {BlockYear._meta.db_table} y ON y.id = n.block_year_id
INNER JOIN {Block._meta.db_table} b ON b.id = y.block_id
INNER JOIN {AwardType._meta.db_table} at ON at.id = n.award_type_id
WHERE ({{mine}}) AND n.status IN (%s, %s)
ORDER BY y.dossier_deadline, b.name, y.year DESC, at.position, n.unit_name"""


def _nominations(roles: Roles) -> list[Nomination]:
    """The nominations of the person's units, and of the block years they run, still being
    prepared (draft) or returned by the council; by the year's dossier deadline, block year,
    award and unit."""
    mine: list[str] = []
    params: list[Any] = []
    if roles.unit_ids:
        mine.append(f"n.unit_id IN ({marks(roles.unit_ids)})")
        params += roles.unit_ids
    if roles.running:
        mine.append(f"n.block_year_id IN ({marks(roles.running)})")
        params += roles.running
    params += [N.DRAFT.value, N.RETURNED.value]
    led, officer_of, running = set(roles.led), set(roles.officer_of), set(roles.running)
    found = []
    for row in fetch(_NOMINATIONS_SQL.format(mine=" OR ".join(mine)), params):
        nomination = _NOMINATION.instance(row)
        at = _NOMINATION.width
        nomination.award_type = _NOMINATED_AWARD.instance(row, at)
        at += _NOMINATED_AWARD.width
        nomination.block_year = _NOMINATION_YEAR.instance(row, at)
        nomination.block_year.block = _BLOCK.instance(row, at + _NOMINATION_YEAR.width)
        nomination.leads = nomination.unit_id in led
        nomination.writes = nomination.unit_id in officer_of
        nomination.runs = nomination.block_year_id in running
        found.append(nomination)
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


_COUNCIL_COUNTS_SQL = f"""
SELECT b.authority_id, a.name, y.year,
    SUM(CASE WHEN n.status = %s THEN 1 ELSE 0 END),
    SUM(CASE WHEN n.status = %s THEN 1 ELSE 0 END),
    SUM(CASE WHEN n.status = %s AND NOT EXISTS (
        SELECT 1 FROM {Awardee._meta.db_table} w
        INNER JOIN {Decision._meta.db_table} d ON d.id = w.decision_id
        WHERE w.nomination_id = n.id AND d.status IN (%s, %s)
    ) THEN 1 ELSE 0 END)
FROM {Nomination._meta.db_table} n
INNER JOIN {BlockYear._meta.db_table} y ON y.id = n.block_year_id
INNER JOIN {Block._meta.db_table} b ON b.id = y.block_id
INNER JOIN {Authority._meta.db_table} a ON a.id = b.authority_id
WHERE b.authority_id IN ({{staff_of}}) AND n.status IN (%s, %s, %s)
GROUP BY b.authority_id, a.name, y.year
ORDER BY y.year, a.name"""


def _council_counts(staff_of: list[int]) -> list[tuple[Any, ...]]:
    """Per authority and year the staff work for: nominations to receive, to appraise, and
    approved but not yet in an issued decision, as `(authority, its name, year, to receive, to
    appraise, awaiting)` (one grouped query)."""
    statuses = [N.SUBMITTED.value, N.RECEIVED.value, N.APPROVED.value]
    decided = [Decision.Status.ISSUED.value, Decision.Status.PUBLISHED.value]
    return fetch(
        _COUNCIL_COUNTS_SQL.format(staff_of=marks(staff_of)),
        [*statuses, *decided, *staff_of, *statuses],
    )


def _council_tasks(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    tasks = []
    for authority, authority_name, year, to_receive, to_appraise, awaiting in rows:
        names = {"authority": authority_name, "year": year}
        intake = reverse("awards:intake_list", args=[authority, year])
        if to_receive:
            tasks.append(
                _task(
                    "inbox",
                    ngettext(
                        "%(n)d nomination to receive (%(authority)s, %(year)d)",
                        "%(n)d nominations to receive (%(authority)s, %(year)d)",
                        to_receive,
                    )
                    % {**names, "n": to_receive},
                    None,
                    intake,
                )
            )
        if to_appraise:
            tasks.append(
                _task(
                    "clipboard-check",
                    ngettext(
                        "%(n)d nomination to appraise (%(authority)s, %(year)d)",
                        "%(n)d nominations to appraise (%(authority)s, %(year)d)",
                        to_appraise,
                    )
                    % {**names, "n": to_appraise},
                    None,
                    intake,
                )
            )
        if awaiting:
            tasks.append(
                _task(
                    "file-earmark-check",
                    ngettext(
                        "%(n)d approved nomination awaiting a decision (%(authority)s, %(year)d)",
                        "%(n)d approved nominations awaiting a decision (%(authority)s, %(year)d)",
                        awaiting,
                    )
                    % {**names, "n": awaiting},
                    None,
                    reverse("awards:decision_list", args=[authority, year]),
                )
            )
    return tasks


_SESSION = Columns(CouncilSession, "s", "id", "authority", "title")
_PRESENT = CouncilSession._meta.get_field("present")
_AUTHORITY = Columns(Authority, "a", "id", "name")
_SESSIONS_SQL = f"""
SELECT {_SESSION.sql}, {_AUTHORITY.sql}
FROM {CouncilSession._meta.db_table} s
INNER JOIN {Authority._meta.db_table} a ON a.id = s.authority_id
WHERE s.status = %s AND s.authority_id IN ({{member_of}})
    AND EXISTS (SELECT 1 FROM {_PRESENT.m2m_db_table()} p
        WHERE p.{_PRESENT.m2m_column_name()} = s.id AND p.{_PRESENT.m2m_reverse_name()} = %s)
    AND NOT EXISTS (SELECT 1 FROM {CouncilVoter._meta.db_table} v
        WHERE v.session_id = s.id AND v.user_id = %s)
ORDER BY s.held_on, s.id"""


def _sessions_to_vote(user: Any, member_of: list[int]) -> list[CouncilSession]:
    """Open sessions where the person, a council member, is recorded present and has not voted."""
    sessions = []
    for row in fetch(
        _SESSIONS_SQL.format(member_of=marks(member_of)),
        [CouncilSession.Status.OPEN.value, *member_of, user.pk, user.pk],
    ):
        session = _SESSION.instance(row)
        session.authority = _AUTHORITY.instance(row, _SESSION.width)
        sessions.append(session)
    return sessions


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
