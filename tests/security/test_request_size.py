"""A request body larger than the largest upload (and its form) is refused with 413 before
anything reads it; one sent without a length is read no further than that limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.test import Client, RequestFactory

from emulation.limits import MAX_REQUEST_BYTES
from emulation.models import IssuedDocument
from emulation.uploads import DEFAULT_MAX_BYTES
from tests.emulation.test_verify import issued as issued  # the verify page's fixture
from tests.emulation.test_verify import stored

MB = 1024 * 1024


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def test_the_limit_is_the_largest_upload_and_a_margin_for_the_form() -> None:
    assert DEFAULT_MAX_BYTES == 20 * MB
    assert settings.MAX_REQUEST_BYTES == MAX_REQUEST_BYTES == 25 * MB
    # Only middleware that never reads the body (and adds the security headers) comes first.
    assert settings.MIDDLEWARE[:4] == [
        "django.middleware.security.SecurityMiddleware",
        "emulation.security.PermissionsPolicyMiddleware",
        "csp.middleware.CSPMiddleware",
        "emulation.limits.RequestSizeLimitMiddleware",
    ]
    assert settings.FILE_UPLOAD_HANDLERS[0] == "emulation.limits.LimitedUploadHandler"


def unreadable() -> dict[str, Any]:
    """A request body that fails the test if anything reads it."""
    return {"wsgi.input": Unreadable()}


@pytest.mark.parametrize("declared", [200 * MB, 25 * MB + 1, 10**30])
def test_a_body_declared_too_large_is_refused_unread(
    client: Client, issued: IssuedDocument, declared: int
) -> None:
    response = client.generic(
        "POST",
        f"/verify/{issued.code}/",
        b"x",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(declared),
        **unreadable(),
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "Lỗi 413" in page and "tối đa 25 MB" in page


def test_the_refusal_carries_the_site_s_security_headers(client: Client) -> None:
    response = client.generic(
        "POST", "/verify/x/", b"x", CONTENT_LENGTH=str(200 * MB), **unreadable()
    )
    assert response.status_code == 413
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src" in response["Content-Security-Policy"]
    assert "Permissions-Policy" in response


def test_the_refusal_is_in_the_language_of_the_cookie(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.generic(
        "POST", "/verify/x/", b"x", CONTENT_LENGTH=str(200 * MB), **unreadable()
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "Error 413" in page and "at most 25 MB in one sending" in page


def test_a_body_within_the_limit_is_read_as_before(client: Client, issued: IssuedDocument) -> None:
    response = client.post(
        f"/verify/{issued.code}/", {"file": SimpleUploadedFile("copy.pdf", stored(issued))}
    )
    assert response.status_code == 200
    assert "data-result" in response.content.decode()


def test_the_upload_handler_stops_reading_at_the_limit(settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 1 * MB
    request = RequestFactory().post(
        "/verify/x/", {"file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (2 * MB))}
    )
    with pytest.raises(RequestDataTooBig):
        request.FILES  # noqa: B018
    settings.MAX_REQUEST_BYTES = 3 * MB
    request = RequestFactory().post(
        "/verify/x/", {"file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (2 * MB))}
    )
    uploaded = request.FILES["file"]
    assert isinstance(uploaded, UploadedFile) and uploaded.size == 2 * MB + 5
