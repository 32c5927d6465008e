"""What the block's ballots and the council's votes share to keep a vote secret (DESIGN §6): the
receipt given to a voter, kept only as a hash, and the shaking of the box.

A box is a model of anonymous ballots (random UUID keys, the hash of a receipt, no time, no voter)
whose `choices` say what each ballot chose; it is rewritten in random order under new random keys
after every vote and at closing, so that neither keys, storage order nor row versions follow the
order of voting.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import models

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed back
RECEIPT_LENGTH = 12


def new_receipt() -> str:
    """A receipt code such as ABCD-EFGH-JKLM, shown once to the voter and never stored."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def receipt_hash(scope: str, receipt: str) -> str:
    """The stored form of a receipt within one ballot or session (`scope`), whatever its case,
    dashes or spaces when typed back."""
    normalised = "".join(ch for ch in receipt.upper() if ch.isalnum())
    return hashlib.sha256(f"{scope}:{normalised}".encode()).hexdigest()


@dataclass(frozen=True)
class ReceiptCheck:
    found: bool  # a ballot with this receipt is in the box
    counted: bool  # ... and the vote is closed, so it was counted


def reshuffle(
    box: type[models.Model], choice: type[models.Model], target: str, **owner: Any
) -> None:
    """Rewrite the owner's anonymous ballots (`box` rows filtered by `owner`) and their choices
    (`choice` rows, pointing with `target`, such as "candidate_id", at what was chosen) in random
    order under new random keys, in the caller's transaction."""
    ballots = box._default_manager.filter(**owner)
    papers: list[tuple[str, list[tuple[int, bool]]]] = [
        (
            getattr(cast, "receipt_sha256"),  # noqa: B009 (any box model)
            [(getattr(c, target), c.approve) for c in getattr(cast, "choices").all()],  # noqa: B009
        )
        for cast in ballots.prefetch_related("choices")
    ]
    random.SystemRandom().shuffle(papers)
    ballots.delete()
    new = box._default_manager.bulk_create(
        box(receipt_sha256=receipt, **owner) for receipt, _choices in papers
    )
    choice._default_manager.bulk_create(
        choice(cast_ballot=cast, approve=approve, **{target: pk})
        for cast, (_receipt, choices) in zip(new, papers, strict=True)
        for pk, approve in choices
    )
