"""Passwords, sessions and unlocking locked-out accounts."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from emulation.models import AuditEvent, User
from tests.factories import make_user

LOGIN = "/accounts/login/"
LOCKED = "/accounts/locked/"


@pytest.fixture
def person(db: None) -> User:
    return make_user("lanhdao1", full_name="Nguyễn Văn Hùng")


# Passwords and sessions ----------------------------------------------------------------------


def test_a_new_password_needs_ten_characters(client: Any, person: User) -> None:
    client.force_login(person)
    short = "Qt-2026-ab"[:9]
    response = client.post(
        reverse("password_change"),
        {"old_password": "demo12345", "new_password1": short, "new_password2": short},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    person.refresh_from_db()
    assert person.check_password("demo12345")


def test_common_and_all_digit_passwords_are_refused(client: Any, person: User) -> None:
    client.force_login(person)
    for weak in ["password123", "1234567890123"]:
        response = client.post(
            reverse("password_change"),
            {"old_password": "demo12345", "new_password1": weak, "new_password2": weak},
        )
        assert "new_password2" in response.context["form"].errors, weak


def test_existing_demo_passwords_keep_working(client: Any, person: User) -> None:
    # The policy applies when a password is chosen in a form, not to passwords already set.
    response = client.post(LOGIN, {"username": "lanhdao1", "password": "demo12345"})
    assert response["Location"] == reverse("home")


def test_the_session_ends_with_the_browser_and_after_eight_hours(client: Any, person: User) -> None:
    response = client.post(LOGIN, {"username": "lanhdao1", "password": "demo12345"})
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == "", "a browser-session cookie"
    assert cookie["httponly"] is True
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 8 * 60 * 60


def test_a_username_with_control_characters_is_refused_and_recorded_without_them(
    client: Any, person: User
) -> None:
    response = client.post(LOGIN, {"username": "lanh\x00dao1\n", "password": "demo12345"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="accounts.login_failed").actor_label == "lanhdao1"


def test_an_overlong_username_is_refused_without_reaching_the_lockout_records(
    client: Any, person: User
) -> None:
    response = client.post(LOGIN, {"username": "x" * 5000, "password": "demo12345"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not AccessAttempt.objects.exists()


# Unlocking ----------------------------------------------------------------------------------


def lock_out(client: Any, username: str = "lanhdao1", address: str = "127.0.0.1") -> None:
    for _ in range(5):
        client.post(LOGIN, {"username": username, "password": "sai"}, REMOTE_ADDR=address)


@pytest.fixture
def site_admin(db: None) -> User:
    return make_user("quantri", is_staff=True, full_name="Quản trị hệ thống")


def test_administrators_see_who_is_locked_out_and_from_where(
    client: Any, person: User, site_admin: User
) -> None:
    lock_out(client)
    client.post(LOGIN, {"username": "lanhdao2", "password": "sai"}, REMOTE_ADDR="10.0.0.7")
    client.force_login(site_admin)
    response = client.get(LOCKED)
    rows = response.context["lockouts"]
    assert [(r["username"], r["ip_address"], r["failures"]) for r in rows] == [
        ("lanhdao1", None, 5)
    ], "one failure is not a lockout; the account is locked from every address"
    assert rows[0]["addresses"] == ["127.0.0.1"]
    assert rows[0]["person"] == person
    assert "Nguyễn Văn Hùng" in response.content.decode()


def test_an_administrator_unlocks_an_account_and_it_is_audited(
    client: Any, person: User, site_admin: User
) -> None:
    lock_out(client)
    assert client.post(LOGIN, {"username": "lanhdao1", "password": "demo12345"}).status_code == 429
    client.force_login(site_admin)
    response = client.post(LOCKED, {"username": "lanhdao1", "ip_address": "127.0.0.1"})
    assert response["Location"] == LOCKED
    assert not AccessAttempt.objects.filter(username="lanhdao1").exists()
    event = AuditEvent.objects.get(action="accounts.unlocked")
    assert (event.actor, event.object_id) == (site_admin, str(person.pk))
    assert event.after == {"username": "lanhdao1", "ip_address": None}
    client.post(reverse("logout"))
    signed_in = client.post(LOGIN, {"username": "lanhdao1", "password": "demo12345"})
    assert signed_in["Location"] == reverse("home")


def test_an_account_locked_from_two_addresses_is_unlocked_from_both(
    client: Any, person: User, site_admin: User
) -> None:
    lock_out(client, address="10.0.0.1")
    lock_out(client, address="10.0.0.2")
    client.force_login(site_admin)
    [row] = client.get(LOCKED).context["lockouts"]
    assert (row["username"], row["failures"], row["addresses"]) == (
        "lanhdao1",
        10,
        ["10.0.0.1", "10.0.0.2"],
    )
    client.post(LOCKED, {"username": "lanhdao1", "ip_address": ""})
    assert client.get(LOCKED).context["lockouts"] == []


def test_an_address_that_guessed_at_many_accounts_is_locked_and_unlocked_on_its_own(
    client: Any, person: User, site_admin: User
) -> None:
    for number in range(5):
        client.post(
            LOGIN, {"username": f"khach{number}", "password": "sai"}, REMOTE_ADDR="10.0.0.3"
        )
    refused = client.post(
        LOGIN, {"username": "lanhdao1", "password": "demo12345"}, REMOTE_ADDR="10.0.0.3"
    )
    assert refused.status_code == 429, "the address is locked, whatever account it tries"
    client.force_login(site_admin)
    [row] = client.get(LOCKED).context["lockouts"]
    assert (row["username"], row["ip_address"], row["failures"]) == (None, "10.0.0.3", 6)
    client.post(LOCKED, {"username": "", "ip_address": "10.0.0.3"})
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.get(action="accounts.unlocked").after == {
        "username": "",
        "ip_address": "10.0.0.3",
    }


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"username": "lanhdao1", "ip_address": "not an address"},
        {"username": "lanhdao1", "ip_address": "' OR 1=1 --"},
        {"username": "x" * 5000, "ip_address": "::1"},
        {"username": "lanhdao1\x00", "ip_address": "127.0.0.1"},
        {"username": "lanhdao1", "ip_address": "127.0.0.1\x00"},
    ],
)
def test_unlocking_nothing_or_nonsense_changes_nothing(
    client: Any, person: User, site_admin: User, data: dict[str, str]
) -> None:
    lock_out(client)
    client.force_login(site_admin)
    response = client.post(LOCKED, data)
    assert response.status_code == 302
    assert AccessAttempt.objects.filter(username="lanhdao1").exists()
    assert not AuditEvent.objects.filter(action="accounts.unlocked").exists()


def test_council_staff_without_the_admin_flag_cannot_unlock(client: Any, person: User) -> None:
    staff = make_user("bantdkt")
    lock_out(client)
    client.force_login(staff)
    assert client.get(LOCKED).status_code == 403
    assert (
        client.post(LOCKED, {"username": "lanhdao1", "ip_address": "127.0.0.1"}).status_code == 403
    )
    assert AccessAttempt.objects.filter(username="lanhdao1").exists()
