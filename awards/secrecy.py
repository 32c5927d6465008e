"""The receipt given to a voter (docs/ballot-secrecy.md): a random code shown once, kept only as
a hash on the sealed ballot, which tells the voter that their ballot was counted (or that the
vote was void), never what it said."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed back
RECEIPT_LENGTH = 12


def new_receipt() -> str:
    """A receipt code such as ABCD-EFGH-JKLM, shown once to the voter and never stored."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def receipt_hash(scope: str, receipt: str) -> str:
    """The stored form of a receipt within one ballot box (`scope`), whatever its case, dashes
    or spaces when typed back."""
    normalised = "".join(ch for ch in receipt.upper() if ch.isalnum())
    return hashlib.sha256(f"{scope}:{normalised}".encode()).hexdigest()


@dataclass(frozen=True)
class ReceiptCheck:
    found: bool  # a ballot with this receipt is in the box
    counted: bool  # ... and the box was counted, so it is in the results
    void: bool = False  # ... but the vote was void: never opened
