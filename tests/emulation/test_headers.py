"""Security headers on every page, and pages that keep to the Content-Security-Policy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import World
from tests.test_permission_matrix import MATRIX


def directives(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_pages_carry_a_strict_content_security_policy(client: Any, db: None) -> None:
    policy = directives(client.get("/accounts/login/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    assert all(v == "'self'" or v.startswith("'nonce-") for v in policy["script-src"])
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["font-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    everything = " ".join(v for values in policy.values() for v in values)
    assert "unsafe-inline" not in everything and "unsafe-eval" not in everything


def test_a_nonce_used_by_a_page_is_in_its_policy_and_new_on_every_request(
    rf: Any, db: None
) -> None:
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def page(request: Any) -> HttpResponse:
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    middleware = CSPMiddleware(page)
    first, second = (cast(HttpResponse, middleware(rf.get("/"))) for _ in range(2))
    nonces = [directives(r)["script-src"][1] for r in (first, second)]
    assert nonces[0].startswith("'nonce-") and nonces[0] != nonces[1]
    assert nonces[0].strip("'").removeprefix("nonce-") in first.content.decode()


def test_pages_carry_the_other_security_headers(client: Any, db: None) -> None:
    response = client.get("/accounts/login/")
    assert response["Permissions-Policy"] == (
        "camera=(), microphone=(), geolocation=(), payment=()"
    )
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_redirects_and_errors_carry_the_headers_too(client: Any, db: None) -> None:
    for response in (client.get("/blocks/"), client.get("/no-such-page/")):
        assert "Content-Security-Policy" in response
        assert "Permissions-Policy" in response


def test_htmx_is_told_not_to_inject_its_indicator_styles(client: Any, db: None) -> None:
    page = client.get("/accounts/login/").content.decode()
    meta = '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>'
    assert meta in page
    assert json.loads(meta.split("content='")[1].split("'")[0]) == {"includeIndicatorStyles": False}


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts without the nonce, inline styles,
    event-handler attributes and javascript: links."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__()
        self.nonce = nonce
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        inline = tag == "script" and not values.get("src")
        if inline and (self.nonce is None or values.get("nonce") != self.nonce):
            self.problems.append(f"<script> without the page's nonce: {attrs}")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>: {value}")
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL on <{tag}>")


def problems_on(response: Any) -> list[str]:
    nonce = None
    for value in directives(response).get("script-src", []):
        if value.startswith("'nonce-"):
            nonce = value.strip("'").removeprefix("nonce-")
    parser = InlineCode(nonce)
    parser.feed(response.content.decode())
    return parser.problems


def test_the_sign_in_page_has_no_inline_code_a_strict_policy_would_block(
    client: Any, db: None
) -> None:
    assert problems_on(client.get(reverse("login"))) == []


PREFERRED = ["admin", "staff", "secretariat", "leader", "officer", "member", "outsider"]


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_page_has_no_inline_code_a_strict_policy_would_block(
    name: str, world: World, client: Any
) -> None:
    """Every page of the permission matrix, as the first role that may open it."""
    args, get_expected, _post = MATRIX[name]
    role = next((r for r in PREFERRED if get_expected.get(r) == 200), None)
    if role is None:
        pytest.skip("no role opens this page with GET")
    client.force_login(world.user(role))
    response = client.get(reverse(name, args=args(world)))
    assert response.status_code == 200
    if not response["Content-Type"].startswith("text/html"):
        pytest.skip("not a page")
    assert problems_on(response) == []


def test_production_settings_secure_cookies_and_turn_on_hsts() -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY, s.SESSION_EXPIRE_AT_BROWSER_CLOSE,"
        " s.SESSION_COOKIE_AGE]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "emulation.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x7Kq9-production-like-secret-key-with-enough-length-and-variety-2026!",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    secure, csrf_secure, hsts, redirect, httponly, at_close, age = json.loads(result.stdout)
    assert (secure, csrf_secure, redirect, httponly, at_close) == (True, True, True, True, True)
    assert hsts >= 31536000
    assert age == 8 * 60 * 60
