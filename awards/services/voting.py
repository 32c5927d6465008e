"""The voting core shared by the block's ballots and the council's sessions: seat the counting
board, open the box, cast a sealed ballot, stop voting, count with the board's codes, or declare
the vote void (docs/ballot-secrecy.md).

Keys, sealing and sharing come from well-kept libraries only: PyNaCl's sealed boxes (X25519 and
XSalsa20-Poly1305) and BLAKE2b, and pycryptodome's Shamir secret sharing. At opening a random
16-byte secret is made in memory; the box's key pair is derived from it, the secret is split into
one share per teller (any `threshold` of them rebuild it), and each share is sealed to the public
key of the code its teller was shown once. Only public keys and sealed shares are stored. A vote
writes the roll row and a ballot sealed to the box's public key; the choice in clear lives only in
that request's memory. At counting the codes typed at the table open their shares, the secret and
the key are rebuilt in memory, every ballot is opened there, and only the totals leave it.

The stacks (`services.ballots`, `services.sessions`) lock their ballot or session, check who may
act, and call these functions inside their transaction; they decide quorum and outcomes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from Crypto.Protocol.SecretSharing import Shamir
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.utils import random as random_bytes

from awards import secrecy
from awards.models.voting import BallotBox, RollEntry, SealedBallot, Teller
from awards.secrecy import ReceiptCheck
from blocks.models import Unit
from emulation.errors import DomainError
from emulation.models import User

SECRET_BYTES = 16  # what pycryptodome's Shamir shares (128 bits, as X25519 gives)
SMALLEST_BOARD = 2
FORMAT = "1"  # the first character of every ballot in clear: the layout's version
AGREE, DISAGREE, BLANK = "1", "0", "-"


# Keys ---------------------------------------------------------------------------------------------


def _key_from(secret: bytes, person: bytes) -> PrivateKey:
    return PrivateKey.from_seed(blake2b(secret, digest_size=32, person=person, encoder=RawEncoder))


def _teller_key(code: bytes) -> PrivateKey:
    return _key_from(code, b"emulation-teller")


def _box_key(secret: bytes) -> PrivateKey:
    return _key_from(secret, b"emulation-box")


def format_code(code: bytes) -> str:
    """A teller's code as read and typed: 26 letters and digits in groups of four or so."""
    text = base64.b32encode(code).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_code(text: str) -> bytes | None:
    """The code typed back (any case, dashes or spaces), or None when it is not a code."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.replace("0", "O").replace("1", "I").replace("8", "B")
    if len(cleaned) != 26:
        return None
    try:
        code = base64.b32decode(cleaned + "=" * 6)
    except (binascii.Error, ValueError):
        return None
    return code if len(code) == SECRET_BYTES else None


# The board ----------------------------------------------------------------------------------------


def new_box(scope: str) -> BallotBox:
    return BallotBox.objects.create(receipt_scope=scope)


def name_board(
    box: BallotBox,
    people: Sequence[tuple[User, Unit | None]],
    threshold: int,
    *,
    smallest: int = SMALLEST_BOARD,
) -> None:
    """Name the counting board (replacing one named before): who may hold a share of the key,
    and how many of them must give their code to count. At least two, unless fewer people may
    sit on it at all (`smallest`: a council of one member is its own board)."""
    if box.state != BallotBox.State.PREPARING:
        raise DomainError(_("The counting board is named before voting opens."))
    users = [user for user, _unit in people]
    if len(set(u.pk for u in users)) != len(users):
        raise DomainError(_("Name each teller once."), field="tellers")
    if len(users) < max(smallest, 1):
        raise DomainError(_("The counting board needs at least two tellers."), field="tellers")
    if not max(smallest, 1) <= threshold <= len(users):
        raise DomainError(
            _("Between %(least)d and %(n)d tellers can be required to count.")
            % {"least": max(smallest, 1), "n": len(users)},
            field="threshold",
        )
    box.tellers.all().delete()
    Teller.objects.bulk_create(
        Teller(box=box, user=user, unit=unit, position=index + 1)
        for index, (user, unit) in enumerate(people)
    )
    box.threshold = threshold
    box.save(update_fields=["threshold"])


def board_of(vote: Any, user: User) -> dict[str, Any]:
    """What a vote's page shows of its counting board (`vote` is a ballot or a session with its
    `box`): the box, its tellers, the person's own seat, and whether it was held again."""
    box = vote.box
    if box is None:
        return {"box": None}
    # Read only when shown (a counted vote's page is served from the cache).
    tellers: Any = SimpleLazyObject(
        lambda: list(box.tellers.select_related("user", "unit").order_by("position"))
    )
    return {
        "box": box,
        "tellers": tellers,
        "my_teller": SimpleLazyObject(
            lambda: next((t for t in tellers if t.user_id == user.pk), None)
        ),
        "held_again": SimpleLazyObject(lambda: box.is_void and vote.reruns.exists()),
    }


