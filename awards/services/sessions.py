"""Council sessions (DOMAIN §6): the agenda of appraised nominations, attendance and quorum, the
members' secret vote online (or the counts of a paper vote), the count with the approval share of
each award and the authority's caps, and the results.

Secrecy is the block ballot's, through the same voting core (`awards.services.voting`,
docs/ballot-secrecy.md): a counting board of council members holds the box's key in shares; a vote
writes the roll (this member voted) and a sealed ballot; closing without quorum leaves the vote
void and uncounted; otherwise the board's codes open the box in memory and only totals are kept.

Quorum and approval base. The quorum is the members who voted (online: ballots cast; paper: the
members present who voted) against the council's size when voting opened, at the session's
fraction (2/3 by default). An item is approved when its votes for reach the award's council share
(`AgendaItem.approved`) *of the members who voted* — the members present and voting: online a
present member who casts no ballot takes no part in the vote, exactly as one who left the room,
and on paper the minutes give the members present who voted. So both methods count on the same
base, and a decision never depends on a member who did not vote.

Caps (DOMAIN §5, `awards.caps`) apply after the vote, to the items that reached their share: the
authority-wide percentage of the blocks' leading units (the Government flag: at most 20 per
cent), counting what earlier sessions approved, and the award's most per block. When more pass
than there is room, those with most votes are approved; those tied at the cut-off are all left
out. That the council approves fewer provincial flags than were proposed is simply the vote.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from awards import caps
from awards.models import AgendaItem, CouncilSession, Nomination, RollEntry
from awards.services import voting
from blocks.models import Authority, CouncilRole
from blocks.services import check_not_archived
from emulation import audit, mail
from emulation.errors import DomainError
from emulation.models import User
from emulation.uploads import validate_upload

# Who sits on the council ------------------------------------------------------------------------


def council_members(authority: Authority | int) -> QuerySet[User]:
    """The authority's council members (who vote), active accounts only."""
    return (
        User.objects.filter(
            is_active=True,
            council_roles__authority=authority,
            council_roles__role=CouncilRole.Role.MEMBER,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def _council_people(authority: Authority | int) -> QuerySet[User]:
    return User.objects.filter(is_active=True, council_roles__authority=authority).distinct()


def _locked(session: CouncilSession) -> CouncilSession:
    return (
        CouncilSession.objects.select_for_update(of=("self",))
        .select_related("authority", "box")
        .get(pk=session.pk)
    )


def _mail_context(session: CouncilSession) -> dict[str, Any]:
    return {
        "session": session.title,
        "authority": session.authority.name,
        "year": session.year,
        "held_on": session.held_on.strftime("%d/%m/%Y"),
        "place": session.place,
        "path": reverse("awards:session_detail", args=[session.pk]),
    }


# Preparing a session ----------------------------------------------------------------------------


@transaction.atomic
def create_session(
    authority: Authority,
    *,
    by: User,
    year: int,
    title: str,
    held_on: datetime.date,
    place: str = "",
    method: str = CouncilSession.Method.ONLINE,
    quorum: tuple[int, int] = (2, 3),
    rerun_of: CouncilSession | None = None,
    rerun_reason: str = "",
) -> CouncilSession:
    """A session being prepared: its agenda and attendance are set next, and online its counting
    board (three council members proposed). The quorum is a fraction of the council's members
    (2/3 unless the council's rules say otherwise)."""
    numerator, denominator = quorum
    if not (0 < numerator <= denominator):
        raise DomainError(_("The quorum is a fraction such as 2/3, at most 1."), field="quorum")
    if method not in CouncilSession.Method.values:
        raise DomainError(_("Choose how the members vote."), field="method")
    title = title.strip()
    if not title:
        raise DomainError(_("Give the session a title."), field="title")
    session = CouncilSession.objects.create(
        authority=authority,
        year=year,
        title=title,
        held_on=held_on,
        place=place.strip(),
        method=method,
        quorum_numerator=numerator,
        quorum_denominator=denominator,
        created_by=by,
        rerun_of=rerun_of,
        rerun_reason=rerun_reason.strip(),
    )
    if method == CouncilSession.Method.ONLINE:
        session.box = voting.new_box(f"council:{session.pk}")
        session.save(update_fields=["box"])
        board = list(council_members(authority)[:3])
        if board:
            voting.name_board(
                session.box,
                [(m, None) for m in board],
                threshold=min(2, len(board)),
                smallest=min(voting.SMALLEST_BOARD, len(board)),
            )
    audit.record(
        "awards.councilsession.created",
        actor=by,
        obj=session,
        after={
            "title": title,
            "year": year,
            "held_on": held_on.isoformat(),
            "method": method,
            "quorum": f"{numerator}/{denominator}",
            "tellers": [str(t.user) for t in session.box.tellers.all()] if session.box else [],
            "rerun_of": rerun_of.pk if rerun_of else None,
        },
        reason=rerun_reason.strip(),
    )
    return session


@transaction.atomic
def rerun_session(session: CouncilSession, *, by: User, reason: str) -> CouncilSession:
    """Hold a void vote again: a new session prepared with the same agenda, saying why."""
    session = _locked(session)
    if not session.is_void:
        raise DomainError(_("Only a void vote is held again."))
    if not reason.strip():
        raise DomainError(_("Say why the vote is held again."), field="reason")
    again = create_session(
        session.authority,
        by=by,
        year=session.year,
        title=session.title,
        held_on=max(session.held_on, timezone.localdate()),
        place=session.place,
        method=session.method,
        quorum=(session.quorum_numerator, session.quorum_denominator),
        rerun_of=session,
        rerun_reason=reason,
    )
    waiting = Nomination.objects.filter(
        agenda_items__session=session, status=Nomination.Status.APPRAISED
    )
    if waiting.exists():
        add_to_agenda(again, list(waiting), by=by)
    return again


# The counting board -----------------------------------------------------------------------------


@transaction.atomic
def name_board(
    session: CouncilSession, *, by: User, tellers: Iterable[User], threshold: int
) -> CouncilSession:
    """Name the counting board of an online session being prepared: council members, any
    `threshold` of whom (at least two) must give their code to count."""
    session = _locked(session)
    if session.box is None or session.status != CouncilSession.Status.DRAFT:
        raise DomainError(_("The counting board is named before voting opens."))
    members = set(council_members(session.authority_id).values_list("pk", flat=True))
    people = list(tellers)
    outsiders = [str(p) for p in people if p.pk not in members]
    if outsiders:
        raise DomainError(
            _("Only council members sit on the counting board: %(names)s.")
            % {"names": ", ".join(outsiders)},
            field="tellers",
        )
    before = [str(t.user) for t in session.box.tellers.all()]
    smallest = min(voting.SMALLEST_BOARD, len(members))  # a council of one is its own board
    voting.name_board(session.box, [(p, None) for p in people], threshold, smallest=smallest)
    audit.record(
        "awards.councilsession.board_named",
        actor=by,
        obj=session,
        before={"tellers": before},
        after={"tellers": [str(p) for p in people], "threshold": threshold},
    )
    return session


@transaction.atomic
def take_code(session: CouncilSession, *, by: User) -> str:
    """A teller receives their code, once; it is never stored (only its public key)."""
    session = _locked(session)
    if session.box is None:
        raise DomainError(_("A session voting on paper has no counting board."))
    code = voting.seat(session.box, by)
    audit.record(
        "awards.councilsession.teller_seated", actor=by, obj=session, after={"teller": str(by)}
    )
    return code


def _require_draft(session: CouncilSession) -> None:
    if session.status != CouncilSession.Status.DRAFT:
        raise DomainError(_("The agenda and attendance change only while the session is prepared."))


def _renumber(session: CouncilSession) -> None:
    """Agenda order: by award (in the awards' order), then block, then unit."""
    items = list(
        session.items.select_related("nomination__award_type", "nomination__block_year__block")
    )
    items.sort(
        key=lambda i: (
            i.nomination.award_type.position,
            i.nomination.award_type.code,
            i.nomination.block_year.block.name,
            i.nomination.unit_name,
            i.nomination.person_name,
            i.pk,
        )
    )
    for position, item in enumerate(items, start=1):
        item.position = position
    AgendaItem.objects.bulk_update(items, ["position"])


@transaction.atomic
def add_to_agenda(
    session: CouncilSession, nominations: Iterable[Nomination], *, by: User
) -> list[AgendaItem]:
    """Put appraised nominations of the session's authority and year on its agenda (while it is
    prepared): each is scheduled, and takes the council approval share of its award as it stands
    now, so that a later change of the rules does not change a session already held."""
    session = _locked(session)
    _require_draft(session)
    ids = sorted({n.pk for n in nominations})
    if not ids:
        raise DomainError(_("Choose at least one nomination."), field="nominations")
    found = list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("award_type", "block_year__block")
        .order_by("pk")
    )
    if len(found) != len(ids):
        raise DomainError(_("A nomination chosen no longer exists."), field="nominations")
    for block_year_id in sorted({n.block_year_id for n in found}):
        check_not_archived(block_year_id)
    foreign = [
        n.name
        for n in found
        if n.block_year.block.authority_id != session.authority_id
        or n.block_year.year != session.year
    ]
    if foreign:
        raise DomainError(
            _("Only nominations of %(authority)s for %(year)d go on this agenda: %(units)s.")
            % {
                "authority": session.authority.short_name,
                "year": session.year,
                "units": ", ".join(foreign),
            },
            field="nominations",
        )
    unready = [n.name for n in found if n.status != Nomination.Status.APPRAISED]
    if unready:
        raise DomainError(
            _("Only appraised nominations go on an agenda: %(units)s.")
            % {"units": ", ".join(unready)},
            field="nominations",
        )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            session=session,
            nomination=n,
            approval_numerator=n.award_type.council_approval_numerator,
            approval_denominator=n.award_type.council_approval_denominator,
            approval_strict=n.award_type.council_approval_strict,
        )
        for n in found
    )
    Nomination.objects.filter(pk__in=ids).update(status=Nomination.Status.SCHEDULED)
    _renumber(session)
    audit.record(
        "awards.councilsession.agenda_added",
        actor=by,
        obj=session,
        after={"nominations": [[n.pk, n.name, n.award_type.code] for n in found]},
    )
    return list(AgendaItem.objects.filter(pk__in=[i.pk for i in items]).order_by("position"))


