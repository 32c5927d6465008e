"""A test public-key infrastructure: certificate authorities, signers' certificates, PKCS#12
files and an RFC 3161 time-stamping authority served over HTTP on 127.0.0.1, all made here with
`cryptography` and pyHanko's `DummyTimeStamper`; nothing reaches a network.

    root = make_ca("Test Root CA")
    tsa = issue(root, "Test TSA", time_stamping=True)
    with LocalTSA(tsa, root) as url:
        ...  # RFC 3161 requests to `url`
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

VALID_FROM = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
VALID_TO = dt.datetime(2040, 1, 1, tzinfo=dt.UTC)


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


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Emulation test PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@functools.cache
def _key(label: str) -> rsa.RSAPrivateKey:
    # Keys are slow to make; one per label for the whole test run is enough.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_ca(common_name: str = "Emulation Test Root CA") -> Identity:
    """A self-signed root certificate authority."""
    key = _key(common_name)
    name = _name(common_name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM)
        .not_valid_after(VALID_TO)
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


def issue(ca: Identity, common_name: str, *, time_stamping: bool = False) -> Identity:
    """A leaf certificate signed by `ca`: a time-stamping authority's (extended key usage
    timeStamping, critical, as RFC 3161 asks), or else a document signer's (digital signature and
    non-repudiation)."""
    key = _key(common_name)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM)
        .not_valid_after(VALID_TO)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
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
    return Identity(builder.sign(ca.key, hashes.SHA256()), key)


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


def dummy_timestamper(tsa: Identity, ca: Identity) -> DummyTimeStamper:
    return DummyTimeStamper(
        tsa_cert=tsa.asn1,
        tsa_key=tsa.asn1_key,
        certs_to_embed=SimpleCertificateStore.from_certs([ca.asn1]),
    )


class _Handler(BaseHTTPRequestHandler):
    server: TSAServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.requests += 1
        if self.headers.get("Content-Type") != "application/timestamp-query":
            self.send_error(415)
            return
        response = self.server.stamper.request_tsa_response(tsp.TimeStampReq.load(body))
        data = response.dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


class TSAServer(ThreadingHTTPServer):
    stamper: DummyTimeStamper
    requests: int
    url: str


@contextmanager
def local_tsa(tsa: Identity, ca: Identity) -> Iterator[TSAServer]:
    """An RFC 3161 time-stamping authority over HTTP on 127.0.0.1 (a free port), signing with
    `tsa`'s key in a thread; its address is `server.url`, its request count `server.requests`."""
    server = TSAServer(("127.0.0.1", 0), _Handler)
    server.stamper = dummy_timestamper(tsa, ca)
    server.requests = 0
    server.url = f"http://127.0.0.1:{server.server_address[1]}/tsa"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def unused_local_url() -> str:
    """The address of a port on 127.0.0.1 where nothing listens (an unreachable authority)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}/tsa"
