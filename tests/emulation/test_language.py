from __future__ import annotations

from typing import Any

from tests.factories import make_user


def test_the_switch_remembers_english_on_the_account(client: Any, db: None) -> None:
    person = make_user()
    client.force_login(person)
    response = client.post("/language/", {"language": "en", "next": "/blocks/"})
    assert response.status_code == 302 and response["Location"] == "/blocks/"
    person.refresh_from_db()
    assert person.preferred_language == "en"
    page = client.get("/blocks/").content.decode()
    assert '<html lang="en">' in page
    assert "Emulation blocks and clusters" in page


def test_before_sign_in_the_choice_is_kept_in_a_cookie(client: Any, db: None) -> None:
    client.post("/language/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page


def test_an_unknown_language_or_a_foreign_next_address_is_ignored(client: Any, db: None) -> None:
    response = client.post("/language/", {"language": "fr", "next": "https://example.com/"})
    assert response["Location"] == "/"
    assert "language" not in response.cookies


def test_the_account_preference_wins_over_the_cookie(client: Any, db: None) -> None:
    person = make_user(preferred_language="vi")
    client.cookies["language"] = "en"
    client.force_login(person)
    assert '<html lang="vi">' in client.get("/").content.decode()
