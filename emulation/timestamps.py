"""RFC 3161 time-stamps of the audit chain's head: an anchor of the chain outside the database.

When `AUDIT_TSA_URL` names a time-stamping authority, `stamp_head` (run on a schedule by
`manage.py stamp_audit_head`) asks it to sign the head's event number and hash, and stores the
token it returns (`AuditTimestamp`). The authority signs the SHA-256 of a short canonical text
(`head_message`):

    emulation-audit-head:v1:<event number in decimal>:<the event's hash, 64 lower-case hex digits>

so the token is checked by anyone with the text, the token and the authority's certificate,
with any RFC 3161 tool (e.g. `openssl ts -verify -data head.txt -in token.tsr -CAfile tsa.pem`,
`head.txt` holding that line without a newline). Whoever later rewrites the chain and recomputes
every hash cannot make a token for the old time: `verify_audit` checks each token's signature and
imprint (pyHanko's validator, `token_problem`) and then the chain against the heads they sign.

The client is pyHanko's `HTTPTimeStamper` (RFC 3161 over HTTP, aiohttp); the authority's answer
is checked by pyHanko too (status, nonce), and again here before anything is stored.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from asn1crypto import cms, pem, tsp, x509
from django.conf import settings
from django.db import IntegrityError, transaction
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper, TimestampRequestError
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import ValidationContext

from emulation import audit
from emulation.models import AuditEvent, AuditHead, AuditTimestamp

logger = logging.getLogger(__name__)

STAMPED = "audit.head.stamped"
MESSAGE_PREFIX = "emulation-audit-head:v1"
DIGEST = "sha256"


class TimestampUnavailable(Exception):
    """The time-stamping authority could not be reached or gave no usable token; nothing was
    stored."""


def head_message(seq: int, chain_hash: str) -> bytes:
    """The canonical text whose SHA-256 the authority signs for the head (`seq`, `chain_hash`)."""
    return f"{MESSAGE_PREFIX}:{seq}:{chain_hash.lower()}".encode("ascii")


def head_imprint(seq: int, chain_hash: str) -> bytes:
    """The message imprint asked for: the SHA-256 of `head_message`."""
    return hashlib.sha256(head_message(seq, chain_hash)).digest()


def is_configured() -> bool:
    return bool(settings.AUDIT_TSA_URL)


def timestamper(url: str | None = None) -> HTTPTimeStamper:
    """pyHanko's RFC 3161 client for the configured authority (basic credentials when set)."""
    auth = None
    if settings.AUDIT_TSA_USERNAME:
        auth = (settings.AUDIT_TSA_USERNAME, settings.AUDIT_TSA_PASSWORD)
    return HTTPTimeStamper(
        url or settings.AUDIT_TSA_URL, timeout=settings.AUDIT_TSA_TIMEOUT, auth=auth
    )


T = TypeVar("T")


