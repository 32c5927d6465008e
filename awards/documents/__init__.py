"""The documents the awards app issues, in the official format and in Vietnamese whoever issues
them, each rendered once and stored as an issued document (`emulation.issued`):

- `ballot_minutes`: the minutes of the block's deliberation meeting and its ballots;
- `letters`: each nominee's achievement report and the block's proposal letter;
- `session_minutes`: the minutes of a council session;
- `decisions`: the award decision (or the proposal to the Ministry) and the certificates.
"""
