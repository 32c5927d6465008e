"""E-mail: queued after the commit, one task per recipient, rendered in the recipient's language."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from emulation.mail import send_templated_mail
from emulation.models import User
from tests.factories import make_user

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

CONTEXT = {
    "title": "Giao ước thi đua năm 2026",
    "issuer_name": "Ban Tổ chức & Văn phòng",
    "code": "ABCDE-FGHJK",
    "verify_url": "https://thidua.example.gov.vn/verify/ABCDEFGHJK/",
}


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = IMMEDIATE
    settings.SITE_URL = "https://thidua.example.gov.vn"
    settings.DEFAULT_FROM_EMAIL = "thidua@example.gov.vn"


@pytest.fixture
def people(db: None) -> dict[str, User]:
    return {
        "vi": make_user("lan", full_name="Nguyễn Thị Lan", email="lan@example.vn"),
        "en": make_user(
            "minh", full_name="Trần Văn Minh", email="minh@example.vn", preferred_language="en"
        ),
        "none": make_user("khong", full_name="Không Có Thư", email=""),
    }


def notify(recipients: list[User]) -> None:
    send_templated_mail(template="document_issued", recipients=recipients, context=CONTEXT)


def test_mail_is_sent_only_after_the_transaction_commits(
    people: dict[str, User], mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify([people["vi"]])
            assert mailoutbox == []
        assert mailoutbox == []  # still inside the test's own transaction
    assert [message.to for message in mailoutbox] == [["lan@example.vn"]]


def test_no_mail_is_sent_when_the_transaction_rolls_back(
    people: dict[str, User], mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify([people["vi"], people["en"]])
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert mailoutbox == []


def test_each_recipient_reads_the_message_in_their_own_language(
    people: dict[str, User], mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify([people["vi"], people["en"]])
    by_address = {message.to[0]: message for message in mailoutbox}
    vietnamese, english = by_address["lan@example.vn"], by_address["minh@example.vn"]
    assert "Thi đua, khen thưởng khối, cụm thi đua" in vietnamese.body
    assert "Emulation and commendation of emulation blocks and clusters" in english.body
    assert '<html lang="vi">' in vietnamese.alternatives[0][0]
    assert '<html lang="en">' in english.alternatives[0][0]
    assert english.subject == "Document issued: Giao ước thi đua năm 2026"
    assert "Dear Trần Văn Minh," in english.body


def test_the_message_names_the_document_and_where_to_check_it(
    people: dict[str, User], mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify([people["en"]])
    (message,) = mailoutbox
    assert message.from_email == "thidua@example.gov.vn"
    assert "\n" not in message.subject
    # Plain text is not HTML-escaped; the HTML alternative is.
    assert "Ban Tổ chức & Văn phòng has issued “Giao ước thi đua năm 2026”" in message.body
    assert "ABCDE-FGHJK" in message.body
    assert "https://thidua.example.gov.vn/verify/ABCDEFGHJK/" in message.body
    assert "https://thidua.example.gov.vn\n" in message.body  # the signature's address
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Ban Tổ chức &amp; Văn phòng" in html
    assert '<a href="https://thidua.example.gov.vn/verify/ABCDEFGHJK/">' in html


def test_people_without_an_address_or_an_active_account_get_nothing(
    people: dict[str, User], mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    people["en"].is_active = False
    people["en"].save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        notify(list(people.values()))
    assert [message.to for message in mailoutbox] == [["lan@example.vn"]]


def test_a_context_that_cannot_travel_to_the_worker_fails_in_the_caller(
    people: dict[str, User],
) -> None:
    with pytest.raises(TypeError):
        send_templated_mail(
            template="document_issued", recipients=[people["vi"]], context={"user": people["en"]}
        )


# The worker opens its own transactions, as in production, so this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_worker_sends_what_was_queued(
    people: dict[str, User], mailoutbox: list[Any], settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        notify([people["vi"], people["en"]])
        assert DBTaskResult.objects.count() == 0  # nothing is queued before the commit
    assert DBTaskResult.objects.count() == 2
    assert mailoutbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert sorted(message.to[0] for message in mailoutbox) == [
        "lan@example.vn",
        "minh@example.vn",
    ]