@transaction.atomic
def remove_from_agenda(item: AgendaItem, *, by: User) -> None:
    """Take a nomination off the agenda of a session being prepared: it is appraised again,
    free for another session."""
    session = _locked(item.session)
    _require_draft(session)
    item = AgendaItem.objects.select_related("nomination").get(pk=item.pk, session=session)
    nomination = Nomination.objects.select_for_update().get(pk=item.nomination_id)
    check_not_archived(nomination.block_year_id)
    if not nomination.can_move_to(Nomination.Status.APPRAISED):
        raise DomainError(_("This nomination cannot go back to the appraised ones."))
    nomination.status = Nomination.Status.APPRAISED
    nomination.save(update_fields=["status"])
    item.delete()
    _renumber(session)
    audit.record(
        "awards.councilsession.agenda_removed",
        actor=by,
        obj=session,
        before={"nomination": [nomination.pk, nomination.name]},
    )


@transaction.atomic
def record_attendance(
    session: CouncilSession, members: Iterable[User], *, by: User
) -> CouncilSession:
    """Record who of the council's members is present (while the session is prepared)."""
    session = _locked(session)
    _require_draft(session)
    chosen = {m.pk for m in members}
    allowed = set(council_members(session.authority).values_list("pk", flat=True))
    if chosen - allowed:
        raise DomainError(
            _("Only members of the council can be recorded as present."), field="members"
        )
    before = sorted(session.present.values_list("username", flat=True))
    session.present.set(sorted(chosen))
    audit.record(
        "awards.councilsession.attendance",
        actor=by,
        obj=session,
        before={"present": before},
        after={"present": sorted(session.present.values_list("username", flat=True))},
    )
    return session


