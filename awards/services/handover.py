"""Next year's head and deputies, from the block's election, until the hand-over.

The block elects next year's head (and deputies) by secret ballot; the result prepares next
year's block year and a pending `Handover`. The council confirms it with a hand-over date; on
that date (at once when it has come) the roles are set on next year's memberships. Because the
secretariat is derived from the head and deputy memberships of a year
(`blocks.rules.is_secretariat_of`), that is what moves the running of the new year to the new
head, while the old head keeps running its own year to the end.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Ballot, BallotCandidate, Handover
from blocks import services as registry
from blocks.models import BlockYear, Membership, Unit
from emulation import audit
from emulation.errors import DomainError
from emulation.models import User


def elected_units(block_year: BlockYear, kind: str) -> list[Unit]:
    """The units the latest closed ballot of this kind elected (none when it elected nobody)."""
    ballot = (
        Ballot.objects.filter(
            block_year=block_year,
            kind=kind,
            status=Ballot.Status.CLOSED,
            candidates__elected=True,
        )
        .order_by("-closed_at", "-pk")
        .first()
    )
    if ballot is None:
        return []
    return [
        candidate.unit
        for candidate in BallotCandidate.objects.filter(ballot=ballot, elected=True)
        .select_related("unit")
        .order_by("position", "pk")
    ]


def _shifted(day: datetime.date | None) -> datetime.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _next_year(block_year: BlockYear, *, by: User) -> BlockYear:
    """Next year of the block: created with this year's theme, deadlines a year later and the
    current members (as plain members), or given its members when it has none yet."""
    following = BlockYear.objects.filter(block=block_year.block, year=block_year.year + 1).first()
    if following is None:
        return registry.create_block_year(
            block_year.block,
            by=by,
            year=block_year.year + 1,
            copy_members=True,
            theme=block_year.theme,
            **{name: _shifted(getattr(block_year, name)) for name in BlockYear.DEADLINE_FIELDS},
        )
    registry.check_not_archived(following)
    if not following.memberships.exists():
        first_day = following.first_day
        current = block_year.memberships.filter(left_on__isnull=True).select_related("unit")
        added = Membership.objects.bulk_create(
            Membership(
                block_year=following,
                unit=m.unit,
                position=m.position,
                joined_on=max(first_day, m.unit.active_from or first_day),
            )
            for m in current
            if m.unit.active_to is None or m.unit.active_to >= first_day
        )
        audit.record(
            "awards.handover.members_carried",
            actor=by,
            obj=following,
            after={"from": block_year.pk, "units": [m.unit_id for m in added]},
        )
    return following


def _roles(handover: Handover) -> dict[str, Any]:
    return {
        "head": handover.head_id,
        "deputies": sorted(unit.pk for unit in handover.deputies.all()),
    }


def prepare_from_ballot(ballot: Ballot, *, by: User) -> Handover | None:
    """After a head or deputy election closes (inside its transaction): once the year has
    elected its next head, prepare next year's block year and the pending hand-over with the
    elected head and deputies. Safe to run again; a change of the elected units after the council
    confirmed them needs its confirmation again."""
    registry.check_not_archived(ballot.block_year_id)
    block_year = BlockYear.objects.select_for_update().get(pk=ballot.block_year_id)
    heads = elected_units(block_year, Ballot.Kind.HEAD)
    if not heads:
        return None  # the deputies wait for the head's election
    head = heads[0]
    deputies = [
        unit for unit in elected_units(block_year, Ballot.Kind.DEPUTY) if unit.pk != head.pk
    ]
    following = _next_year(block_year, by=by)
    handover = Handover.objects.select_for_update().filter(from_year=block_year).first()
    wanted = {"head": head.pk, "deputies": sorted(unit.pk for unit in deputies)}
    if handover is None:
        handover = Handover.objects.create(from_year=block_year, to_year=following, head=head)
        handover.deputies.set(deputies)
        audit.record(
            "awards.handover.prepared",
            actor=by,
            obj=handover,
            after={**wanted, "from_year": block_year.pk, "to_year": following.pk},
        )
        return handover
    before = {**_roles(handover), "status": handover.status}
    if _roles(handover) == wanted:
        return handover
    handover.head = head
    handover.status = Handover.Status.PENDING
    handover.handover_on = None
    handover.confirmed_at = None
    handover.confirmed_by = None
    handover.save(update_fields=["head", "status", "handover_on", "confirmed_at", "confirmed_by"])
    handover.deputies.set(deputies)
    audit.record(
        "awards.handover.prepared",
        actor=by,
        obj=handover,
        before=before,
        after={**wanted, "status": handover.status},
        reason=_("A new election changed the elected units; the council confirms them again."),
    )
    return handover


def _locked(handover: Handover) -> Handover:
    return (
        Handover.objects.select_for_update(of=("self",))
        .select_related("from_year__block", "to_year__block", "head")
        .get(pk=handover.pk)
    )


def _check_members(handover: Handover) -> None:
    current = set(
        handover.to_year.memberships.filter(left_on__isnull=True).values_list("unit", flat=True)
    )
    missing = [
        unit.name for unit in [handover.head, *handover.deputies.all()] if unit.pk not in current
    ]
    if missing:
        raise DomainError(
            _("%(units)s not a current member of the block in %(year)d: add it to that year first.")
            % {"units": ", ".join(missing), "year": handover.to_year.year}
        )


@transaction.atomic
def confirm_handover(handover: Handover, *, by: User, handover_on: datetime.date) -> Handover:
    """The council confirms the elected head and deputies and sets the hand-over date; on that
    date the roles move (at once when the date has come)."""
    registry.check_not_archived(handover.from_year_id)
    handover = _locked(handover)
    if handover.status != Handover.Status.PENDING:
        raise DomainError(_("This hand-over has already been confirmed."))
    earliest = handover.from_year.first_day
    latest = handover.to_year.last_day
    if not earliest <= handover_on <= latest:
        raise DomainError(
            _("The hand-over date must fall between %(start)s and %(end)s.")
            % {"start": earliest.strftime("%d/%m/%Y"), "end": latest.strftime("%d/%m/%Y")},
            field="handover_on",
        )
    _check_members(handover)
    before = audit.snapshot(handover, ["status", "handover_on"])
    handover.status = Handover.Status.CONFIRMED
    handover.handover_on = handover_on
    handover.confirmed_at, handover.confirmed_by = timezone.now(), by
    handover.save(update_fields=["status", "handover_on", "confirmed_at", "confirmed_by"])
    audit.record(
        "awards.handover.confirmed",
        actor=by,
        obj=handover,
        before=before,
        after={**audit.snapshot(handover, ["status", "handover_on"]), **_roles(handover)},
    )
    if handover_on <= timezone.localdate():
        _apply(handover, by=by)
    return handover


def _leadership(block_year: BlockYear) -> dict[str, Any]:
    memberships = list(
        block_year.memberships.filter(role__in=[Membership.Role.HEAD, Membership.Role.DEPUTY])
    )
    return {
        "head": next((m.unit_id for m in memberships if m.role == Membership.Role.HEAD), None),
        "deputies": sorted(m.unit_id for m in memberships if m.role == Membership.Role.DEPUTY),
    }


def _apply(handover: Handover, *, by: User) -> None:
    to_year = handover.to_year
    before = _leadership(to_year)
    # The registry's own service: it demotes first, so the one-head constraint always holds.
    registry.set_leadership(
        to_year,
        by=by,
        head=handover.head,
        deputies=list(handover.deputies.all()),
        reason=_("Elected by the block in %(year)d and confirmed by the council.")
        % {"year": handover.from_year.year},
    )
    handover.status = Handover.Status.DONE
    handover.save(update_fields=["status"])
    audit.record(
        "awards.handover.applied",
        actor=by,
        obj=handover,
        before={"status": Handover.Status.CONFIRMED, **before},
        after={"status": Handover.Status.DONE, **_leadership(to_year)},
    )


@transaction.atomic
def apply_handover(handover: Handover, *, by: User | None = None) -> Handover:
    """Set the confirmed head and deputies on next year's memberships (the previous head and
    deputies of that year become plain members): the secretariat moves with them. Done in the name
    of the person who confirmed it, unless `by` is given.

    The year that elected them may have been archived since the council confirmed the hand-over:
    what the council confirmed before is still carried out, for it changes only next year, which
    must not be archived itself."""
    handover = _locked(handover)
    if handover.status != Handover.Status.CONFIRMED:
        raise DomainError(_("Only a confirmed hand-over can be carried out."))
    actor = by or handover.confirmed_by
    assert actor is not None
    _check_members(handover)
    _apply(handover, by=actor)
    return handover


def apply_due_handovers(today: datetime.date | None = None) -> int:
    """Carry out every confirmed hand-over whose date has come (daily). Returns how many were;
    one that cannot be (a unit left next year meanwhile) stays confirmed for the council."""
    today = today or timezone.localdate()
    done = 0
    due = Handover.objects.filter(status=Handover.Status.CONFIRMED, handover_on__lte=today)
    for pk in due.order_by("handover_on", "pk").values_list("pk", flat=True):
        try:
            apply_handover(Handover(pk=pk))
        except DomainError:
            continue
        done += 1
    return done
