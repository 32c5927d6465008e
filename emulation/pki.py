"""A small certificate authority for the demo and the tests: a root, the certificates it issues
(a document signer's, or a time-stamping authority's) and PKCS#12 files, made with `cryptography`.

Real deployments use the certificates their bodies hold (see the README's "Digital signatures");
`manage.py demo_certificate` makes one, marked as a demonstration, for `make run`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def new_key() -> rsa.RSAPrivateKey:
    """RSA 2048: pyHanko keeps PDF 1.7 (and PDF/A) with RSA keys, and its test authority signs
    only with RSA."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass(frozen=True)
class Identity:
    """A certificate and its private key (RSA: pyHanko's test authority signs only with RSA)."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.certificate.public_bytes(serialization.Encoding.DER))

    @property
    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        return asn1_keys.PrivateKeyInfo.load(
            self.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )

    def write_pem(self, path: Path) -> Path:
        path.write_bytes(self.pem)
        return path


def make_ca(
    common_name: str,
    *,
    organisation: str,
    key: rsa.RSAPrivateKey,
    valid_from: dt.datetime,
    valid_to: dt.datetime,
) -> Identity:
    """A self-signed root certificate authority."""
    subject = name(common_name, organisation)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Identity(certificate, key)


def issue(
    ca: Identity,
    common_name: str,
    *,
    organisation: str,
    key: rsa.RSAPrivateKey,
    valid_from: dt.datetime,
    valid_to: dt.datetime,
    time_stamping: bool = False,
) -> Identity:
    """A leaf certificate signed by `ca`, with its key: a time-stamping authority's (extended
    key usage timeStamping, critical, as RFC 3161 asks), or else a document signer's (digital
    signature and non-repudiation)."""
    certificate = certify(
        ca,
        common_name,
        organisation=organisation,
        public_key=key.public_key(),
        valid_from=valid_from,
        valid_to=valid_to,
        time_stamping=time_stamping,
    )
    return Identity(certificate, key)


def certify(
    ca: Identity,
    common_name: str,
    *,
    organisation: str,
    public_key: rsa.RSAPublicKey,
    valid_from: dt.datetime,
    valid_to: dt.datetime,
    time_stamping: bool = False,
) -> x509.Certificate:
    """The certificate of `issue` for a public key alone: a key kept on a token or an HSM, whose
    private half never leaves it."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(common_name, organisation))
        .issuer_name(ca.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not time_stamping,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if time_stamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(ca.key, hashes.SHA256())


def p12_bytes(identity: Identity, ca: Identity, password: bytes | None) -> bytes:
    """A PKCS#12 file holding the identity's key, its certificate and its authority's."""
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        b"signer", identity.key, identity.certificate, [ca.certificate], encryption
    )