def present_members(session: CouncilSession) -> QuerySet[User]:
    """The members recorded present who still sit on the council."""
    return council_members(session.authority_id).filter(council_sessions_attended=session)


@transaction.atomic
def open_session(session: CouncilSession, *, by: User) -> CouncilSession:
    """Open voting online: needs an agenda and the quorum of the council's members present. The
    council's size is fixed at this moment; the members present are told by e-mail."""
    session = _locked(session)
    if session.method != CouncilSession.Method.ONLINE:
        raise DomainError(_("A session voting on paper is recorded from its counts, not opened."))
    if session.status != CouncilSession.Status.DRAFT or not session.can_move_to(
        CouncilSession.Status.OPEN
    ):
        raise DomainError(_("This session is not being prepared: it cannot be opened."))
    if not session.items.exists():
        raise DomainError(_("Put at least one nomination on the agenda first."))
    size = council_members(session.authority).count()
    present = list(present_members(session))
    if not session.quorum_met(len(present), size):
        raise DomainError(
            _(
                "%(present)d of %(size)d council members are recorded present; the quorum"
                " (%(n)d/%(d)d) needs %(needed)d."
            )
            % {
                "present": len(present),
                "size": size,
                "n": session.quorum_numerator,
                "d": session.quorum_denominator,
                "needed": session.quorum_needed(size),
            }
        )
    if session.box is None:
        raise DomainError(_("This session has no ballot box."))
    voting.open_box(session.box)
    session.status = CouncilSession.Status.OPEN
    session.council_size = size
    session.opened_at = timezone.now()
    session.save(update_fields=["status", "council_size", "opened_at"])
    audit.record(
        "awards.councilsession.opened",
        actor=by,
        obj=session,
        before={"status": CouncilSession.Status.DRAFT},
        after={
            "status": CouncilSession.Status.OPEN,
            "council_size": size,
            "present": len(present),
            "tellers": [str(t.user) for t in session.box.tellers.all()],
            "threshold": session.box.threshold,
        },
    )
    mail.send_templated_mail(
        template="session_opened", recipients=present, context=_mail_context(session)
    )
    return session


