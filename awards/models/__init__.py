"""The awards app's models, one module per concept, all under the `awards` app label:

- `rules`: award types and the rules for proposing them;
- `ballots`: the block's secret ballots;
- `nominations`: nominations and the block's dossier for the council;
- `council`: the council's sessions, agenda and secret votes;
- `decisions`: award decisions and their awardees, and the hand-over to next year's head.

Everything is re-exported here, so `from awards.models import Nomination` is the way to import a
model wherever it lives.
"""

from awards.models.ballots import (
    Ballot,
    BallotCandidate,
    BallotReminder,
    BallotVoter,
    CastBallot,
    CastChoice,
    ballot_title,
)
from awards.models.council import (
    AgendaItem,
    CouncilCastBallot,
    CouncilCastChoice,
    CouncilSession,
    CouncilVoter,
)
from awards.models.decisions import Awardee, Decision, Handover
from awards.models.nominations import Dossier, Nomination, NominationFile
from awards.models.rules import ATTESTATIONS, AwardType, Fractions

__all__ = [
    "ATTESTATIONS",
    "AgendaItem",
    "AwardType",
    "Awardee",
    "Ballot",
    "BallotCandidate",
    "BallotReminder",
    "BallotVoter",
    "CastBallot",
    "CastChoice",
    "CouncilCastBallot",
    "CouncilCastChoice",
    "CouncilSession",
    "CouncilVoter",
    "Decision",
    "Dossier",
    "Fractions",
    "Handover",
    "Nomination",
    "NominationFile",
    "ballot_title",
]
