"""What can still happen in a block year, and the waivers that close what will not.

A year can still change while any of these holds (`open_items`), and it is archived only when
none does (`services.archive.archive_checks`):

- a ballot of the year is being prepared, open, or waiting for its count;
- the last ballot for something (a kind, and for nominations an award) is void, so it may be held
  again, and the secretariat has not recorded that it will not be (`waive_ballot`);
- a ballot every year needs was never held and not waived: acclaiming the leading unit, settling
  a tie for first place (when the ranking has one), electing next year's head;
- a nomination is still being prepared (send it in the dossier, or withdraw it), or was returned by
  the council and may be sent again, unless the secretariat closed it (`close_returned_nomination`);
- the year has nominations and its dossier was not sent, or has none and has not recorded that it
  proposes nobody this year (`record_no_proposals`);
- a nomination the council holds is not decided: not approved, or approved and listed in a
  published decision.

A counted ballot is over, whatever it decided. A waiver is recorded by the block's secretariat
(or the council's staff), with a reason, once, in the audit log; it does not stop a ballot from
being held after all, and the checks then follow that ballot.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards.models import Awardee, AwardType, Ballot, Decision, Dossier, Nomination, Waiver
from awards.models.ballots import ballot_title
from blocks.models import BlockYear
from blocks.services import check_not_archived
from emulation import audit
from emulation.errors import DomainError
from emulation.models import User
from scoring.models import Ranking, RankingRow

# The ballots every year needs once its ranking is published (a tie only when there is one).
NEEDED = (Ballot.Kind.TIE, Ballot.Kind.ACCLAIM, Ballot.Kind.HEAD)


@dataclass(frozen=True)
class OpenItem:
    """One thing that can still happen in the year; `key` names it in the waiver form when the
    secretariat may close it with a reason."""

    group: str  # "ranking", "ballots", "needed", "nominations", "dossier", "council"
    text: str
    key: str = ""


@dataclass
class YearState:
    """What the checks read, in six queries."""

    published: bool
    tie: bool
    ballots: list[Ballot]
    waivers: list[Waiver]
    counts: dict[str, int]
    sent: bool

    def waived(self, what: str, award: int | None = None) -> bool:
        return any(w.what == what and w.award_type_id == award for w in self.waivers)


def _published_awardee() -> Exists:
    return Exists(
        Awardee.objects.filter(
            nomination=OuterRef("pk"), decision__status=Decision.Status.PUBLISHED
        )
    )


def year_state(block_year: BlockYear) -> YearState:
    counts = (
        Nomination.objects.filter(block_year=block_year)
        .annotate(published=_published_awardee())
        .aggregate(
            total=Count("pk"),
            held=Count("pk", filter=Q(status__in=Nomination.WITH_COUNCIL)),
            decided=Count(
                "pk",
                filter=Q(status=Nomination.Status.REJECTED)
                | Q(
                    status__in=[Nomination.Status.APPROVED, Nomination.Status.AWARDED],
                    published=True,
                ),
            ),
            waiting_decision=Count(
                "pk",
                filter=Q(
                    status__in=[Nomination.Status.APPROVED, Nomination.Status.AWARDED],
                    published=False,
                ),
            ),
            returned=Count("pk", filter=Q(status=Nomination.Status.RETURNED, closure__isnull=True)),
            closed=Count("pk", filter=Q(status=Nomination.Status.RETURNED, closure__isnull=False)),
            drafts=Count("pk", filter=Q(status=Nomination.Status.DRAFT)),
        )
    )
    return YearState(
        published=Ranking.objects.filter(table__block_year=block_year).exists(),
        tie=RankingRow.objects.filter(
            ranking__table__block_year=block_year, rank=1, tie=RankingRow.Tie.VOTE
        ).exists(),
        ballots=list(
            Ballot.objects.filter(block_year=block_year)
            .select_related("box", "award_type")
            .order_by("created_at", "pk")
        ),
        waivers=list(Waiver.objects.filter(block_year=block_year)),
        counts=counts,
        sent=Dossier.objects.filter(
            block_year=block_year, status=Dossier.Status.SUBMITTED
        ).exists(),
    )


def _ballot_key(kind: str, award: AwardType | None) -> str:
    return f"ballot:{kind}:{award.pk}" if award is not None else f"ballot:{kind}"


def open_items(block_year: BlockYear, state: YearState | None = None) -> list[OpenItem]:
    """Everything that can still happen in the year, in the order of the year's steps."""
    state = state or year_state(block_year)
    year = block_year.year
    if not state.published:
        return [OpenItem("ranking", _("Publish the year's ranking first."))]
    items: list[OpenItem] = []
    last: dict[tuple[str, int | None], Ballot] = {}
    for ballot in state.ballots:
        last[(ballot.kind, ballot.award_type_id)] = ballot  # ordered: the last one stays
    for (kind, award_pk), ballot in last.items():
        title = ballot_title(kind, year, ballot.award_type.name if ballot.award_type else "")
        if not ballot.is_closed:
            items.append(
                OpenItem(
                    "ballots",
                    _("%(title)s: %(status)s.")
                    % {"title": title, "status": ballot.get_status_display()},
                )
            )
        elif ballot.is_void and not state.waived(kind, award_pk):
            items.append(
                OpenItem(
                    "ballots",
                    _("%(title)s: void, and may be held again.") % {"title": title},
                    _ballot_key(kind, ballot.award_type),
                )
            )
    for kind in NEEDED:
        if kind == Ballot.Kind.TIE and not state.tie:
            continue
        if (kind, None) not in last and not state.waived(kind):
            items.append(
                OpenItem(
                    "needed",
                    _("%(title)s: not held.") % {"title": ballot_title(kind, year)},
                    _ballot_key(kind, None),
                )
            )
    counts = state.counts
    if counts["drafts"]:
        items.append(
            OpenItem(
                "nominations",
                ngettext(
                    "%(n)d nomination is being prepared: send it in the dossier or withdraw it.",
                    "%(n)d nominations are being prepared: send them in the dossier or withdraw"
                    " them.",
                    counts["drafts"],
                )
                % {"n": counts["drafts"]},
            )
        )
    if counts["returned"]:
        items.append(
            OpenItem(
                "nominations",
                ngettext(
                    "%(n)d nomination was returned by the council and may be sent again.",
                    "%(n)d nominations were returned by the council and may be sent again.",
                    counts["returned"],
                )
                % {"n": counts["returned"]},
            )
        )
    if not counts["total"]:
        if not state.waived(Waiver.What.PROPOSALS):
            items.append(
                OpenItem(
                    "dossier",
                    _("The year has no nomination and has not recorded that it proposes nobody."),
                    "proposals",
                )
            )
    elif not state.sent:
        items.append(OpenItem("dossier", _("The block has not sent its dossier yet.")))
    held, decided = counts["held"], counts["decided"]
    if held and decided < held:
        text = ngettext(
            "%(decided)d of %(held)d nomination held by the council is decided.",
            "%(decided)d of %(held)d nominations held by the council are decided.",
            held,
        ) % {"decided": decided, "held": held}
        if counts["waiting_decision"]:
            text += " " + ngettext(
                "%(n)d approved nomination is not yet in a published decision.",
                "%(n)d approved nominations are not yet in a published decision.",
                counts["waiting_decision"],
            ) % {"n": counts["waiting_decision"]}
        items.append(OpenItem("council", text))
    return items


