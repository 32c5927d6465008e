"""The issuing body's key on a PKCS#11 token (SoftHSM, the software token Debian packages): the
private key is made on the token and never leaves it; pyHanko signs through the token, and the
signature reads back as valid. CI installs SoftHSM; elsewhere these tests are skipped without it,
unless REQUIRE_BROWSER=1 (the full check) says everything must run."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import pkcs11
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pyhanko.pdf_utils.reader import PdfFileReader

from emulation import pki, signing
from emulation.issued import issue_document
from emulation.models import IssuedDocument, User
from tests.factories import make_user
from tests.pki import ORGANISATION, VALID_FROM, VALID_TO, Identity, make_ca

SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")
BODY = "Ủy ban nhân dân tỉnh Quảng Trị"
TOKEN, PIN, SO_PIN = "ubnd-quang-tri", "246810", "13579111"


def _unavailable() -> str:
    if not SOFTHSM.exists() or shutil.which("softhsm2-util") is None:
        return "SoftHSM is not installed (Debian package softhsm2)"
    return ""


@pytest.fixture(scope="module")
def root() -> Identity:
    return make_ca("Token Test Root CA")


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory, root: Identity) -> dict[str, str]:
    """A fresh token holding a key pair made on it and the issuing body's certificate for it."""
    reason = _unavailable()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but the token tests cannot run: {reason}")
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    config = base / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n")
    # SoftHSM reads its configuration when the library initialises: set it, then (re)initialise.
    os.environ["SOFTHSM2_CONF"] = str(config)
    subprocess.run(
        [
            *("softhsm2-util", "--init-token", "--free", "--label", TOKEN),
            *("--pin", PIN, "--so-pin", SO_PIN),
        ],
        check=True,
        capture_output=True,
    )
    library = pkcs11.lib(str(SOFTHSM))
    library.reinitialize()
    with library.get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        public, _private = session.generate_keypair(
            KeyType.RSA, 2048, id=b"\x01", label="ubnd-key", store=True
        )
        numbers = rsa.RSAPublicNumbers(
            int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
            int.from_bytes(public[Attribute.MODULUS], "big"),
        )
        certificate = pki.certify(
            root,
            "UBND tinh Quang Tri (token)",
            organisation=ORGANISATION,
            public_key=numbers.public_key(),
            valid_from=VALID_FROM,
            valid_to=VALID_TO,
        )
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.ID: b"\x01",
                Attribute.LABEL: "ubnd-cert",
                Attribute.SUBJECT: certificate.subject.public_bytes(),
                Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
            }
        )
    return {"lib": str(SOFTHSM), "token": TOKEN, "pin": PIN, "cert": "ubnd-cert", "key": "ubnd-key"}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_SIGNING_P12 = ""
    settings.DOCUMENT_TSA_URL = ""


@pytest.fixture
def clerk(db: None) -> User:
    return make_user("clerk", full_name="Cán bộ Văn phòng")


def minutes(by: User) -> IssuedDocument:
    return issue_document(
        kind="minutes",
        title="Biên bản họp bình xét năm 2026",
        issuer_name=BODY,
        template_name="pdf/official_text.html",
        context={"date": dt.date(2026, 12, 20), "paragraphs": ["Hội nghị đã bỏ phiếu kín."]},
        by=by,
    )


def test_the_issuing_pipeline_signs_with_the_key_on_the_token(
    clerk: User, token: dict[str, str], root: Identity, tmp_path: Path
) -> None:
    with override_settings(DOCUMENT_SIGNERS={BODY: {"pkcs11": token}}):
        document = minutes(clerk)
    with document.file.open("rb") as handle:
        signed = handle.read()
    (embedded,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert embedded.field_name == signing.ISSUER_FIELD
    (report,) = signing.read_signatures(signed, roots=[root.asn1])
    assert report.intact and report.trusted and report.unchanged_after
    assert report.signer == "UBND tinh Quang Tri (token)"
    if shutil.which("pdfsig"):
        path = tmp_path / "signed.pdf"
        path.write_bytes(signed)
        output = subprocess.run(
            ["pdfsig", str(path)], capture_output=True, text=True, check=False
        ).stdout
        assert "Signature is Valid." in output


def test_a_token_that_is_not_there_stops_issuing_with_a_clear_message(
    clerk: User, token: dict[str, str]
) -> None:
    document = minutes(clerk)  # unsigned: no certificate configured yet
    with document.file.open("rb") as handle:
        pdf = handle.read()
    absent = {**token, "token": "no-such-token"}
    with (
        override_settings(DOCUMENT_SIGNERS={BODY: {"pkcs11": absent}}),
        pytest.raises(signing.SigningNotConfigured, match="no-such-token"),
    ):
        signing.sign_issued(pdf, document)


def test_a_wrong_pin_stops_issuing_rather_than_issuing_unsigned(
    clerk: User, token: dict[str, str]
) -> None:
    document = minutes(clerk)
    with document.file.open("rb") as handle:
        pdf = handle.read()
    wrong = {**token, "pin": "000000"}
    with (
        override_settings(DOCUMENT_SIGNERS={BODY: {"pkcs11": wrong}}),
        pytest.raises(signing.SigningNotConfigured),
    ):
        signing.sign_issued(pdf, document)
