"""Who may act on ballots, nominations, dossiers and the hand-over.

Seeing is decided by `BlockYear.objects.for_user` (404 outside it); these predicates decide acting
(403 when someone can see but not act). Voting, attesting and approving the achievement report
are done for a unit by its own leader only: no higher role does them.
"""

from __future__ import annotations

import rules

from awards.models import Ballot, CouncilSession, Decision, Nomination, PersonProposal
from blocks.models import Authority, BlockYear
from blocks.rules import is_archived_object, is_secretariat_of, manages_block_year, works_in_unit
from emulation.models import User
from emulation.roles import roles_of


@rules.predicate
def runs_awards_of(user: User, block_year: BlockYear) -> bool:
    """The secretariat runs the year's ballots and dossier; council staff may step in."""
    return bool(is_secretariat_of(user, block_year) or manages_block_year(user, block_year))


@rules.predicate
def votes_in(user: User, ballot: Ballot) -> bool:
    """The leader of a current member unit of the ballot's block year."""
    return bool(roles_of(user).led_member_units_of(ballot.block_year_id))


@rules.predicate
def writes_report(user: User, nomination: Nomination) -> bool:
    return roles_of(user).works_in(nomination.unit_id)


@rules.predicate
def proposed_by_own_unit(user: User, proposal: PersonProposal) -> bool:
    return roles_of(user).works_in(proposal.unit_id)


@rules.predicate
def leads_nominee(user: User, nomination: Nomination) -> bool:
    return roles_of(user).leads(nomination.unit_id)


@rules.predicate
def runs_dossier_of(user: User, nomination: Nomination) -> bool:
    return bool(runs_awards_of(user, nomination.block_year))


@rules.predicate
def council_staff_for(user: User, block_year: BlockYear) -> bool:
    return roles_of(user).staffs(block_year.block.authority_id)


@rules.predicate
def council_staff_of_nomination(user: User, nomination: Nomination) -> bool:
    return roles_of(user).staffs(nomination.block_year.block.authority_id)


@rules.predicate
def sits_on_council_of(user: User, authority: Authority) -> bool:
    """Council staff and council members read the authority's dossiers, sessions and decisions."""
    return roles_of(user).sits_on(authority.pk)


@rules.predicate
def council_staff_of(user: User, authority: Authority) -> bool:
    return roles_of(user).staffs(authority.pk)


@rules.predicate
def runs_session(user: User, session: CouncilSession) -> bool:
    return roles_of(user).staffs(session.authority_id)


@rules.predicate
def votes_in_session(user: User, session: CouncilSession) -> bool:
    """A council member of the session's authority, recorded as present at the session."""
    return (
        roles_of(user).votes_on(session.authority_id)
        and session.present.filter(pk=user.pk).exists()
    )


@rules.predicate
def manages_decision(user: User, decision: Decision) -> bool:
    return roles_of(user).staffs(decision.authority_id)


is_admin = rules.is_superuser

# An archived year is read-only: every acting permission on the year's objects ends with
# `~is_archived_object`, the council's on a nomination included; the council's own objects
# (sessions, decisions) are not a year's.
rules.add_perm("awards.run_ballots", (is_admin | runs_awards_of) & ~is_archived_object)
rules.add_perm("awards.vote", votes_in & ~is_archived_object)
rules.add_perm("awards.write_report", writes_report & ~is_archived_object)
rules.add_perm("awards.approve_report", leads_nominee & ~is_archived_object)
rules.add_perm("awards.attest", leads_nominee & ~is_archived_object)
rules.add_perm("awards.run_dossier", (is_admin | runs_awards_of) & ~is_archived_object)
rules.add_perm("awards.manage_nomination", (is_admin | runs_dossier_of) & ~is_archived_object)
rules.add_perm(
    "awards.check_eligibility", (is_admin | runs_dossier_of | writes_report) & ~is_archived_object
)
rules.add_perm(
    "awards.return_nomination", (is_admin | council_staff_of_nomination) & ~is_archived_object
)
rules.add_perm("awards.confirm_handover", (is_admin | council_staff_for) & ~is_archived_object)
rules.add_perm("awards.see_council", is_admin | sits_on_council_of)
rules.add_perm("awards.run_council", is_admin | council_staff_of)
rules.add_perm(
    "awards.appraise_nomination", (is_admin | council_staff_of_nomination) & ~is_archived_object
)
rules.add_perm("awards.run_session", is_admin | runs_session)
rules.add_perm("awards.vote_in_session", votes_in_session)
rules.add_perm("awards.manage_decision", is_admin | manages_decision)
rules.add_perm("awards.archive_year", (is_admin | council_staff_for) & ~is_archived_object)
# A unit's leader or officer proposes its own people for an award to an individual (the year's
# archive is checked by the service, which knows the year); the secretariat sees them all.
rules.add_perm("awards.propose_people", works_in_unit)
rules.add_perm("awards.withdraw_proposal", proposed_by_own_unit & ~is_archived_object)
rules.add_perm("awards.see_proposals", is_admin | runs_awards_of)