def teller_of(box: BallotBox | int, user: User) -> Teller | None:
    return Teller.objects.filter(box=box, user=user).first()


def seat(box: BallotBox, user: User) -> str:
    """Give a teller their code, once: only the public key derived from it is kept. The caller
    shows the code to this teller and forgets it."""
    if box.state != BallotBox.State.PREPARING:
        raise DomainError(_("Codes are given to the counting board before voting opens."))
    teller = Teller.objects.select_for_update().filter(box=box, user=user).first()
    if teller is None:
        raise DomainError(_("You are not on this ballot's counting board."))
    if teller.is_seated:
        raise DomainError(
            _("You have already received your code: it is shown only once and never kept.")
        )
    code = random_bytes(SECRET_BYTES)
    teller.public_key = bytes(_teller_key(code).public_key)
    teller.seated_at = timezone.now()
    teller.save(update_fields=["public_key", "seated_at"])
    return format_code(code)


def open_box(box: BallotBox) -> None:
    """Make the box's key pair and seal one share of it to each seated teller; the private key
    and the secret exist only in this call's memory."""
    if box.state != BallotBox.State.PREPARING:
        raise DomainError(_("This ballot box is not being prepared."))
    tellers = list(box.tellers.order_by("position"))
    waiting = [str(t.user) for t in tellers if not t.is_seated]
    if not tellers:
        raise DomainError(_("Name the counting board first."))
    if waiting:
        raise DomainError(
            _("The counting board must receive their codes first; waiting for: %(names)s.")
            % {"names": ", ".join(waiting)}
        )
    secret = random_bytes(SECRET_BYTES)
    shares = Shamir.split(box.threshold, len(tellers), secret, ssss=False)
    for teller, (index, share) in zip(tellers, shares, strict=True):
        public = PublicKey(bytes(teller.public_key or b""))
        teller.sealed_share = SealedBox(public).encrypt(bytes([index]) + share)
    Teller.objects.bulk_update(tellers, ["sealed_share"])
    box.public_key = bytes(_box_key(secret).public_key)
    box.state, box.opened_at = BallotBox.State.OPEN, timezone.now()
    box.save(update_fields=["public_key", "state", "opened_at"])


# Voting -------------------------------------------------------------------------------------------


def encode(choices: Mapping[int, bool], options: Sequence[int]) -> bytes:
    """A ballot in clear, the same length whatever it says: one character per option."""
    return (FORMAT + "".join(_mark(choices.get(pk)) for pk in options)).encode()


def _mark(choice: bool | None) -> str:
    return BLANK if choice is None else AGREE if choice else DISAGREE


def cast(
    box: BallotBox,
    *,
    by: User,
    unit: Unit | None,
    choices: Mapping[int, bool],
    options: Sequence[int],
) -> str:
    """Put a sealed ballot in the box and the voter on the roll (in the caller's transaction, with
    the caller's lock); returns the receipt code, shown once and stored only as a hash."""
    if box.state != BallotBox.State.OPEN or not box.public_key:
        raise DomainError(_("This ballot is not open for voting."))
    receipt = secrecy.new_receipt()
    RollEntry.objects.create(box=box, unit=unit, voted_by=by, voted_at=timezone.now())
    SealedBallot.objects.create(
        box=box,
        sealed=SealedBox(PublicKey(bytes(box.public_key))).encrypt(encode(choices, options)),
        receipt_sha256=secrecy.receipt_hash(box.receipt_scope, receipt),
    )
    return receipt


def roll(box: BallotBox | int | None) -> QuerySet[RollEntry]:
    return RollEntry.objects.filter(box=box)


def check_receipt(box: BallotBox | None, receipt: str) -> ReceiptCheck:
    """Whether a ballot with this receipt is in the box, counted, or void (never what it said)."""
    if box is None:
        return ReceiptCheck(found=False, counted=False)
    found = SealedBallot.objects.filter(
        box=box, receipt_sha256=secrecy.receipt_hash(box.receipt_scope, receipt)
    ).exists()
    return ReceiptCheck(
        found=found,
        counted=found and box.state == BallotBox.State.COUNTED,
        void=found and box.state == BallotBox.State.VOID,
    )


# Closing and counting -----------------------------------------------------------------------------