# Voting -----------------------------------------------------------------------------------------


def cast_council_vote(session: CouncilSession, *, by: User, choices: Mapping[int, bool]) -> str:
    """Cast a present member's sealed vote (agree or disagree on every agenda item) and return
    its receipt code (shown once, never stored as such)."""
    try:
        with transaction.atomic():
            return _cast(session, by=by, choices=choices)
    except IntegrityError as error:  # the roll's constraint: a simultaneous second click
        raise DomainError(_("You have already voted in this session.")) from error


def _check_choices(session: CouncilSession, choices: Mapping[int, bool]) -> dict[int, bool]:
    items = set(session.items.values_list("pk", flat=True))
    if set(choices) - items:
        raise DomainError(_("The vote names an item that is not on the agenda."))
    if items - set(choices):
        raise DomainError(_("Say whether you agree or disagree on every item of the agenda."))
    return {pk: bool(value) for pk, value in choices.items()}


def _options(session: CouncilSession) -> list[int]:
    return sorted(session.items.values_list("pk", flat=True))


def _cast(session: CouncilSession, *, by: User, choices: Mapping[int, bool]) -> str:
    session = _locked(session)
    if session.status != CouncilSession.Status.OPEN or session.box is None:
        raise DomainError(_("This session is not open for voting."))
    if not present_members(session).filter(pk=by.pk).exists():
        raise DomainError(_("Only council members recorded present vote in this session."))
    if voting.roll(session.box).filter(voted_by=by).exists():
        raise DomainError(_("You have already voted in this session."))
    clean = _check_choices(session, choices)
    receipt = voting.cast(session.box, by=by, unit=None, choices=clean, options=_options(session))
    # That the member voted, never what they chose.
    audit.record(
        "awards.councilsession.voted", actor=by, obj=session, after={"member": by.username}
    )
    return receipt


