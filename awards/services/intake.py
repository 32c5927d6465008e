"""The council's intake of the blocks' nominations, and their appraisal (thẩm định).

A nomination the block sent (SUBMITTED) is received by the council staff (RECEIVED), then
appraised (APPRAISED): the staff tick every item of the appraisal checklist, write their notes,
and the eligibility check is run again on the data of the day. A nomination that falls short is
not appraised: the staff return it to the block with the reason
(`awards.services.dossiers.return_nomination`); the block fixes it and sends it again, and it
comes back as SUBMITTED, to be received again. An appraised nomination is ready for a session's
agenda.

Each change is atomic, locks the nomination, checks its guard with `Nomination.can_move_to`
(raising DomainError with a message a person can act on), saves only the fields it changes, and
records an audit event with before and after.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards import eligibility
from awards.models import AwardType, BallotCandidate, Dossier, Nomination
from awards.models.nominations import passes
from awards.services.dossiers import _secretariat_and_unit, changes_since_return
from blocks.models import Authority
from blocks.services import check_not_archived
from emulation import audit, mail
from emulation.errors import DomainError
from emulation.models import AuditEvent, User

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise
# are stored with the appraisal: keep them stable.
APPRAISAL_CHECKLIST: dict[str, StrPromise] = {
    "letter_lists_nominee": gettext_lazy("The block's proposal letter lists the nominee."),
    "minutes_with_votes": gettext_lazy(
        "The minutes of the block's deliberation meeting, with the vote results, are present."
    ),
    "report_in_form": gettext_lazy(
        "The achievement report follows the decree's form and is approved by the unit's leader."
    ),
    "attestations_given": gettext_lazy(
        "The unit gave every attestation the award asks for (no discipline, inspection or"
        " complaint under review)."
    ),
    "vote_threshold_met": gettext_lazy("The block's vote met the award's approval threshold."),
    "documents_sufficient": gettext_lazy("The supporting documents are sufficient."),
    "meets_standard": gettext_lazy("The unit's achievements meet the award's standard."),
}

# The council's statuses, in the order a nomination goes through them (the list's columns).
COUNCIL_STATUSES: tuple[str, ...] = (
    Nomination.Status.SUBMITTED,
    Nomination.Status.RETURNED,
    Nomination.Status.RECEIVED,
    Nomination.Status.APPRAISED,
    Nomination.Status.SCHEDULED,
    Nomination.Status.APPROVED,
    Nomination.Status.REJECTED,
    Nomination.Status.AWARDED,
)


# Guards ---------------------------------------------------------------------------------------


def _locked(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("block_year__block__authority", "award_type", "unit")
        .get(pk=nomination.pk)
    )


def status_refusal(nomination: Nomination, *, receiving: bool) -> str:
    """Why a nomination in its status cannot be received (or appraised), and what to do."""
    status = nomination.status
    if status == Nomination.Status.DRAFT:
        return _("The block has not sent this nomination to the council yet.")
    if status == Nomination.Status.RETURNED:
        return _(
            "The nomination was returned to the block; the council takes it up again once the"
            " block sends it again."
        )
    if status == Nomination.Status.SUBMITTED:
        return _("Receive the nomination first; then appraise it.")
    if receiving and nomination.received_at is not None:
        return _("The nomination was already received (%(who)s, %(when)s).") % {
            "who": nomination.received_by.get_full_name() if nomination.received_by else "",
            "when": timezone.localtime(nomination.received_at).strftime("%d/%m/%Y %H:%M"),
        }
    return _("The nomination is past this step: it is “%(status)s”.") % {
        "status": nomination.get_status_display()
    }


# Receiving ------------------------------------------------------------------------------------


@transaction.atomic
def receive_nomination(nomination: Nomination, *, by: User) -> Nomination:
    """Council staff receive a nomination the block sent (or sent again after it was returned);
    only a sent nomination can be received, once. The secretariat and the unit are told."""
    check_not_archived(nomination.block_year_id)
    nomination = _locked(nomination)
    if nomination.status != Nomination.Status.SUBMITTED or not nomination.can_move_to(
        Nomination.Status.RECEIVED
    ):
        raise DomainError(status_refusal(nomination, receiving=True))
    fields = ["status", "received_at", "received_by"]
    before = audit.snapshot(nomination, fields)
    nomination.status = Nomination.Status.RECEIVED
    nomination.received_at, nomination.received_by = timezone.now(), by
    nomination.save(update_fields=fields)
    audit.record(
        "awards.nomination.received",
        actor=by,
        obj=nomination,
        before=before,
        after=audit.snapshot(nomination, fields),
    )
    block_year = nomination.block_year
    mail.send_templated_mail(
        template="nomination_received",
        recipients=_secretariat_and_unit(block_year, nomination.unit_id),
        context={
            "block_name": block_year.block.name,
            "year": block_year.year,
            "unit": nomination.name,
            "award": nomination.award_type.name_vi,
            "path": nomination.get_absolute_url(),
        },
    )
    return nomination


# Appraising -----------------------------------------------------------------------------------


def appraisable(nomination: Nomination) -> bool:
    """Received, or appraised and not yet on an agenda (a session that lacks its quorum puts its
    items back to appraised, which is not an appraisal)."""
    return nomination.status in (
        Nomination.Status.RECEIVED,
        Nomination.Status.APPRAISED,
    ) and nomination.can_move_to(Nomination.Status.APPRAISED)


def current_eligibility(nomination: Nomination) -> list[dict[str, Any]]:
    """The award's rules checked on today's data, in the shape stored with a nomination (nothing
    is saved)."""
    results = eligibility.check(
        nomination.award_type, nomination.block_year, nomination.unit, nomination=nomination
    )
    return [result.as_dict() for result in results]


@transaction.atomic
def appraise_nomination(
    nomination: Nomination, *, by: User, checklist: Mapping[str, bool], notes: str
) -> Nomination:
    """Council staff appraise a received nomination (or appraise it again): every item of the
    checklist must be ticked and every rule of the award must pass on today's data, which are
    stored with the appraisal. A nomination that falls short is returned to the block with the
    reason instead; nothing is saved when the appraisal is refused."""
    unknown = set(checklist) - set(APPRAISAL_CHECKLIST)
    if unknown:
        raise ValueError(f"not items of the appraisal checklist: {sorted(unknown)}")
    check_not_archived(nomination.block_year_id)
    nomination = _locked(nomination)
    if not appraisable(nomination):
        raise DomainError(status_refusal(nomination, receiving=False))
    notes = (notes or "").strip()
    limit = 5000
    if len(notes) > limit:
        raise DomainError(
            _("The notes take at most %(n)d characters.") % {"n": limit}, field="notes"
        )
    unticked = [
        str(label) for code, label in APPRAISAL_CHECKLIST.items() if not checklist.get(code)
    ]
    if unticked:
        raise DomainError(
            _(
                "Not every item of the checklist is ticked. Still open: %(items)s If the dossier"
                " falls short, return the nomination to the block with the reason instead."
            )
            % {"items": " ".join(unticked)}
        )
    results = current_eligibility(nomination)
    if not passes(results):
        failing = [r["rule"] for r in results if r.get("passed") is not True] or [
            _("no rule could be checked")
        ]
        raise DomainError(
            _(
                "The eligibility check does not pass on today's data: %(rules)s. Return the"
                " nomination to the block with the reason instead."
            )
            % {"rules": "; ".join(str(rule).rstrip(".") for rule in failing)}
        )
    fields = [
        "status",
        "appraisal",
        "appraisal_notes",
        "appraisal_eligibility",
        "appraised_at",
        "appraised_by",
    ]
    before = _appraisal_record(nomination)
    nomination.status = Nomination.Status.APPRAISED
    nomination.appraisal = {code: bool(checklist.get(code)) for code in APPRAISAL_CHECKLIST}
    nomination.appraisal_notes = notes
    nomination.appraisal_eligibility = results
    nomination.appraised_at, nomination.appraised_by = timezone.now(), by
    nomination.save(update_fields=fields)
    audit.record(
        "awards.nomination.appraised",
        actor=by,
        obj=nomination,
        before=before,
        after=_appraisal_record(nomination),
    )
    return nomination


def _appraisal_record(nomination: Nomination) -> dict[str, Any]:
    """The appraisal as the audit log keeps it (flat values: the ticked items, what the stored
    eligibility check said, rather than the whole check)."""
    stored = nomination.appraisal_eligibility or []
    return {
        **audit.snapshot(nomination, ["status", "appraisal_notes", "appraised_at", "appraised_by"]),
        "ticked": sorted(code for code, ticked in (nomination.appraisal or {}).items() if ticked),
        "eligibility_passes": passes(stored),
        "eligibility_not_met": [str(r.get("code")) for r in stored if r.get("passed") is not True],
    }


# The council's list ---------------------------------------------------------------------------


@dataclass
class CountRow:
    award: str
    counts: list[int]
    total: int
    labels: list[str] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[int, str]]:
        """Each count with its status's name (a phone shows them as a card)."""
        return list(zip(self.counts, self.labels, strict=True))


