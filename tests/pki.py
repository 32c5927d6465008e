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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import tsp
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from emulation import pki
from emulation.pki import Identity, p12_bytes

__all__ = ["Identity", "issue", "local_tsa", "make_ca", "p12_bytes", "unused_local_url"]

ORGANISATION = "Emulation test PKI"
VALID_FROM = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
VALID_TO = dt.datetime(2040, 1, 1, tzinfo=dt.UTC)


@functools.cache
def _key(label: str) -> rsa.RSAPrivateKey:
    # Keys are slow to make; one per label for the whole test run is enough.
    return pki.new_key()


def make_ca(common_name: str = "Emulation Test Root CA") -> Identity:
    return pki.make_ca(
        common_name,
        organisation=ORGANISATION,
        key=_key(common_name),
        valid_from=VALID_FROM,
        valid_to=VALID_TO,
    )


def issue(ca: Identity, common_name: str, *, time_stamping: bool = False) -> Identity:
    return pki.issue(
        ca,
        common_name,
        organisation=ORGANISATION,
        key=_key(common_name),
        valid_from=VALID_FROM,
        valid_to=VALID_TO,
        time_stamping=time_stamping,
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
