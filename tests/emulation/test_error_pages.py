"""Errors answer in the site's layout and the person's language, and offer a way back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _reads_as_a_page(html: str, *phrases: str) -> None:
    assert '<nav class="navbar' in html  # the site's layout
    assert 'href="/"' in html  # a way back
    for phrase in phrases:
        assert phrase in html, phrase


def test_a_missing_page_says_so_in_vietnamese(client: Client) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 404
    _reads_as_a_page(response.content.decode(), "Không tìm thấy trang", "Về trang chủ")
    assert '<html lang="vi">' in response.content.decode()


def test_a_missing_page_says_so_in_english(client: Client) -> None:
    client.force_login(make_user("lan", preferred_language="en"))
    client.cookies["django_language"] = "en"
    response = client.get("/years/999999/")
    assert response.status_code == 404
    _reads_as_a_page(response.content.decode(), "Page not found", "Back to the home page")


def test_a_refused_page_explains_roles_to_someone_signed_in(client: Client) -> None:
    client.force_login(make_user("lan"))
    response = client.get(reverse("locked_accounts"))
    assert response.status_code == 403
    html = response.content.decode()
    _reads_as_a_page(html, "Bạn không có quyền truy cập trang này", "Lỗi 403")
    assert "403 Forbidden" not in html


def test_a_form_sent_with_a_stale_token_is_refused_in_the_layout(settings: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("lan"))
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    _reads_as_a_page(response.content.decode(), "Biểu mẫu đã hết hạn", "Không có gì được lưu")


def test_a_request_for_an_unknown_host_is_a_bad_request(client: Client) -> None:
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    _reads_as_a_page(response.content.decode(), "Yêu cầu không hợp lệ")


@pytest.mark.parametrize(("language", "phrase"), [("vi", "Đã xảy ra lỗi"), ("en", "went wrong")])
def test_a_server_error_page_needs_neither_the_request_nor_the_database(
    language: str, phrase: str, django_assert_num_queries: Any
) -> None:
    # Django renders 500.html without the request; the page must not query a database that may
    # be the cause of the error.
    request = RequestFactory().get("/")
    with translation.override(language), django_assert_num_queries(0):
        response = defaults.server_error(request)
    assert response.status_code == 500
    _reads_as_a_page(response.content.decode(), phrase)


def test_the_site_has_an_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    found = finders.find(response["Location"].removeprefix(settings.STATIC_URL))
    assert isinstance(found, str)
    assert Path(found).read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in client.get(reverse("login")).content.decode()
