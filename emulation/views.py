from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from emulation import accounts, audit, otp
from emulation.forms import LoginForm, PasswordForm
from emulation.home import sections_for
from emulation.http import AuthedRequest


@require_safe
def home(request: AuthedRequest) -> HttpResponse:
    return render(request, "emulation/home.html", {"sections": sections_for(request)})


@login_not_required
@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the static icon."""
    return HttpResponseRedirect(static("favicon.ico"))


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the language: remembered on the account when signed in, in a cookie otherwise."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    user = request.user
    if user.is_authenticated and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


class LoginView(auth_views.LoginView):
    """Sign-in; every success and failure goes to the audit log (lockout is django-axes').
    With an authenticator app, the right password leads to a second step asking for its code."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_form(self, form_class: Any = None) -> Any:
        form: Any = super().get_form(form_class)
        # Django caps the username's length only in the browser; a longer one would reach
        # django-axes, whose record of the failure holds 255 characters at most.
        field = form.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))  # type: ignore[attr-defined]
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if otp.has_device(user):
            return accounts.begin_second_step(self.request, user, self.get_success_url())
        response = super().form_valid(form)
        audit.record("accounts.login", actor=user)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        # As typed, but printable: PostgreSQL refuses NUL in text, and the log is read by people.
        typed = str(form.data.get("username", ""))
        username = "".join(ch for ch in typed if ch.isprintable())[:150]
        audit.record("accounts.login_failed", actor=None, label=username)
        return super().form_invalid(form)


login = login_not_required(LoginView.as_view())
logout = auth_views.LogoutView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordForm
    success_url = reverse_lazy("password_change_done")

    def get_form(self, form_class: Any = None) -> Any:
        form: Any = super().get_form(form_class)
        form.request = self.request
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record("accounts.password_changed", actor=form.user, obj=form.user)
        return response


password_change = PasswordChangeView.as_view()
password_change_done = require_safe(auth_views.PasswordChangeDoneView.as_view())
