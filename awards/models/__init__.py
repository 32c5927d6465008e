"""The awards app's models, one module per concept, all under the `awards` app label:

- `rules`: award types and the rules for proposing them;
- `catalogue`: each authority's dated rule versions, the 20% base, records from before the app;
- `ballots`: the block's secret ballots;
- `nominations`: nominations, their achievement report and the council's appraisal;
- `proposals`: a unit's proposal of one of its people for an award to an individual;
- `dossiers`: the block's dossier for the council, and its checklist;
- `council`: the council's sessions, agenda and secret votes;
- `voting`: the voting core both share: ballot box, counting board, voter roll, sealed ballots;
- `decisions`: award decisions and their awardees, and the hand-over to next year's head;
- `closing`: what a year records it will not do, so that it can be archived;
- `submissions`: the Department of Home Affairs' submission to the Chairman;
- `money`: the base salary and each award's prize coefficient, dated.

Every model and QuerySet is re-exported here, so `from awards.models import Nomination` is the
way to import a model wherever it lives; the questions and checklists beside them are imported
from their module (`from awards.models.dossiers import nomination_checklist`).
"""

from awards.models.ballots import (
    Ballot,
    BallotCandidate,
    BallotReminder,
    ballot_title,
)
from awards.models.catalogue import CapBase, PastRecord, RuleVersion
from awards.models.closing import Waiver
from awards.models.council import (
    AgendaItem,
    CouncilSession,
)
from awards.models.decisions import Awardee, AwardeeQuerySet, Decision, Handover, Revocation
from awards.models.dossiers import Dossier, DossierQuerySet
from awards.models.money import BaseSalary, PrizeRate
from awards.models.nominations import Nomination, NominationFile, NominationQuerySet
from awards.models.proposals import PersonProposal, PersonProposalQuerySet
from awards.models.rules import (
    ATTESTATIONS,
    INDIVIDUAL_ATTESTATIONS,
    AwardType,
    Fractions,
    attestation_text,
)
from awards.models.submissions import Submission
from awards.models.voting import BallotBox, RollEntry, SealedBallot, Teller

__all__ = [
    "ATTESTATIONS",
    "INDIVIDUAL_ATTESTATIONS",
    "AgendaItem",
    "AwardType",
    "Awardee",
    "AwardeeQuerySet",
    "Ballot",
    "BallotBox",
    "BallotCandidate",
    "BallotReminder",
    "BaseSalary",
    "CapBase",
    "CouncilSession",
    "Decision",
    "Dossier",
    "DossierQuerySet",
    "Fractions",
    "Handover",
    "Nomination",
    "NominationFile",
    "NominationQuerySet",
    "PastRecord",
    "PersonProposal",
    "PersonProposalQuerySet",
    "PrizeRate",
    "Revocation",
    "RollEntry",
    "RuleVersion",
    "SealedBallot",
    "Submission",
    "Teller",
    "Waiver",
    "attestation_text",
    "ballot_title",
]
