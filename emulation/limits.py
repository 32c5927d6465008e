"""The largest request body the site reads: the largest upload it accepts (20 MB, see
emulation.uploads) and a margin for the form's other fields. A body declared larger is refused
(413) before anything reads it; a body without a declared length (chunked) is read only up to
that limit, the upload handler stopping there. The reverse proxy should refuse the same bodies
first (nginx `client_max_body_size 25m`, see the README)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation

from emulation.uploads import DEFAULT_MAX_BYTES

FORM_MARGIN = 5 * 1024 * 1024
MAX_REQUEST_BYTES = DEFAULT_MAX_BYTES + FORM_MARGIN


def max_request_bytes() -> int:
    return int(getattr(settings, "MAX_REQUEST_BYTES", MAX_REQUEST_BYTES))


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads no body then either


class RequestSizeLimitMiddleware:
    """First of the middleware: answer 413 for a body declared larger than the limit, unread."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = max_request_bytes()
        if declared_length(request) > limit:
            # Rendered without the request, as the 400 and 500 pages are: nothing has run yet,
            # so the language is the cookie's (the account's is not known), Vietnamese otherwise.
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if language not in {code for code, _name in settings.LANGUAGES}:
                language = settings.LANGUAGE_CODE
            with translation.override(language):
                body = loader.render_to_string("413.html", {"limit": limit // (1024 * 1024)})
            # The middleware before this one add the other security headers; framing is
            # refused here, the middleware that would add its header coming later.
            return HttpResponse(
                body,
                status=413,
                headers={"Content-Language": language, "X-Frame-Options": settings.X_FRAME_OPTIONS},
            )
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """First of the upload handlers: stop reading a multipart body past the limit, whatever its
    declared length said."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_request_bytes():
            raise RequestDataTooBig("The request body is larger than the site accepts.")
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None