def check_council_receipt(session: CouncilSession, receipt: str) -> voting.ReceiptCheck:
    """Whether a vote with this receipt is in the box, and (once counted) in the count."""
    return voting.check_receipt(session.box, receipt)


def has_voted(session: CouncilSession, user: User) -> bool:
    return voting.roll(session.box_id).filter(voted_by=user).exists()


def voters(session: CouncilSession) -> QuerySet[RollEntry]:
    """The members who voted and when (never what they chose)."""
    return voting.roll(session.box_id).select_related("voted_by")


# Counting ---------------------------------------------------------------------------------------


def _share_words(item: AgendaItem) -> str:
    fraction = f"{item.approval_numerator}/{item.approval_denominator}"
    if item.approval_strict:
        return _("more than %(fraction)s") % {"fraction": fraction}
    return _("at least %(fraction)s") % {"fraction": fraction}


def _vote_words(item: AgendaItem, agree: int, base: int) -> str:
    return _("%(agree)d of %(base)d members voting agreed; %(share)s needed %(needed)d.") % {
        "agree": agree,
        "base": base,
        "share": _share_words(item),
        "needed": item.votes_needed(base),
    }


def decide(
    session: CouncilSession,
    items: Sequence[AgendaItem],
    counts: Mapping[int, tuple[int, int]],
    voted: int,
) -> dict[int, tuple[str, str]]:
    """Each item's outcome and explanation, from the counts {item: (for, against)} and the
    number of members who voted: the quorum first, then the award's approval share of the
    members who voted, then the most per block, then the authority-wide percentage.
    Items need `nomination__award_type` and `nomination__block_year`."""
    size = session.council_size or 0
    if not session.quorum_met(voted, size):
        words = _(
            "No quorum: %(voted)d of %(size)d council members voted; %(needed)d needed"
            " (%(n)d/%(d)d). The nomination can go on a later session."
        ) % {
            "voted": voted,
            "size": size,
            "needed": session.quorum_needed(size),
            "n": session.quorum_numerator,
            "d": session.quorum_denominator,
        }
        return {item.pk: (AgendaItem.Outcome.NO_QUORUM, words) for item in items}
    result: dict[int, tuple[str, str]] = {}
    passing: list[AgendaItem] = []
    for item in items:
        agree = counts.get(item.pk, (0, 0))[0]
        words = _vote_words(item, agree, voted)
        if item.approved(agree, voted):
            passing.append(item)
            result[item.pk] = (AgendaItem.Outcome.APPROVED, words)
        else:
            result[item.pk] = (AgendaItem.Outcome.REJECTED, words)
    session_counts = {i.pk: counts.get(i.pk, (0, 0)) for i in items}
    taken = caps.approved_earlier(session.authority_id, session.year, session)

    def cut(group: list[AgendaItem], room: int, rule: str) -> None:
        kept, tied = caps.within_room(group, room, session_counts)
        for item in group:
            if item.pk in kept:
                continue
            why = (
                _("Tied at the cut-off with as many votes: none of those tied is approved.")
                if item.pk in tied
                else _("Others had more votes.")
            )
            words = result[item.pk][1]
            result[item.pk] = (
                AgendaItem.Outcome.CAPPED,
                f"{words} {_('Over the cap:')} {rule} {why}",
            )

    # The caps of the catalogue version that judges the year, and the leading units, read once.
    limits = caps.limits_of(session.authority, session.year)
    none = caps.Limits(None, None)
    by_block: dict[tuple[int, int], list[AgendaItem]] = defaultdict(list)
    for item in passing:
        award_id = item.nomination.award_type_id
        if limits.get(award_id, none).per_block is not None:
            by_block[(award_id, item.nomination.block_year.block_id)].append(item)
    for (award_id, block_id), group in by_block.items():
        award = group[0].nomination.award_type
        per_block = limits[award_id].per_block or 0
        earlier = taken.by_block.get((award_id, block_id), 0)
        block_name = group[0].nomination.block_year.block.name
        cut(group, per_block - earlier, caps.block_words(award, per_block, block_name, earlier))
    by_award: dict[int, list[AgendaItem]] = defaultdict(list)
    for item in passing:
        if (
            result[item.pk][0] == AgendaItem.Outcome.APPROVED
            # The percentage of the authority's catalogue for the year (none for the Central
            # Council's clusters, Law Art. 25(2)), of the leading units: collectives only.
            and limits.get(item.nomination.award_type_id, none).percent is not None
            and item.nomination.person_id is None
        ):
            by_award[item.nomination.award_type_id].append(item)
    base = caps.cap_base(session.authority_id, session.year) if by_award else None
    for award_id, group in by_award.items():
        assert base is not None
        award = group[0].nomination.award_type
        percent = limits[award_id].percent or 0
        leading = base.leading_units
        earlier = taken.by_award.get(award_id, 0)
        cut(
            group,
            caps.cap_for(percent, leading, base.rounding) - earlier,
            caps.percent_words(award, leading, earlier, base.rounding, percent),
        )
    return result


