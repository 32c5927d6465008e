"""Two-factor sign-in: a TOTP authenticator app plus one-time backup codes, kept in django-otp's
own tables (a `TOTPDevice` and a `StaticDevice` per person).

The kernel decides how a second factor works; the apps above it decide who must have one, by
registering predicates with `register_requirement` (the registry: council roles and unit leaders
of an authority that requires it). The kernel never imports them.
"""

from __future__ import annotations

import base64
import io
import re
import time
import unicodedata
from binascii import unhexlify
from collections.abc import Callable

import segno
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from emulation import audit
from emulation.errors import DomainError
from emulation.models import User

BACKUP_CODE_COUNT = 10
TOTP_PATTERN = re.compile(r"[0-9]{6}")
# django-otp's backup codes: eight characters of lower-case base32.
BACKUP_PATTERN = re.compile(r"[a-z2-7]{8}")

Requirement = Callable[[User], bool]
_requirements: list[Requirement] = []


def register_requirement(predicate: Requirement) -> None:
    """Let a higher app say who must use two-factor sign-in (called from its `AppConfig.ready`)."""
    if predicate not in _requirements:
        _requirements.append(predicate)


def site_administrator_requires_two_factor(user: User) -> bool:
    """Site administrators (staff, superusers) need two-factor sign-in when `REQUIRE_ADMIN_2FA`
    is on, as it is in production: they reach the Django admin and every account."""
    return bool(settings.REQUIRE_ADMIN_2FA) and (user.is_staff or user.is_superuser)


def two_factor_required(user: User | AnonymousUser) -> bool:
    """Whether any registered rule requires this person to sign in with a second factor."""
    if not user.is_authenticated or user.pk is None:
        return False
    return any(predicate(user) for predicate in _requirements)  # type: ignore[arg-type]


def has_device(user: User | AnonymousUser) -> bool:
    """Whether the person has a confirmed authenticator app (TOTP device)."""
    if not user.is_authenticated or user.pk is None:
        return False
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def verify_code(user: User, code: str) -> bool:
    """Whether `code` is the person's current authenticator code or one of their unused backup
    codes (a backup code is then used up). Spaces and dashes in what was typed are ignored."""
    return matching_device(user, code) is not None


def matching_device(user: User, code: str) -> Device | None:
    """The device that accepted `code`, or None (see `verify_code`).

    Devices are locked while checking, so one backup code cannot be spent twice at once, and an
    authenticator code cannot be replayed (django-otp remembers the last time step accepted).
    Each wrong code slows the device down (django-otp's throttling doubles the wait each time).
    """
    typed = normalise_code(code)
    if not user.is_authenticated or user.pk is None:
        return None
    with transaction.atomic():
        if TOTP_PATTERN.fullmatch(typed):
            for totp in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if totp.verify_token(typed):
                    return totp
        elif BACKUP_PATTERN.fullmatch(typed):
            for static in StaticDevice.objects.select_for_update().filter(
                user=user, confirmed=True
            ):
                if static.verify_token(typed):
                    return static
    return None


def normalise_code(code: str) -> str:
    """What was typed, as compared: full-width digits made plain, spaces and dashes removed."""
    text = unicodedata.normalize("NFKC", str(code or ""))
    return "".join(ch for ch in text if not ch.isspace() and ch != "-").lower()


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Enrolment -----------------------------------------------------------------------------------


def new_secret() -> str:
    """A fresh random TOTP key, hex-encoded as django-otp stores it (20 bytes, as RFC 4226 advises)."""
    return random_hex(20)


def secret_for_typing(key: str) -> str:
    """The key as an authenticator app asks for it: base32 in groups of four."""
    text = base64.b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user: User, key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key).config_url


def qr_data_uri(uri: str) -> str:
    """The QR code of `uri` as an SVG image in a base64 data URI, for an <img> (the page's CSP
    allows images from data: but no inline SVG markup or styles)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=2, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _accepted_step(key: str, code: str) -> int | None:
    """The time step at which `code` is the key's code (one step of clock drift either way)."""
    typed = normalise_code(code)
    if not TOTP_PATTERN.fullmatch(typed):
        return None
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    if not totp.verify(int(typed), tolerance=1):
        return None
    step: int = totp.t()
    return step


@transaction.atomic
def enable_two_factor(user: User, *, key: str, code: str) -> list[str]:
    """Turn on two-factor sign-in once the person proves their app holds `key` by typing its
    current code. Returns the ten new backup codes (shown once; only django-otp keeps them)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if has_device(user):
        raise DomainError(_("Two-factor sign-in is already on for your account."))
    step = _accepted_step(key, code)
    if step is None:
        raise DomainError(
            _("That code does not match. Check the time on your phone and type the newest code."),
            field="code",
        )
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(
        user=user, name=_("Authenticator app"), key=key, confirmed=True, last_t=step
    )
    codes = _replace_backup_codes(user)
    audit.record("accounts.two_factor.enabled", actor=user, obj=user)
    return codes


@transaction.atomic
def regenerate_backup_codes(user: User) -> list[str]:
    """Replace the person's backup codes with ten new ones; the old ones stop working."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not has_device(user):
        raise DomainError(_("Turn on two-factor sign-in first."))
    codes = _replace_backup_codes(user)
    audit.record("accounts.two_factor.backup_codes_regenerated", actor=user, obj=user)
    return codes


@transaction.atomic
def disable_two_factor(user: User, *, by: User, reason: str = "") -> None:
    """Turn off two-factor sign-in (the authenticator app and the backup codes). Refused while a
    rule requires the person to use it."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not has_device(user):
        raise DomainError(_("Two-factor sign-in is not on for this account."))
    if two_factor_required(user):
        raise DomainError(
            _(
                "Your role requires two-factor sign-in, so it cannot be turned off. To move it"
                " to a new phone, ask the administrator to reset it, then set it up again."
            )
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record("accounts.two_factor.disabled", actor=by, obj=user, reason=reason)


def _replace_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
    codes: list[str] = []
    while len(codes) < BACKUP_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in codes)
    return codes


def display_backup_code(code: str) -> str:
    """A backup code as shown: two groups of four ("abcd-efgh"); typed either way."""
    return f"{code[:4]}-{code[4:]}"
