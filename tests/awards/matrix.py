"""The awards app's rows of the permission matrix: one module per part, merged here."""

from __future__ import annotations

from tests.awards.matrix_ballots import ROWS as BALLOT_ROWS
from tests.awards.matrix_dossiers import ROWS as DOSSIER_ROWS
from tests.awards.matrix_handover import ROWS as HANDOVER_ROWS

AWARDS_ROWS = {**BALLOT_ROWS, **DOSSIER_ROWS, **HANDOVER_ROWS}