def results_of(
    session: CouncilSession, items: Iterable[AgendaItem] | None = None
) -> list[dict[str, Any]]:
    """The results as published: each agenda item's counts and outcome, in the agenda's order
    (`items` are read in that order, with their nominations, unless given)."""
    if items is None:
        items = session.items.select_related(
            "nomination__award_type", "nomination__block_year__block"
        ).order_by("position", "pk")
    return [
        {
            "item": item.pk,
            "nomination": item.nomination_id,
            "unit": item.nomination.name,
            "block": item.nomination.block_year.block.name,
            "award": item.nomination.award_type.code,
            "for": item.approvals,
            "against": item.disapprovals,
            "outcome": item.outcome,
        }
        for item in items
    ]


def results_sha256(session: CouncilSession, results: list[dict[str, Any]]) -> str:
    """The SHA-256 of a closed session's results (what `CouncilSession.results_sha256` keeps)."""
    canonical = json.dumps(
        {
            "session": session.pk,
            "council_size": session.council_size,
            "voted": session.cast,
            "quorum": session.quorum_reached,
            "results": results,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _finish(
    session: CouncilSession,
    *,
    by: User,
    counts: Mapping[int, tuple[int, int]] | None,
    voted: int,
    before: str,
    tellers: Iterable[str] = (),
) -> None:
    """Write the outcome of a counted vote, or (`counts` None) of a void one, which keeps no
    count at all: its nominations can go on a later session."""
    items = list(
        session.items.select_related(
            "nomination__award_type", "nomination__block_year__block"
        ).order_by("position", "pk")
    )
    # The explanations are written in Vietnamese (as in the minutes) and in English.
    with translation.override("vi"):
        outcomes = _outcomes(session, items, counts, voted)
    with translation.override("en"):
        english = _outcomes(session, items, counts, voted)
    status_of: dict[str, str] = {
        AgendaItem.Outcome.APPROVED: Nomination.Status.APPROVED,
        AgendaItem.Outcome.NO_QUORUM: Nomination.Status.APPRAISED,
        AgendaItem.Outcome.VOID: Nomination.Status.APPRAISED,
    }
    moves: dict[str, list[int]] = defaultdict(list)
    for item in items:
        item.approvals, item.disapprovals = (
            counts.get(item.pk, (0, 0)) if counts is not None else (None, None)
        )
        item.outcome, note = outcomes[item.pk]
        item.note, item.note_en = note[:500], english[item.pk][1][:500]
        moves[status_of.get(item.outcome, Nomination.Status.REJECTED)].append(item.nomination_id)
    AgendaItem.objects.bulk_update(
        items, ["approvals", "disapprovals", "outcome", "note", "note_en"]
    )
    for status, ids in moves.items():
        Nomination.objects.filter(pk__in=ids, status=Nomination.Status.SCHEDULED).update(
            status=status
        )
    session.status = CouncilSession.Status.CLOSED
    session.closed_at, session.closed_by = timezone.now(), by
    session.cast = voted
    session.quorum_reached = session.quorum_met(voted, session.council_size or 0)
    results = results_of(session)
    session.results_sha256 = results_sha256(session, results)
    session.save(
        update_fields=[
            "status",
            "closed_at",
            "closed_by",
            "cast",
            "quorum_reached",
            "results_sha256",
            "council_size",
            "minutes_scan",
        ]
    )
    audit.record(
        "awards.councilsession.closed",
        actor=by,
        obj=session,
        before={"status": before},
        after={
            "status": CouncilSession.Status.CLOSED,
            "council_size": session.council_size,
            "voted": voted,
            "quorum": session.quorum_reached,
            "void": session.box.void if session.box else ("no_quorum" if counts is None else ""),
            "tellers": list(tellers),
            # Totals only, as published once closed: [unit, award, for, against, outcome].
            "results": [
                [r["unit"], r["award"], r["for"], r["against"], r["outcome"]] for r in results
            ],
            "sha256": session.results_sha256,
        },
    )
    approved = [
        f"{i.nomination.name} – {i.nomination.award_type.name_vi}"
        for i in items
        if i.outcome == AgendaItem.Outcome.APPROVED
    ]
    mail.send_templated_mail(
        template="session_closed",
        recipients=_council_people(session.authority_id),
        context={
            **_mail_context(session),
            "voted": voted,
            "council_size": session.council_size,
            "quorum": session.quorum_reached,
            "approved": approved,
            "items": len(items),
            "void": counts is None,
        },
    )


def _outcomes(
    session: CouncilSession,
    items: Sequence[AgendaItem],
    counts: Mapping[int, tuple[int, int]] | None,
    voted: int,
) -> dict[int, tuple[str, str]]:
    if counts is not None or not session.quorum_met(voted, session.council_size or 0):
        return decide(session, items, counts or {}, voted)
    words = _(
        "Void: the counting board could not open the box, so the vote was not counted. The"
        " nomination can go on a later session."
    )
    return {item.pk: (AgendaItem.Outcome.VOID, words) for item in items}


@transaction.atomic
def close_session(session: CouncilSession, *, by: User) -> CouncilSession:
    """Stop online voting. Without quorum the vote is void at once: no count, the sealed ballots
    destroyed unopened, the nominations free for a later session. Otherwise it waits for the
    counting board (`count_session`), who are told."""
    session = _locked(session)
    if session.status != CouncilSession.Status.OPEN or session.box is None:
        raise DomainError(_("Only a session open for voting can be closed."))
    voted = voting.roll(session.box).count()
    quorum = session.quorum_met(voted, session.council_size or 0)
    voting.stop(session.box, quorum=quorum)
    if not quorum:
        _finish(session, by=by, counts=None, voted=voted, before=CouncilSession.Status.OPEN)
        return session
    session.status = CouncilSession.Status.COUNTING
    session.save(update_fields=["status"])
    audit.record(
        "awards.councilsession.stopped",
        actor=by,
        obj=session,
        before={"status": CouncilSession.Status.OPEN},
        after={"status": CouncilSession.Status.COUNTING, "voted": voted},
    )
    mail.send_templated_mail(
        template="session_count",
        recipients=User.objects.filter(pk__in=session.box.tellers.values("user"), is_active=True),
        context={**_mail_context(session), "threshold": session.box.threshold},
    )
    return session


@transaction.atomic
def count_session(session: CouncilSession, *, by: User, codes: Iterable[str]) -> CouncilSession:
    """Count a closed vote with the codes the counting board types at the table: the box is
    opened in memory and only the totals are written (see the module's docstring for the rules)."""
    session = _locked(session)
    if session.status != CouncilSession.Status.COUNTING or session.box is None:
        raise DomainError(_("This session is not waiting for its count."))
    counts, voted, tellers = voting.count(session.box, codes=codes, options=_options(session))
    _finish(
        session,
        by=by,
        counts=counts,
        voted=voted,
        before=CouncilSession.Status.COUNTING,
        tellers=[str(t.user) for t in tellers],
    )
    return session


@transaction.atomic
def void_session(session: CouncilSession, *, by: User, reason: str) -> CouncilSession:
    """The counting board cannot give enough codes: the vote is void, its sealed ballots are
    destroyed unopened, and it can be held again."""
    session = _locked(session)
    if session.status != CouncilSession.Status.COUNTING or session.box is None:
        raise DomainError(_("Only a session waiting for its count can be declared void."))
    voting.declare_void(session.box, reason=reason)
    voted = voting.roll(session.box).count()
    _finish(session, by=by, counts=None, voted=voted, before=CouncilSession.Status.COUNTING)
    audit.record("awards.councilsession.voided", actor=by, obj=session, reason=reason.strip())
    return session


@transaction.atomic
def record_paper_counts(
    session: CouncilSession,
    *,
    by: User,
    present: int,
    counts: Mapping[int, tuple[int, int]],
    scan: UploadedFile | None,
) -> CouncilSession:
    """Record a vote held on paper at the meeting: the members present who voted and, per agenda
    item, the votes for and against, with the scanned minutes signed there when there are any.
    The same quorum, shares and caps as online decide; the session closes at once."""
    session = _locked(session)
    if (
        session.method != CouncilSession.Method.PAPER
        or session.status != CouncilSession.Status.DRAFT
    ):
        raise DomainError(_("Only a session voting on paper, not yet recorded, takes counts."))
    items = set(session.items.values_list("pk", flat=True))
    if not items:
        raise DomainError(_("Put at least one nomination on the agenda first."))
    size = council_members(session.authority).count()
    if size == 0:
        raise DomainError(_("The council has no members."))
    if not 0 <= present <= size:
        raise DomainError(
            _("The council has %(n)d members: at most that many can be present.") % {"n": size},
            field="present",
        )
    if set(counts) != items:
        raise DomainError(_("Give the counts of every item of the agenda."), field="counts")
    for agree, disagree in counts.values():
        if agree < 0 or disagree < 0 or agree + disagree > present:
            raise DomainError(
                _("An item cannot have more votes than members present who voted."),
                field="counts",
            )
    if scan is not None:
        try:
            checked = validate_upload(scan, kinds=("pdf", "image"))
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), field="scan") from error
        scan.name = checked.safe_name
        session.minutes_scan.save(scan.name, scan, save=False)
    session.council_size = size
    try:
        # Without quorum the meeting's counts are not kept: the vote is void, as online.
        kept = counts if session.quorum_met(present, size) else None
        _finish(session, by=by, counts=kept, voted=present, before=CouncilSession.Status.DRAFT)
    except BaseException:
        if scan is not None:
            session.minutes_scan.delete(save=False)  # the rows roll back; the file must go too
        raise
    return session