def off_the_event_loop(call: Callable[[], T]) -> T:
    """`call()`, which runs pyHanko's coroutines with `asyncio.run`: here when this thread runs
    no event loop (a request, a command, a worker), else in a thread of its own (an ASGI
    server's or a test browser's loop would refuse a second one in the same thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def request_token(stamper: TimeStamper, imprint: bytes) -> cms.ContentInfo:
    """A token over `imprint` from the authority, or `TimestampUnavailable` saying why not."""
    try:
        return off_the_event_loop(lambda: asyncio.run(stamper.async_timestamp(imprint, DIGEST)))
    except TimestampRequestError as error:
        cause = error.__cause__ or error
        raise TimestampUnavailable(
            f"The time-stamping authority at {_where(stamper)} gave no time-stamp: {cause}"
        ) from error
    except (OSError, TimeoutError, ValueError) as error:
        raise TimestampUnavailable(
            f"The time-stamping authority at {_where(stamper)} cannot be reached: {error}"
        ) from error


def _where(stamper: TimeStamper) -> str:
    return str(getattr(stamper, "url", "") or "(local)")


def must_stamp(head: AuditHead) -> bool:
    """Whether the head moved since it was last time-stamped (stamp events do not count: each
    stamp records one, which would otherwise move the head for ever)."""
    if head.last_seq == 0:
        return False
    last = AuditTimestamp.objects.order_by("-seq", "-id").first()
    if last is None:
        return True
    return AuditEvent.objects.filter(seq__gt=last.seq).exclude(action=STAMPED).exists()


def stamp_head(*, stamper: TimeStamper | None = None) -> AuditTimestamp | None:
    """Time-stamp the chain's current head and store the token; None when there is nothing new
    to stamp (no event, or none since the last stamp but the stamps' own events).

    The authority is asked outside any transaction (the audit lock is never held while waiting
    on the network); the token is checked (its imprint is the head's) before it is stored, and
    the row and its audit event are saved together. Raises `TimestampUnavailable`."""
    head = AuditHead.objects.filter(id=1).first()
    if head is None or not must_stamp(head):
        return None
    seq, chain_hash = head.last_seq, head.last_hash
    token = request_token(stamper or timestamper(), head_imprint(seq, chain_hash))
    info = token_info(token)
    if info.imprint != head_imprint(seq, chain_hash):
        raise TimestampUnavailable(
            "The time-stamping authority answered with a token for another message; "
            "nothing was stored."
        )
    der = token.dump()
    stamp = AuditTimestamp(
        seq=seq,
        chain_hash=chain_hash,
        token=der,
        gen_time=info.gen_time,
        tsa_name=info.tsa_name[:300],
        tsa_serial=info.tsa_serial[:100],
    )
    try:
        with transaction.atomic():
            stamp.save(force_insert=True)
            audit.record(
                STAMPED,
                actor=None,
                label="stamp_audit_head",
                obj=stamp,
                after={
                    "seq": seq,
                    "chain_hash": chain_hash,
                    "gen_time": info.gen_time.isoformat(),
                    "tsa": stamp.tsa_name,
                    "token_sha256": hashlib.sha256(der).hexdigest(),
                },
            )
    except IntegrityError:
        # Another run stamped the same head at the same moment: its token stands.
        return None
    return stamp


@dataclass(frozen=True)
class TokenInfo:
    imprint: bytes
    gen_time: datetime
    tsa_name: str
    tsa_serial: str


def token_info(token: cms.ContentInfo) -> TokenInfo:
    """What a token says: the imprint it signs, its time, the authority (its certificate's
    subject, or the token's TSA name) and that certificate's serial number in hex."""
    signed_data = token["content"]
    tst_info = signed_data["encap_content_info"]["content"].parsed
    if not isinstance(tst_info, tsp.TSTInfo):
        raise TimestampUnavailable("The token holds no time-stamp.")
    signer = _signer_certificate(signed_data)
    if signer is not None:
        name = signer.subject.human_friendly
        serial = format(signer.serial_number, "x")
    else:
        tsa = tst_info["tsa"]
        name = tsa.chosen.human_friendly if tsa.native is not None else ""
        serial = ""
    return TokenInfo(
        imprint=tst_info["message_imprint"]["hashed_message"].native,
        gen_time=tst_info["gen_time"].native,
        tsa_name=name,
        tsa_serial=serial,
    )


def _signer_certificate(signed_data: cms.SignedData) -> x509.Certificate | None:
    infos = signed_data["signer_infos"]
    if len(infos) != 1:
        return None
    sid = infos[0]["sid"].chosen
    for choice in signed_data["certificates"] or []:
        cert = choice.chosen
        if not isinstance(cert, x509.Certificate):
            continue
        if isinstance(sid, cms.IssuerAndSerialNumber):
            if cert.issuer == sid["issuer"] and cert.serial_number == sid["serial_number"].native:
                return cert
        elif cert.key_identifier == sid.native:
            return cert
    return None


def read_certificates(location: str) -> list[x509.Certificate]:
    """The certificates (PEM or DER) in a file, or in every file of a directory; used for the
    trust roots the operator installs. Raises OSError or ValueError naming a file that cannot be
    read. Read once per process while the file (or the directory's list) is unchanged: every
    upload to the public verification page would otherwise read and parse them again."""
    if not location:
        return []
    path = Path(location)
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    stamp = tuple((str(f), f.stat().st_mtime_ns) for f in files)
    return list(_certificates_in(stamp))


@functools.lru_cache(maxsize=16)
def _certificates_in(stamp: tuple[tuple[str, int], ...]) -> tuple[x509.Certificate, ...]:
    files = [Path(name) for name, _mtime in stamp]
    certificates: list[x509.Certificate] = []
    for file in files:
        data = file.read_bytes()
        try:
            if pem.detect(data):
                certificates.extend(
                    x509.Certificate.load(der)
                    for kind, _headers, der in pem.unarmor(data, multiple=True)
                    if kind == "CERTIFICATE"
                )
            else:
                certificates.append(x509.Certificate.load(data))
                certificates[-1].native  # noqa: B018 -- parse now, to fail on a bad file here
        except ValueError as error:
            raise ValueError(f"{file}: not a certificate ({error})") from error
    return tuple(certificates)


def tsa_trust_roots() -> list[x509.Certificate]:
    return read_certificates(settings.AUDIT_TSA_TRUST_ROOTS)


def token_problem(stamp: AuditTimestamp, roots: list[x509.Certificate] | None = None) -> str | None:
    """What is wrong with a stored token, or None when it is sound: it must be a time-stamp
    whose signature is intact and valid (pyHanko's validator), over the imprint of the head the
    row names, and, when trust roots are given, by an authority that chains to one of them (at
    the token's time)."""
    try:
        token = cms.ContentInfo.load(bytes(stamp.token))
        info = token_info(token)
        expected = head_imprint(stamp.seq, stamp.chain_hash)
        context = ValidationContext(trust_roots=list(roots or []), moment=info.gen_time)
        status = TimestampSignatureStatus(
            **off_the_event_loop(
                lambda: asyncio.run(
                    validate_tst_signed_data(token["content"], context, lambda _algorithm: expected)
                )
            )
        )
    except (ValueError, TypeError, KeyError, TimestampUnavailable, SignatureValidationError) as e:
        return f"its token cannot be read as a time-stamp ({e})"
    if info.imprint != expected:
        return "its token time-stamps another head than the one stored with it"
    if not (status.intact and status.valid):
        return "its token's signature is not valid"
    if roots and not status.trusted:
        return "its token is not signed by a trusted time-stamping authority"
    return None


def timestamp_anchors() -> tuple[list[audit.Anchor], audit.Break | None]:
    """The heads signed by the stored time-stamps, as anchors for `emulation.audit.check_anchors`,
    each token checked first (signature, imprint, and trust when `AUDIT_TSA_TRUST_ROOTS` is set);
    the first token that fails is returned as a break at the event it names. A stamp recorded in the chain
    whose token is no longer stored is a break too (tokens are anchors only while they exist)."""
    roots = tsa_trust_roots()
    anchors: list[audit.Anchor] = []
    for stamp in AuditTimestamp.objects.order_by("seq", "id").iterator():
        problem = token_problem(stamp, roots)
        where = f"the time-stamp of event #{stamp.seq} by {stamp.tsa_name or 'its authority'}"
        if problem is not None:
            event = AuditEvent.objects.filter(seq=stamp.seq).only("pk").first()
            return anchors, audit.Break(
                stamp.seq, event.pk if event else None, f"{where}: {problem}"
            )
        anchors.append(
            audit.Anchor(stamp.seq, stamp.chain_hash, f"{where} at {stamp.gen_time.isoformat()}")
        )
    stored = {(anchor.seq, anchor.hash) for anchor in anchors}
    for event in AuditEvent.objects.filter(action=STAMPED).order_by("seq").iterator():
        after = event.after if isinstance(event.after, dict) else {}
        if (after.get("seq"), after.get("chain_hash")) not in stored:
            return anchors, audit.Break(
                event.seq,
                event.pk,
                f"the time-stamp it records (of event #{after.get('seq')}) is no longer stored",
            )
    return anchors, None