def waivable(block_year: BlockYear) -> list[OpenItem]:
    """The open items the secretariat may close with a reason, and the returned nominations."""
    items = [item for item in open_items(block_year) if item.key]
    returned = Nomination.objects.filter(
        block_year=block_year, status=Nomination.Status.RETURNED, closure__isnull=True
    ).select_related("award_type")
    items += [
        OpenItem(
            "nominations",
            _("%(unit)s, proposed for the %(award)s: returned, and may be sent again.")
            % {"unit": n.name, "award": n.award_type.name},
            f"returned:{n.pk}",
        )
        for n in returned
    ]
    return items


# Waivers ---------------------------------------------------------------------------------------


def _locked_year(block_year: BlockYear) -> BlockYear:
    check_not_archived(block_year)
    return (
        BlockYear.objects.select_for_update()
        .select_related("block__authority")
        .get(pk=block_year.pk)
    )


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why it will not be done."), field="reason")
    return reason


def _record(block_year: BlockYear, *, by: User, reason: str, **fields: object) -> Waiver:
    try:
        with transaction.atomic():
            waiver = Waiver.objects.create(
                block_year=block_year, recorded_by=by, reason=reason, **fields
            )
    except IntegrityError as error:
        raise DomainError(_("This is already recorded.")) from error
    audit.record(
        f"awards.year.waived_{waiver.what}",
        actor=by,
        obj=block_year,
        after={
            "what": waiver.what,
            "award": waiver.award_type.code if waiver.award_type else "",
            "nomination": waiver.nomination_id,
        },
        reason=reason,
    )
    return waiver


