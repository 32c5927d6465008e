"""Account security screens: the second sign-in step, setting up two-factor sign-in, backup
codes, and unlocking locked-out accounts. The rules themselves live in `emulation.otp`."""

from __future__ import annotations

import re
import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_lockout_response
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_ipv46_address
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from emulation import audit, lockout, otp
from emulation.errors import DomainError
from emulation.forms import Form, post_data
from emulation.http import AuthedRequest
from emulation.models import User
from emulation.security import TwoFactorMiddleware

PENDING_KEY = "emulation.login_pending"
SECRET_KEY = "emulation.two_factor_secret"
# How long the second step waits for the code after the password was accepted.
PENDING_SECONDS = 5 * 60

GET_POST = ["GET", "HEAD", "POST"]


class CodeForm(Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        help_text=gettext_lazy(
            "The 6-digit code from your authenticator app, or one of your backup codes."
        ),
        # Not inputmode="numeric": backup codes have letters.
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class PasswordForm(Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: AuthedRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user

    def clean_password(self) -> str:
        """The password typed again: a wrong one counts toward the sign-in lockout and is
        audited; once locked, even the right one is refused until the lockout ends."""
        password: str = self.cleaned_data["password"]
        try:
            lockout.confirm_password(self.user, password, request=self.request)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        return password


class DisableForm(PasswordForm):
    code = CodeForm.base_fields["code"]

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        # Only with the right password, so a wrong password does not use up a backup code.
        if "password" in self.cleaned_data and not otp.verify_code(self.user, code):
            lockout.record_failure(self.user, self.request, what="code")
            raise forms.ValidationError(_("That code is not right."))
        return code


# Signing in: the second step ------------------------------------------------------------------


def begin_second_step(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """The password was right and the person has an authenticator: remember who is signing in
    (not signed in yet) and ask for the code."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "hash": user.get_session_auth_hash(),
        "at": int(time.time()),
        "next": next_url,
    }
    return redirect("login_verify")


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The person half-way through signing in, while the second step is still open."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    user_id = data.get("user")
    user = (
        User.objects.filter(pk=user_id, is_active=True).first()
        if isinstance(user_id, int)
        else None
    )
    fresh = 0 <= time.time() - float(data.get("at", 0)) < PENDING_SECONDS
    if (
        user is None
        or not fresh
        or data.get("backend") not in settings.AUTHENTICATION_BACKENDS
        or data.get("hash") != user.get_session_auth_hash()
    ):
        request.session.pop(PENDING_KEY, None)
        messages.warning(request, _("The sign-in timed out. Sign in again."))
        return None
    return user, data


@login_not_required
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(GET_POST)
def login_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the authenticator code (or a backup code) before signing the person in. A wrong
    code counts as a failed sign-in, so the lockout after repeated failures applies here too."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    pending = _pending(request)
    if pending is None:
        return redirect("login")
    user, data = pending
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING_KEY, None)
        return get_lockout_response(request, None, credentials)
    form = CodeForm(post_data(request))
    if request.method == "POST" and form.is_valid():
        device = otp.matching_device(user, form.cleaned_data["code"])
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            user.otp_device = device  # type: ignore[attr-defined]  # django-otp keeps it in the session
            auth_login(request, user, backend=data["backend"])
            audit.record("accounts.login", actor=user, reason="second factor")
            return redirect(data["next"])
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        audit.record(
            "accounts.login_failed",
            actor=None,
            label=user.get_username(),
            reason="second factor",
        )
        if getattr(request, "axes_locked_out", False):
            # django-axes' middleware answers with the lockout page.
            request.session.pop(PENDING_KEY, None)
        form.add_error(
            "code",
            _(
                "That code is not right. Type the newest code from your app, or a backup code;"
                " after a wrong code, wait a few seconds before the next try."
            ),
        )
    return render(request, "registration/two_factor_verify.html", {"form": form})


# Setting up two-factor sign-in ------------------------------------------------------------------


def _enrolment_secret(request: HttpRequest) -> str:
    """The key being set up, kept in the session until the person confirms it with a code."""
    key = request.session.get(SECRET_KEY)
    if not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{40}", key):
        key = otp.new_secret()
        request.session[SECRET_KEY] = key
    return key


def _show_codes(request: HttpRequest, codes: list[str], *, new_setup: bool) -> HttpResponse:
    return render(
        request,
        "registration/two_factor_backup_codes.html",
        {"codes": [otp.display_backup_code(c) for c in codes], "new_setup": new_setup},
    )


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(GET_POST)
def two_factor_setup(request: AuthedRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a code, and
    receive ten backup codes, shown once. When already on, show its state and what can be done."""
    user = request.user
    if otp.has_device(user):
        if request.method == "POST":
            return redirect("two_factor_setup")
        return render(
            request,
            "registration/two_factor_status.html",
            {
                "codes_left": otp.backup_codes_left(user),
                "required": otp.two_factor_required(user),
            },
        )
    key = _enrolment_secret(request)
    form = CodeForm(post_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            codes = otp.enable_two_factor(user, key=key, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            request.session.pop(SECRET_KEY, None)
            otp_login(request, TOTPDevice.objects.get(user=user, confirmed=True))
            TwoFactorMiddleware.forget(request)
            messages.success(request, _("Two-factor sign-in is on."))
            return _show_codes(request, codes, new_setup=True)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_code": otp.qr_data_uri(otp.provisioning_uri(user, key)),
            "secret": otp.secret_for_typing(key),
            "required": otp.two_factor_required(user),
        },
    )


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(GET_POST)
def two_factor_backup_codes(request: AuthedRequest) -> HttpResponse:
    """Replace the backup codes (after the password is typed again); the old ones stop working."""
    user = request.user
    if not otp.has_device(user):
        return redirect("two_factor_setup")
    form = PasswordForm(post_data(request), request=request)
    if request.method == "POST" and form.is_valid():
        return _show_codes(request, otp.regenerate_backup_codes(user), new_setup=False)
    return render(
        request,
        "registration/two_factor_regenerate.html",
        {"form": form, "codes_left": otp.backup_codes_left(user)},
    )


@never_cache
@sensitive_post_parameters("password", "code")
@require_http_methods(GET_POST)
def two_factor_disable(request: AuthedRequest) -> HttpResponse:
    """Turn two-factor sign-in off, with the password and a code; not while a role requires it."""
    user = request.user
    if not otp.has_device(user):
        return redirect("two_factor_setup")
    required = otp.two_factor_required(user)
    form = DisableForm(post_data(request), request=request)
    if request.method == "POST" and form.is_valid():
        try:
            otp.disable_two_factor(user, by=user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            TwoFactorMiddleware.forget(request)
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two_factor_setup")
    return render(
        request, "registration/two_factor_disable.html", {"form": form, "required": required}
    )


# Unlocking locked-out accounts -----------------------------------------------------------------


def lockouts() -> list[dict[str, Any]]:
    """Current lockouts, counted as the lockout counts them (emulation.lockout): accounts with
    enough failures within the cool-off, from whatever addresses, then addresses with enough
    failures at accounts that are not locked themselves (guesses at many accounts)."""
    attempts = AccessAttempt.objects.all()
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    limit = settings.AXES_FAILURE_LIMIT
    accounts: dict[str, dict[str, Any]] = {}
    addresses: dict[str, dict[str, Any]] = {}
    rows = list(
        attempts.values("username", "ip_address", "failures_since_start", "attempt_time").order_by(
            "attempt_time"
        )
    )
    for row in rows:
        for key, table in ((row["username"], accounts), (row["ip_address"], addresses)):
            if not key:
                continue
            entry = table.setdefault(key, {"failures": 0, "addresses": [], "usernames": []})
            entry["failures"] += row["failures_since_start"]
            entry["last"] = row["attempt_time"]
            if row["ip_address"] and row["ip_address"] not in entry["addresses"]:
                entry["addresses"].append(row["ip_address"])
            if row["username"] and row["username"] not in entry["usernames"]:
                entry["usernames"].append(row["username"])
    locked = {name for name, entry in accounts.items() if entry["failures"] >= limit}
    result = [{"username": name, "ip_address": None, **accounts[name]} for name in sorted(locked)]
    for address, entry in addresses.items():
        others = sum(
            row["failures_since_start"]
            for row in rows
            if row["ip_address"] == address and row["username"] not in locked
        )
        if others >= limit:
            result.append({"username": None, "ip_address": address, **entry, "failures": others})
    result.sort(key=lambda row: row["last"], reverse=True)
    people = {u.username: u for u in User.objects.filter(username__in=locked)}
    for row in result:
        row["person"] = people.get(row["username"])
        row["until"] = row["last"] + cool_off if cool_off is not None else None
    return result


def _ip_address(value: str) -> str | None:
    """The address as stored (None when empty), or "invalid" for text that is not one."""
    if not value:
        return None
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return "invalid"
    return value


@never_cache
@require_http_methods(GET_POST)
def locked_accounts(request: AuthedRequest) -> HttpResponse:
    """Accounts locked after repeated failed sign-ins, for the administrators to unlock."""
    user = request.user
    if not (user.is_superuser or user.is_staff):
        raise PermissionDenied
    if request.method == "POST":
        username = request.POST.get("username", "")[:255]
        ip_address = _ip_address(request.POST.get("ip_address", ""))
        removed = 0
        # A username is printable; PostgreSQL would refuse a NUL in the query. An account is
        # unlocked from every address; an address for every account.
        if ip_address == "invalid":
            pass
        elif username:
            if username.isprintable():
                removed, _by_model = AccessAttempt.objects.filter(username=username).delete()
            ip_address = None
        elif ip_address:
            removed, _by_model = AccessAttempt.objects.filter(ip_address=ip_address).delete()
        if removed:
            person = User.objects.filter(username=username).first()
            audit.record(
                "accounts.unlocked",
                actor=user,
                obj=person,
                after={"username": username, "ip_address": ip_address},
            )
            messages.success(
                request,
                _("%(username)s can sign in again.") % {"username": username or ip_address},
            )
        else:
            messages.info(request, _("That account was not locked (any more)."))
        return redirect("locked_accounts")
    return render(request, "emulation/accounts_locked.html", {"lockouts": lockouts()})
