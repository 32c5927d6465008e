"""Every state change of the awards app: ballots (`ballots`), nominations and the dossier
(`dossiers`), and next year's hand-over (`handover`)."""