def stop(box: BallotBox, *, quorum: bool) -> None:
    """Stop voting. Without quorum the vote is void and its ballots are destroyed unopened;
    otherwise the box waits for the counting board."""
    if box.state != BallotBox.State.OPEN:
        raise DomainError(_("Only an open ballot can be closed."))
    if not quorum:
        _destroy(box, BallotBox.Void.NO_QUORUM, "")
        return
    box.state = BallotBox.State.COUNTING
    box.save(update_fields=["state"])


def declare_void(box: BallotBox, *, reason: str) -> None:
    """The board cannot give enough codes: the vote is void, its ballots destroyed unopened."""
    if box.state != BallotBox.State.COUNTING:
        raise DomainError(_("Only a ballot waiting for its count can be declared void."))
    if not reason.strip():
        raise DomainError(_("Say why the ballot cannot be counted."), field="reason")
    _destroy(box, BallotBox.Void.SHARES_LOST, reason.strip())


def _destroy(box: BallotBox, void: str, reason: str) -> None:
    SealedBallot.objects.filter(box=box).update(sealed=None)
    Teller.objects.filter(box=box).update(sealed_share=None)
    box.state, box.void, box.void_reason = BallotBox.State.VOID, void, reason
    box.save(update_fields=["state", "void", "void_reason"])


def _shares(box: BallotBox, codes: Iterable[str]) -> tuple[list[tuple[int, bytes]], list[Teller]]:
    tellers = {bytes(t.public_key or b""): t for t in box.tellers.all()}
    shares: dict[int, tuple[int, bytes]] = {}
    given: list[Teller] = []
    for text in codes:
        if not text.strip():
            continue
        code = parse_code(text)
        if code is None:
            raise DomainError(_("“%(code)s” is not a teller's code.") % {"code": text.strip()})
        teller = tellers.get(bytes(_teller_key(code).public_key))
        if teller is None or not teller.sealed_share:
            raise DomainError(_("A code given belongs to no teller of this ballot."))
        opened = SealedBox(_teller_key(code)).decrypt(bytes(teller.sealed_share))
        if teller.pk not in shares:
            shares[teller.pk] = (opened[0], opened[1:])
            given.append(teller)
    return list(shares.values()), given


def count(
    box: BallotBox, *, codes: Iterable[str], options: Sequence[int]
) -> tuple[dict[int, tuple[int, int]], int, list[Teller]]:
    """Open the box with the codes typed at the counting table and count it in memory: returns
    {option: (agree, disagree)}, the ballots counted and the tellers who gave their code. The
    ballots are emptied; their receipts stay."""
    if box.state != BallotBox.State.COUNTING:
        raise DomainError(_("This ballot is not waiting for its count."))
    shares, given = _shares(box, codes)
    if len(shares) < box.threshold:
        raise DomainError(
            _("%(needed)d tellers' codes are needed to count; %(given)d given.")
            % {"needed": box.threshold, "given": len(shares)},
            field="codes",
        )
    key = _box_key(Shamir.combine(shares, ssss=False))
    if bytes(key.public_key) != bytes(box.public_key or b""):
        raise DomainError(_("The codes do not open this ballot box."), field="codes")
    sealed = list(SealedBallot.objects.filter(box=box).values_list("sealed", flat=True))
    voters = RollEntry.objects.filter(box=box).count()
    if len(sealed) != voters:
        raise DomainError(
            _("The box holds %(ballots)d ballots for %(voters)d voters on the roll: not counted.")
            % {"ballots": len(sealed), "voters": voters}
        )
    totals = {pk: [0, 0] for pk in options}
    opener = SealedBox(key)
    for ciphertext in sealed:
        try:
            paper = opener.decrypt(bytes(ciphertext or b"")).decode()
        except (CryptoError, UnicodeDecodeError) as error:
            raise DomainError(_("A ballot in the box is damaged: not counted.")) from error
        if len(paper) != len(options) + 1 or paper[0] != FORMAT:
            raise DomainError(_("A ballot in the box is damaged: not counted."))
        for pk, mark in zip(options, paper[1:], strict=True):
            if mark == AGREE:
                totals[pk][0] += 1
            elif mark == DISAGREE:
                totals[pk][1] += 1
    now = timezone.now()
    SealedBallot.objects.filter(box=box).update(sealed=None)
    Teller.objects.filter(box=box).update(sealed_share=None)
    Teller.objects.filter(pk__in=[t.pk for t in given]).update(counted_at=now)
    box.state, box.counted_at = BallotBox.State.COUNTED, now
    box.save(update_fields=["state", "counted_at"])
    return {pk: (agree, disagree) for pk, (agree, disagree) in totals.items()}, len(sealed), given
