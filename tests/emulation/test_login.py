from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from emulation.models import AuditEvent
from tests.factories import make_user

LOGIN = "/accounts/login/"


@pytest.fixture
def person(db: None) -> Any:
    return make_user("lanhdao1", full_name="Nguyễn Văn Hùng")


def test_sign_in_page_is_in_vietnamese_by_default_whatever_the_browser_says(client: Any) -> None:
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()
    assert "Đăng nhập" in response.content.decode()


def test_signing_in_goes_home_and_is_audited(client: Any, person: Any) -> None:
    response = client.post(LOGIN, {"username": "lanhdao1", "password": "demo12345"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    event = AuditEvent.objects.get(action="accounts.login")
    assert event.actor == person


def test_a_wrong_password_is_refused_with_a_message_and_audited(client: Any, person: Any) -> None:
    response = client.post(LOGIN, {"username": "lanhdao1", "password": "sai"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert AuditEvent.objects.get(action="accounts.login_failed").actor_label == "lanhdao1"


def test_repeated_failures_lock_the_account_for_that_address(client: Any, person: Any) -> None:
    for _ in range(5):
        client.post(LOGIN, {"username": "lanhdao1", "password": "sai"})
    response = client.post(LOGIN, {"username": "lanhdao1", "password": "demo12345"})
    assert response.status_code == 429
    assert "15 phút" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_unlock_a_locked_account(client: Any, person: Any) -> None:
    from django.core.management import call_command

    for _ in range(5):
        client.post(LOGIN, {"username": "lanhdao1", "password": "sai"})
    call_command("axes_reset_username", "lanhdao1")
    response = client.post(LOGIN, {"username": "lanhdao1", "password": "demo12345"})
    assert response.status_code == 302


def test_guesses_spread_over_addresses_still_lock_the_account(client: Any, person: Any) -> None:
    for number in range(5):
        client.post(
            LOGIN, {"username": "lanhdao1", "password": "sai"}, REMOTE_ADDR=f"10.0.0.{number + 1}"
        )
    response = client.post(
        LOGIN, {"username": "lanhdao1", "password": "demo12345"}, REMOTE_ADDR="10.0.0.99"
    )
    assert response.status_code == 429


def test_pages_need_sign_in(client: Any, db: None) -> None:
    response = client.get("/blocks/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_sign_out_is_a_post(client: Any, person: Any) -> None:
    client.force_login(person)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_changing_the_password_checks_the_old_one_and_is_audited(client: Any, person: Any) -> None:
    client.force_login(person)
    url = reverse("password_change")
    wrong = client.post(
        url,
        {
            "old_password": "x",
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert wrong.status_code == 200 and "invalid-feedback" in wrong.content.decode()
    right = client.post(
        url,
        {
            "old_password": "demo12345",
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert right.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Mat-khau-moi-2026")
    assert AuditEvent.objects.filter(action="accounts.password_changed", actor=person).exists()