@transaction.atomic
def waive_ballot(
    block_year: BlockYear, *, by: User, kind: str, reason: str, award: AwardType | None = None
) -> Waiver:
    """Record that a ballot will not be held, or a void one not held again, with the reason:
    the block's secretariat (or the council's staff). Only a ballot the year needs and never held,
    or whose last ballot was void; never while a ballot for it is prepared, open or counting."""
    block_year = _locked_year(block_year)
    if not rules.has_perm("awards.run_ballots", by, block_year):
        raise DomainError(_("Only the block's secretariat records what the year will not do."))
    reason = _reason(reason)
    if kind not in Waiver.BALLOT_KINDS:
        raise DomainError(_("Choose the ballot that will not be held."), field="kind")
    if kind == Ballot.Kind.NOMINATION and award is None:
        raise DomainError(_("Choose the award the units are proposed for."), field="award")
    if kind != Ballot.Kind.NOMINATION:
        award = None
    keys = {item.key for item in open_items(block_year)}
    if _ballot_key(kind, award) not in keys:
        raise DomainError(
            _(
                "Only a ballot the year needs and never held, or whose last ballot was void, is"
                " recorded as not held."
            )
        )
    return _record(block_year, by=by, reason=reason, what=kind, award_type=award)


@transaction.atomic
def record_no_proposals(block_year: BlockYear, *, by: User, reason: str) -> Waiver:
    """Record that the block proposes nobody for an award this year, with the reason: the
    secretariat (or the council's staff), once the ranking is published, while the year has no
    nomination and no nomination ballot under way."""
    block_year = _locked_year(block_year)
    if not rules.has_perm("awards.run_dossier", by, block_year):
        raise DomainError(_("Only the block's secretariat records what the year will not do."))
    reason = _reason(reason)
    if not Ranking.objects.filter(table__block_year=block_year).exists():
        raise DomainError(_("Publish the year's ranking first."))
    if Nomination.objects.filter(block_year=block_year).exists():
        raise DomainError(_("The year has nominations: withdraw them or send the dossier."))
    if (
        Ballot.objects.filter(block_year=block_year, kind=Ballot.Kind.NOMINATION)
        .exclude(status=Ballot.Status.CLOSED)
        .exists()
    ):
        raise DomainError(_("A nomination ballot is under way: close it first."))
    return _record(block_year, by=by, reason=reason, what=Waiver.What.PROPOSALS)


@transaction.atomic
def close_returned_nomination(nomination: Nomination, *, by: User, reason: str) -> Waiver:
    """Record that a nomination the council returned will not be sent again, with the reason:
    the secretariat (or the council's staff). It stays returned in the year's records."""
    block_year = _locked_year(nomination.block_year)
    if not rules.has_perm("awards.run_dossier", by, block_year):
        raise DomainError(_("Only the block's secretariat records what the year will not do."))
    reason = _reason(reason)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != Nomination.Status.RETURNED:
        raise DomainError(_("Only a nomination returned by the council is closed this way."))
    return _record(
        block_year, by=by, reason=reason, what=Waiver.What.RETURNED, nomination=nomination
    )