@dataclass
class IntakeCounts:
    """Nominations per award type and status (the list's summary), and the next actions."""

    statuses: list[tuple[str, str]]
    rows: list[CountRow]
    totals: list[int]
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.totals)

    @property
    def total_cells(self) -> list[tuple[int, str]]:
        return list(zip(self.totals, [label for _, label in self.statuses], strict=True))

    @property
    def to_receive(self) -> int:
        return self.by_status.get(Nomination.Status.SUBMITTED, 0)

    @property
    def to_appraise(self) -> int:
        return self.by_status.get(Nomination.Status.RECEIVED, 0)

    @property
    def ready(self) -> int:
        return self.by_status.get(Nomination.Status.APPRAISED, 0)

    @property
    def returned(self) -> int:
        return self.by_status.get(Nomination.Status.RETURNED, 0)


def intake_counts(authority: Authority, year: int) -> IntakeCounts:
    """Counts per award type × status, counted in SQL in one query."""
    grouped = (
        Nomination.objects.filter(block_year__block__authority=authority, block_year__year=year)
        .exclude(status=Nomination.Status.DRAFT)
        .values(
            "award_type",
            "award_type__name_vi",
            "award_type__name_en",
            "award_type__position",
            "award_type__code",
            "status",
        )
        .annotate(n=Count("pk"))
        .order_by("award_type__position", "award_type__code", "status")
    )
    by_award: dict[int, CountRow] = {}
    by_status: dict[str, int] = {}
    index = {status: i for i, status in enumerate(COUNCIL_STATUSES)}
    labels = [str(Nomination.Status(status).label) for status in COUNCIL_STATUSES]
    for entry in grouped:
        row = by_award.get(entry["award_type"])
        if row is None:
            name = AwardType.localized(entry["award_type__name_vi"], entry["award_type__name_en"])
            row = by_award[entry["award_type"]] = CountRow(name, [0] * len(index), 0, labels)
        status, n = entry["status"], entry["n"]
        if status in index:
            row.counts[index[status]] += n
            row.total += n
            by_status[status] = by_status.get(status, 0) + n
    rows = list(by_award.values())
    return IntakeCounts(
        statuses=list(zip(COUNCIL_STATUSES, labels, strict=True)),
        rows=rows,
        totals=[by_status.get(status, 0) for status in COUNCIL_STATUSES],
        by_status=by_status,
    )


