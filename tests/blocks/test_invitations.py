"""Invitations not taken up: council staff see who has not set a password yet and send the link
again, all or none, audited; the new link works, and nobody else's is sent."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation

from blocks.imports import invitations, staging
from emulation.errors import DomainError
from emulation.models import AuditEvent, User
from tests.blocks.import_files import province
from tests.factories import World, make_authority, make_user


@pytest.fixture
def invited(world: World, django_capture_on_commit_callbacks: Any) -> list[User]:
    staged = staging.stage_import(
        world.authority, by=world.staff, name="tinh.xlsx", content=province(people=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    mail.outbox.clear()
    return list(User.objects.filter(username__startswith="qtuser").order_by("username"))


def test_the_waiting_list_holds_the_invited_without_a_password(
    world: World, invited: list[User]
) -> None:
    invited[0].set_password("Mật-khẩu-dài-2026")
    invited[0].save()
    waiting = list(invitations.waiting(world.authority))
    assert waiting == invited[1:]
    # The personas of the test world have passwords; another authority sees none of these.
    assert list(invitations.waiting(make_authority("Hội đồng khác"))) == []


def test_the_link_is_sent_again_audited_and_works(
    world: World, invited: list[User], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = invitations.resend_invitations(world.authority, invited[:2], by=world.staff)
    assert sent == invited[:2]
    assert sorted(m.to[0] for m in mail.outbox) == [p.email for p in invited[:2]]
    event = AuditEvent.objects.get(action="accounts.users.reinvited")
    assert event.actor == world.staff
    assert event.after == {"users": ["qtuser1", "qtuser2"]}
    body = str(mail.outbox[0].body)
    path = re.search(r"/accounts/invitation/\S+/", body)
    assert path is not None
    response = client.get(path.group(0))
    assert response.status_code == 302 and "set-password" in response["Location"]


def test_all_or_none_and_only_the_authoritys_waiting_people(
    world: World, invited: list[User]
) -> None:
    invited[1].set_password("Mật-khẩu-dài-2026")
    invited[1].save()
    with translation.override("en"), pytest.raises(DomainError, match="Nothing was sent"):
        invitations.resend_invitations(world.authority, invited, by=world.staff)
    stranger = make_user("stranger", email="stranger@example.vn")
    stranger.set_unusable_password()
    stranger.save()
    with pytest.raises(DomainError):
        invitations.resend_invitations(world.authority, [stranger], by=world.staff)
    invited[2].email = ""
    invited[2].save()
    with translation.override("en"), pytest.raises(DomainError, match="no e-mail"):
        invitations.resend_invitations(world.authority, [invited[2]], by=world.staff)
    with pytest.raises(DomainError):
        invitations.resend_invitations(world.authority, [], by=world.staff)
    assert not AuditEvent.objects.filter(action="accounts.users.reinvited").exists()
    assert mail.outbox == []


def test_only_council_staff_send_links(world: World, invited: list[User]) -> None:
    for person in (world.leader, world.secretariat):
        with pytest.raises(PermissionDenied):
            invitations.resend_invitations(world.authority, invited, by=person)


def test_the_page_lists_them_and_sends_to_those_ticked(
    world: World,
    invited: list[User],
    client: Client,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(world.staff)
    url = reverse("blocks:invitations_waiting")
    with django_assert_max_num_queries(13):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    for person in invited:
        assert person.username in text
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"item": [str(invited[2].pk), "x", "99999999999"]})
    assert done.status_code == 302
    assert [m.to for m in mail.outbox] == [[invited[2].email]]
