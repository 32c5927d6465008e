"""Forms of the awards app, one module per part: ballots, dossiers, handover."""