# One nomination as the council sees it --------------------------------------------------------


def ballot_result(nomination: Nomination) -> BallotCandidate | None:
    """The nominee's line in the block ballot that proposed it (with its counts)."""
    if nomination.ballot_id is None:
        return None
    candidate = BallotCandidate.objects.filter(
        ballot=nomination.ballot_id, unit=nomination.unit_id, person=nomination.person_id
    ).first()
    if candidate is not None and nomination.ballot is not None:
        candidate.ballot = nomination.ballot
    return candidate


def history(nomination: Nomination, dossier: Dossier | None) -> list[AuditEvent]:
    """The nomination's audit events, oldest first, with the sending of the block's dossier that
    carried it (recorded on the dossier)."""
    own = Q(object_type=Nomination._meta.label_lower, object_id=str(nomination.pk))
    if dossier is not None:
        own |= Q(
            object_type=Dossier._meta.label_lower,
            object_id=str(dossier.pk),
            action="awards.dossier.submitted",
        )
    events = AuditEvent.objects.filter(own).select_related("actor").order_by("seq")
    return [
        event
        for event in events
        if event.object_type == Nomination._meta.label_lower
        or nomination.pk in (event.after or {}).get("nominations", [])
    ]


@dataclass
class Change:
    kind: str  # report | added | removed | attestations | other
    name: str = ""
    sha256: str = ""


@dataclass
class Resubmission:
    """What changed between the council's return and the block's sending it again."""

    at: datetime.datetime | None
    by: str
    reason: str
    changes: list[Change]
    pending: bool  # still with the block: what changed so far


def parse_changes(codes: list[str]) -> list[Change]:
    """The change codes of `changes_since_return`, as parts a person can read."""
    changes = []
    for code in codes:
        kind, _sep, rest = str(code).partition(":")
        if kind == "achievement_report":
            changes.append(Change("report", sha256=rest))
        elif kind in ("added", "removed"):
            name, _sep, sha = rest.rpartition(":")
            changes.append(Change(kind, name=name, sha256=sha))
        elif kind == "attestations":
            changes.append(Change("attestations"))
        else:
            changes.append(Change("other", name=str(code)))
    return changes


def last_resubmission(
    nomination: Nomination, events: list[AuditEvent], dossier: Dossier | None
) -> Resubmission | None:
    """What changed since the council returned the nomination: from the audit event of its last
    sending again or, while it is still with the block, against the dossier's manifest."""
    if nomination.status == Nomination.Status.RETURNED:
        if dossier is None:
            return None
        return Resubmission(
            at=None,
            by="",
            reason=nomination.return_reason,
            changes=parse_changes(changes_since_return(nomination, dossier.manifest)),
            pending=True,
        )
    sent_again = [e for e in events if e.action == "awards.nomination.resubmitted"]
    if not sent_again:
        return None
    event = sent_again[-1]
    before, after = event.before or {}, event.after or {}
    return Resubmission(
        at=event.created_at,
        by=event.actor.get_full_name() if event.actor else event.actor_label,
        reason=str(before.get("return_reason", "")),
        changes=parse_changes(list(after.get("changed", []))),
        pending=False,
    )
