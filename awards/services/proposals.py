"""A unit proposes its people to the block for an award to an individual, and withdraws them:
before the block's ballot on that award is prepared, since the ballot puts every standing
proposal before the member units (DOMAIN §5)."""

from __future__ import annotations

import rules
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import catalogue
from awards.models import AwardType, Ballot, PersonProposal
from blocks.models import BlockYear, Person
from blocks.services import check_not_archived
from emulation import audit
from emulation.errors import DomainError
from emulation.models import User

FIELDS = ["award_type", "unit", "person", "person_name", "person_title", "summary"]


def proposals_closed(block_year: BlockYear, award: AwardType) -> bool:
    """A ballot on the award has been prepared: who stands on it is settled."""
    return Ballot.objects.filter(
        block_year=block_year, kind=Ballot.Kind.NOMINATION, award_type=award
    ).exists()


def _check_open(block_year: BlockYear, award: AwardType) -> None:
    if proposals_closed(block_year, award):
        raise DomainError(
            _("The block's ballot on “%(award)s” is prepared: proposals can no longer change.")
            % {"award": award.name}
        )


@transaction.atomic
def propose_person(
    block_year: BlockYear, award: AwardType, person: Person, *, by: User, summary: str
) -> PersonProposal:
    """A member unit's leader or officer proposes one of its people still working there for an
    award to an individual that the authority offers for the year, with their achievements in
    brief. Proposing the same person again (a double click) returns the standing proposal."""
    check_not_archived(block_year)
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    unit = person.unit
    if not rules.has_perm("awards.propose_people", by, unit):
        raise DomainError(
            _("Only the leaders and officers of %(unit)s propose its people.") % {"unit": unit.name}
        )
    standing = (
        PersonProposal.objects.standing()
        .filter(block_year=block_year, award_type=award, person=person)
        .first()
    )
    if standing is not None:
        return standing
    if not award.for_individuals:
        raise DomainError(_("This award is for collectives, not for people."), field="award")
    if catalogue.version_for(block_year.block.authority, award, block_year.year) is None:
        raise DomainError(
            _("“%(award)s” is not in the catalogue for %(year)d.")
            % {"award": award.name, "year": block_year.year},
            field="award",
        )
    if not block_year.memberships.filter(unit=unit, left_on__isnull=True).exists():
        raise DomainError(
            _("%(unit)s is not a member of the block this year.") % {"unit": unit.name}
        )
    if person.left_on is not None:
        raise DomainError(
            _("%(person)s no longer works at %(unit)s.") % {"person": person, "unit": unit.name},
            field="person",
        )
    _check_open(block_year, award)
    summary = summary.strip()
    if not summary:
        raise DomainError(_("Say in brief what the person achieved."), field="summary")
    try:
        with transaction.atomic():
            proposal = PersonProposal.objects.create(
                block_year=block_year,
                award_type=award,
                unit=unit,
                person=person,
                person_name=person.full_name,
                person_title=person.title,
                summary=summary,
                proposed_by=by,
            )
    except IntegrityError:  # proposed at the same moment by another request
        return PersonProposal.objects.standing().get(
            block_year=block_year, award_type=award, person=person
        )
    audit.record(
        "awards.person_proposal.created",
        actor=by,
        obj=proposal,
        after={**audit.snapshot(proposal, FIELDS), "award_type": award.code},
    )
    return proposal


@transaction.atomic
def withdraw_proposal(proposal: PersonProposal, *, by: User, reason: str) -> PersonProposal:
    """The unit withdraws its proposal, saying why, before the block's ballot is prepared."""
    check_not_archived(proposal.block_year_id)
    proposal = (
        PersonProposal.objects.select_for_update(of=("self",))
        .select_related("block_year", "award_type", "unit")
        .get(pk=proposal.pk)
    )
    if not rules.has_perm("awards.withdraw_proposal", by, proposal):
        raise DomainError(
            _("Only the leaders and officers of %(unit)s withdraw its proposals.")
            % {"unit": proposal.unit.name}
        )
    if proposal.withdrawn_at is not None:
        raise DomainError(_("This proposal has already been withdrawn."))
    _check_open(proposal.block_year, proposal.award_type)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the proposal is withdrawn."), field="reason")
    proposal.withdrawn_at, proposal.withdrawn_reason = timezone.now(), reason
    proposal.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    audit.record(
        "awards.person_proposal.withdrawn",
        actor=by,
        obj=proposal,
        before={"withdrawn_at": None},
        after={"withdrawn_at": proposal.withdrawn_at.isoformat()},
        reason=reason,
    )
    return proposal
