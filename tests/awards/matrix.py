"""The awards app's rows of the permission matrix, and of the archived year's: one module per
part, merged here."""

from __future__ import annotations

from tests.awards.matrix_ballots import ARCHIVED as BALLOTS_ARCHIVED
from tests.awards.matrix_ballots import ROWS as BALLOT_ROWS
from tests.awards.matrix_decisions import ROWS as DECISION_ROWS
from tests.awards.matrix_dossiers import ARCHIVED as DOSSIERS_ARCHIVED
from tests.awards.matrix_dossiers import ROWS as DOSSIER_ROWS
from tests.awards.matrix_handover import ARCHIVED as HANDOVER_ARCHIVED
from tests.awards.matrix_handover import ROWS as HANDOVER_ROWS
from tests.awards.matrix_history import ROWS as HISTORY_ROWS
from tests.awards.matrix_intake import ARCHIVED as INTAKE_ARCHIVED
from tests.awards.matrix_intake import ROWS as INTAKE_ROWS
from tests.awards.matrix_public import ROWS as PUBLIC_ROWS
from tests.awards.matrix_sessions import ROWS as SESSION_ROWS
from tests.awards.matrix_statistics import ARCHIVED as STATISTICS_ARCHIVED
from tests.awards.matrix_statistics import ROWS as STATISTICS_ROWS

AWARDS_ROWS = {
    **BALLOT_ROWS,
    **DOSSIER_ROWS,
    **HANDOVER_ROWS,
    **INTAKE_ROWS,
    **SESSION_ROWS,
    **DECISION_ROWS,
    **STATISTICS_ROWS,
    **PUBLIC_ROWS,
    **HISTORY_ROWS,
}

# The rows of a year's objects once the year is archived (the council's own pages are not a
# year's).
AWARDS_ARCHIVED = {
    **BALLOTS_ARCHIVED,
    **DOSSIERS_ARCHIVED,
    **HANDOVER_ARCHIVED,
    **INTAKE_ARCHIVED,
    **STATISTICS_ARCHIVED,
}
