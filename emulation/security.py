"""Small middleware for the site's security rules: the Permissions-Policy header, and two-factor
sign-in where it is required."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from emulation import otp

# Powerful browser features the site never uses, switched off for it and anything it embeds.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class TwoFactorMiddleware:
    """Keep signed-in people within the two-factor rules.

    - Someone whose role requires two-factor sign-in and who has not set it up is sent to set it
      up from every page (except that page, signing out and switching the language).
    - A session signed in with the password alone for an account that has an authenticator
      (through another door, or before the app was set up elsewhere) is signed out.
    - The Django admin's own sign-in page is replaced by the site's, so there is one way in,
      with the second step and the audit log.

    The answer is cached for a few minutes per session, so pages run no extra queries (and the
    session is not written, which would push its expiry back).
    """

    CACHE_PREFIX = "emulation.two_factor_ok"
    RECHECK_SECONDS = 300

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def admin_login_path(self) -> str:
        return reverse("admin:login")

    @cached_property
    def exempt_paths(self) -> tuple[str, ...]:
        names = ["two_factor_setup", "logout", "set_language", "login", "login_verify"]
        return tuple(reverse(name) for name in names)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path == self.admin_login_path:
            query = urlencode({"next": request.GET.get("next") or reverse("admin:index")})
            return HttpResponseRedirect(f"{reverse('login')}?{query}")
        user = request.user
        if not user.is_authenticated or path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if cache.get(self._cache_key(request)):
            return self.get_response(request)
        if otp.has_device(user):
            if not getattr(user, "is_verified", lambda: False)():
                logout(request)
                messages.warning(
                    request, _("Sign in again with the code from your authenticator app.")
                )
                return self._redirect(request, f"{reverse('login')}?{urlencode({'next': path})}")
        elif otp.two_factor_required(user):
            if path in self.exempt_paths:
                return self.get_response(request)
            # The setup page says why (no message here: they would pile up over redirects).
            return self._redirect(request, reverse("two_factor_setup"))
        cache.set(self._cache_key(request), True, self.RECHECK_SECONDS)
        return self.get_response(request)

    @staticmethod
    def _redirect(request: HttpRequest, url: str) -> HttpResponse:
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)

    @classmethod
    def _cache_key(cls, request: HttpRequest) -> str:
        return f"{cls.CACHE_PREFIX}:{request.session.session_key}:{request.user.pk}"

    @classmethod
    def forget(cls, request: HttpRequest) -> None:
        """Check again on the next request (after two-factor sign-in was turned on or off)."""
        cache.delete(cls._cache_key(request))
