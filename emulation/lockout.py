"""The sign-in lockout (django-axes) beyond the sign-in form: a password typed again to confirm
an act (signing a covenant, replacing backup codes, turning two-factor sign-in off) counts toward
the same lockout as the sign-in form, and each wrong one is audited; and a successful sign-in
clears only the failures counted against that account.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from emulation import audit
from emulation.errors import DomainError
from emulation.models import User


def _credentials(user: User) -> dict[str, str]:
    return {"username": user.get_username()}


def locked_message() -> str:
    cool_off = get_cool_off()
    minutes = int(cool_off.total_seconds() // 60) if cool_off is not None else 0
    if minutes:
        return _(
            "Too many wrong passwords: your account is locked for %(minutes)d minutes. Try again"
            " later, or ask the Emulation Board to unlock it."
        ) % {"minutes": minutes}
    return _(
        "Too many wrong passwords: your account is locked. Ask the Emulation Board to unlock it."
    )


def is_locked(user: User, request: HttpRequest | None) -> bool:
    return request is not None and AxesProxyHandler.is_locked(request, _credentials(user))


def confirm_password(
    user: User, password: str, *, request: HttpRequest | None, field: str = "password"
) -> None:
    """Check a password typed again to confirm an act, or raise a `DomainError`.

    Call it outside any transaction that a refusal rolls back: a wrong password is counted
    toward the lockout and audited (who, and from which address; never what was typed), and
    both must stay. Once the account (or the address) is locked, even the right password is
    refused until the lockout ends. Without a request (commands, tests of services) the lockout
    is not counted, but the failure is still audited.
    """
    if is_locked(user, request):
        raise DomainError(locked_message(), field=field)
    if user.check_password(password):
        return
    record_failure(user, request, what="password")
    if is_locked(user, request):
        raise DomainError(locked_message(), field=field)
    raise DomainError(_("The password is not correct."), field=field)


def record_failure(user: User, request: HttpRequest | None, *, what: str) -> None:
    """Count a wrong password (or code) typed again by a signed-in person, and audit it."""
    if request is not None:
        user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
        # The person stays signed in: the act is refused with a message on its own page, not
        # replaced by the sign-in lockout page (django-axes' middleware would do that).
        request.axes_locked_out = False  # type: ignore[attr-defined]
    audit.record(
        "accounts.reentry_failed",
        actor=user,
        obj=user,
        after={"what": what},
        ip=audit.client_ip(request) if request is not None else None,
    )


@receiver(user_logged_in, dispatch_uid="emulation.lockout.clear_account_failures")
def clear_account_failures(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    """A successful sign-in clears the failures counted against the account (from any address),
    but not those of the address it came from: signing in to one's own account must not wipe
    the failures counted against someone else's from the same address."""
    AccessAttempt.objects.filter(username=user.get_username()).delete()
