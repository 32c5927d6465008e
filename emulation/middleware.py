from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from emulation.audit import client_ip, request_ip
from emulation.issued import AlteredDocument, DocumentPending


class RequestContextMiddleware:
    """Activate the language the person chose (their account's preference once signed in, the
    language cookie before that, Vietnamese otherwise; never the browser's own language) and
    remember the client address for the audit log while the request is served.

    An issued document whose stored file is not the document as issued is refused here, with a
    page that says so (409: the stored file conflicts with its record)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.known = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = None
        if user is not None and user.is_authenticated:
            language = user.preferred_language
        if language not in self.known:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.known:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        token = request_ip.set(client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            request_ip.reset(token)
        response.headers.setdefault("Content-Language", language)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AlteredDocument):
            return render(
                request,
                "emulation/altered_document.html",
                {"code": exception.issued.display_code},
                status=409,
            )
        if isinstance(exception, DocumentPending):
            response = render(
                request,
                "emulation/document_pending.html",
                {"issued": exception.issued},
                status=503,
            )
            response["Retry-After"] = "5"
            return response
        return None
