"""Signed-in clients without the sign-in form, and timed requests from concurrent clients.

Sessions are written server-side, as `login()` would write them: posting the form would hash a
password per client and trip the lockout, and neither is what the pages are measured for.
"""

from __future__ import annotations

import http.client
import math
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.crypto import get_random_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from emulation.models import User

SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
TIMEOUT = 900  # seconds; a storm's last request waits for every one before it


def open_session(user: User) -> str:
    """A session in which `user` is signed in; returns its key, the session cookie's value."""
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)  # type: ignore[union-attr]
    session[BACKEND_SESSION_KEY] = SESSION_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user.is_staff or user.is_superuser:
        # A site administrator signs in with an authenticator app in production: the session
        # holds the device they verified, as django-otp's sign-in leaves it.
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, name="benchmark", defaults={"confirmed": True}
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return str(session.session_key)


def close_sessions(keys: Iterable[str]) -> None:
    engine = import_module(settings.SESSION_ENGINE)
    for key in keys:
        engine.SessionStore(session_key=key).delete()


def new_csrf_secret() -> str:
    """A CSRF secret: sent as the cookie and as the form field, as a browser's page would."""
    return get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)


@dataclass
class Response:
    status: int
    location: str
    body: bytes
    ms: float
    error: str = ""


class HttpClient:
    """One client's connection to the server under test (gunicorn closes it after each reply;
    http.client opens the next one by itself)."""

    def __init__(self, port: int, session_key: str | None = None, csrf: str | None = None):
        self.port = port
        cookies = {}
        if session_key:
            cookies[settings.SESSION_COOKIE_NAME] = session_key
        if csrf:
            cookies[settings.CSRF_COOKIE_NAME] = csrf
        self.headers = {"Host": "127.0.0.1", "User-Agent": "thidua-benchmark"}
        if cookies:
            self.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        headers = {**self.headers, **(headers or {})}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            reply = self.connection.getresponse()
            content = reply.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            return Response(0, "", b"", (time.perf_counter() - start) * 1000, repr(error))
        ms = (time.perf_counter() - start) * 1000
        if reply.will_close:
            self.connection.close()
        return Response(reply.status, reply.getheader("Location") or "", content, ms)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def close(self) -> None:
        self.connection.close()


@dataclass
class Samples:
    ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, response: Response, expected: int = 200) -> None:
        if response.status == expected:
            self.ms.append(response.ms)
        else:
            self.errors.append(response.error or f"HTTP {response.status}")


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile (p in 0..100) of the values, None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def hammer(
    make_client: Callable[[], HttpClient], path: str, *, clients: int, requests: int
) -> Samples:
    """`requests` GETs of `path`, spread over `clients` clients running at the same time."""
    samples = Samples()
    lock = threading.Lock()
    shares = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def run(share: int) -> None:
        client = make_client()
        try:
            for _ in range(share):
                response = client.get(path)
                with lock:
                    samples.add(response)
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(share,)) for share in shares if share]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples
