"""The client's real address behind a proxy, re-entered passwords counted toward the lockout,
and two-factor sign-in for site administrators."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from covenants.models import Signature
from emulation import otp
from emulation.addresses import client_address
from emulation.models import AuditEvent, User
from tests.factories import World, make_covenant, make_user
from tests.security.samples import totp_code

LOGIN = "/accounts/login/"
PROXY = "10.9.0.2"


@pytest.fixture
def person(db: None) -> User:
    return make_user("lanhdao1", full_name="Nguyễn Văn Hùng")


def address_of(remote: str, forwarded: str | None = None) -> str | None:
    extra: dict[str, Any] = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


# One answer for the client's address --------------------------------------------------------


def test_nobody_is_trusted_by_default_so_the_header_is_ignored(settings: Any) -> None:
    assert settings.TRUSTED_PROXIES == []
    assert address_of("198.51.100.4", "203.0.113.9") == "198.51.100.4"


def test_a_trusted_proxy_is_believed_and_the_rightmost_untrusted_address_is_the_client(
    settings: Any,
) -> None:
    settings.TRUSTED_PROXIES = ["10.9.0.0/24", "192.0.2.1"]
    assert address_of(PROXY, "203.0.113.9") == "203.0.113.9"
    # What the client wrote itself is to the left of the address the proxy saw.
    assert address_of(PROXY, "1.2.3.4, 203.0.113.9") == "203.0.113.9"
    # A chain of trusted proxies is walked through.
    assert address_of(PROXY, "203.0.113.9, 192.0.2.1") == "203.0.113.9"
    assert address_of(PROXY, "203.0.113.9:51234") == "203.0.113.9"
    assert address_of(PROXY, "[2001:db8::7]:443") == "2001:db8::7"
    # Nothing usable: the proxy's own address, never text the client chose.
    assert address_of(PROXY, "") == PROXY
    assert address_of(PROXY, "not-an-address") == PROXY
    assert address_of(PROXY, "evil, 192.0.2.1") == PROXY
    # A client that is not a trusted proxy cannot choose its address.
    assert address_of("198.51.100.4", "203.0.113.9") == "198.51.100.4"


def test_a_spoofed_header_from_an_untrusted_client_is_ignored_in_the_audit_and_lockout(
    client: Any, person: User, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    for _ in range(5):
        client.post(
            LOGIN,
            {"username": "khach", "password": "sai"},
            REMOTE_ADDR="198.51.100.4",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.4"}
    assert set(
        AuditEvent.objects.filter(action="accounts.login_failed").values_list("ip", flat=True)
    ) == {"198.51.100.4"}
    # The address it tried to pose as is not locked out; its own is.
    victim = client.post(
        LOGIN, {"username": "lanhdao1", "password": "demo12345"}, REMOTE_ADDR="203.0.113.9"
    )
    assert victim.status_code == 302
    client.post(reverse("logout"))
    hidden = client.post(
        LOGIN,
        {"username": "lanhdao1", "password": "demo12345"},
        REMOTE_ADDR="198.51.100.4",
        HTTP_X_FORWARDED_FOR="203.0.113.77",
    )
    assert hidden.status_code == 429


def test_behind_a_trusted_proxy_the_client_is_recorded_and_locked_out_not_the_proxy(
    client: Any, person: User, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    for _ in range(5):
        client.post(
            LOGIN,
            {"username": "khach", "password": "sai"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    assert AuditEvent.objects.filter(action="accounts.login_failed", ip="203.0.113.9").count() == 5
    other_client = client.post(
        LOGIN,
        {"username": "lanhdao1", "password": "demo12345"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert other_client.status_code == 302, "everyone else behind the proxy still signs in"
    assert AuditEvent.objects.get(action="accounts.login").ip == "198.51.100.20"


def test_guesses_from_many_addresses_behind_the_proxy_lock_the_account(
    client: Any, person: User, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    for number in range(5):
        client.post(
            LOGIN,
            {"username": "lanhdao1", "password": "sai"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number + 1}",
        )
    response = client.post(
        LOGIN,
        {"username": "lanhdao1", "password": "demo12345"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 429


def test_signing_in_to_ones_own_account_does_not_clear_guesses_at_another(
    client: Any, person: User
) -> None:
    make_user("khach")
    for _round in range(3):
        for _ in range(2):
            client.post(LOGIN, {"username": "lanhdao1", "password": "sai"})
        client.post(LOGIN, {"username": "khach", "password": "demo12345"})
        client.post(reverse("logout"))
    assert client.post(LOGIN, {"username": "lanhdao1", "password": "demo12345"}).status_code == 429


# Passwords typed again ----------------------------------------------------------------------


def sign_page(world: World) -> tuple[Any, str]:
    document = make_covenant(world, status="signing")
    return document, reverse("covenants:covenant_sign", args=[document.pk])


def test_a_wrong_password_when_signing_is_audited_and_counted(
    client: Any, world: World, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    _document, url = sign_page(world)
    client.force_login(world.leader)
    response = client.post(
        url,
        {"unit": world.units[2].pk, "password": "doan-mo-123", "confirm": "on"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    event = AuditEvent.objects.get(action="accounts.reentry_failed")
    assert (event.actor, event.object_id, event.ip) == (
        world.leader,
        str(world.leader.pk),
        "203.0.113.9",
    )
    assert "doan-mo-123" not in str(event.after) + event.reason
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == (world.leader.username, "203.0.113.9")
    assert "doan-mo-123" not in attempt.post_data
    assert not Signature.objects.exists()


def test_after_the_limit_signing_is_refused_even_with_the_right_password(
    client: Any, world: World
) -> None:
    _document, url = sign_page(world)
    client.force_login(world.leader)
    for _ in range(5):
        response = client.post(url, {"unit": world.units[2].pk, "password": "sai", "confirm": "on"})
        assert response.status_code == 200, "the signing page answers, not the sign-in lockout"
    right = client.post(url, {"unit": world.units[2].pk, "password": "demo12345", "confirm": "on"})
    assert right.status_code == 200
    said = str(right.context["form"].errors["password"])
    assert "locked" in said or "tạm khóa" in said  # in the person's language
    assert not Signature.objects.exists()
    assert AuditEvent.objects.filter(action="accounts.reentry_failed").count() == 5
    # The lockout is the sign-in's own: signing in is refused too, until it ends.
    client.post(reverse("logout"))
    signed_in = client.post(LOGIN, {"username": world.leader.username, "password": "demo12345"})
    assert signed_in.status_code == 429
    AccessAttempt.objects.all().delete()
    client.force_login(world.leader)
    assert (
        client.post(
            url, {"unit": world.units[2].pk, "password": "demo12345", "confirm": "on"}
        ).status_code
        == 302
    )
    assert Signature.objects.filter(signer=world.leader).exists()


def test_a_password_typed_again_for_backup_codes_counts_toward_the_lockout(
    client: Any, person: User
) -> None:
    key = otp.new_secret()
    otp.enable_two_factor(person, key=key, code=totp_code(key))
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(person)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=person).persistent_id
    session.save()
    url = reverse("two_factor_backup_codes")
    for _ in range(5):
        client.post(url, {"password": "sai"})
    assert AuditEvent.objects.filter(action="accounts.reentry_failed").count() == 5
    right = client.post(url, {"password": "demo12345"})
    said = str(right.context["form"].errors["password"])
    assert "locked" in said or "tạm khóa" in said  # in the person's language
    assert otp.backup_codes_left(person) == 10


def test_the_current_password_when_changing_it_counts_toward_the_lockout(
    client: Any, person: User
) -> None:
    client.force_login(person)
    data = {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"}
    for _ in range(5):
        client.post(reverse("password_change"), {"old_password": "sai", **data})
    right = client.post(reverse("password_change"), {"old_password": "demo12345", **data})
    assert "old_password" in right.context["form"].errors
    person.refresh_from_db()
    assert person.check_password("demo12345")


# Two-factor sign-in for site administrators -------------------------------------------------


@pytest.fixture
def site_admin(db: None) -> User:
    return make_user("quantri", is_staff=True, is_superuser=True)


def test_in_production_an_administrator_without_a_device_is_sent_to_set_one_up(
    client: Any, site_admin: User, settings: Any
) -> None:
    settings.REQUIRE_ADMIN_2FA = True
    client.force_login(site_admin)
    for path in ["/admin/", "/admin/emulation/user/", reverse("locked_accounts")]:
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (
            302,
            reverse("two_factor_setup"),
        ), path
    setup = client.get(reverse("two_factor_setup"))
    assert setup.status_code == 200
    assert setup.context["qr_code"].startswith("data:image/svg+xml;base64,")


def test_an_administrator_with_a_verified_code_reaches_the_admin(
    client: Any, site_admin: User, settings: Any
) -> None:
    settings.REQUIRE_ADMIN_2FA = True
    client.force_login(site_admin)
    setup = client.get(reverse("two_factor_setup"))
    key = client.session["emulation.two_factor_secret"]
    assert setup.status_code == 200
    client.post(reverse("two_factor_setup"), {"code": totp_code(key)})
    assert otp.has_device(site_admin)
    assert client.get("/admin/").status_code == 200


def test_an_administrator_signed_in_with_the_password_alone_is_signed_out(
    client: Any, site_admin: User, settings: Any
) -> None:
    settings.REQUIRE_ADMIN_2FA = True
    key = otp.new_secret()
    otp.enable_two_factor(site_admin, key=key, code=totp_code(key))
    client.force_login(site_admin)  # no code given
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_with_the_setting_off_the_demo_administrator_signs_in_with_a_password(
    client: Any, site_admin: User, settings: Any
) -> None:
    settings.REQUIRE_ADMIN_2FA = False
    signed_in = client.post(LOGIN, {"username": "quantri", "password": "demo12345"})
    assert signed_in.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_setting_is_on_unless_debug() -> None:
    import importlib
    import os

    from emulation import settings as module

    saved = {name: os.environ.get(name) for name in ("DEBUG", "REQUIRE_ADMIN_2FA")}
    try:
        os.environ.pop("REQUIRE_ADMIN_2FA", None)
        os.environ["DEBUG"] = "0"
        assert importlib.reload(module).REQUIRE_ADMIN_2FA is True
        os.environ["DEBUG"] = "1"
        assert importlib.reload(module).REQUIRE_ADMIN_2FA is False
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        importlib.reload(module)
