"""The secretariat opens every draft for comments, and adopts every document whose comments are
answered, with one confirmation: each document goes through the same service as one by one
(audited and mailed as such), all or none, and a second click changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from covenants import services
from covenants.models import Document
from emulation.errors import DomainError
from emulation.models import AuditEvent, User
from tests.factories import COVENANT_TEXT, World, make_covenant

LATER = timezone.localdate() + datetime.timedelta(days=10)


@pytest.fixture(autouse=True)
def _english(world: World) -> Iterator[None]:
    User.objects.update(preferred_language="en")
    with translation.override("en"):
        yield


@pytest.fixture
def drafts(world: World) -> list[Document]:
    """The covenant and the rules, both drafts."""
    rules = services.create_document(
        world.block_year,
        by=world.secretariat,
        kind=Document.Kind.RULES,
        title="Quy chế hoạt động năm 2026",
        **COVENANT_TEXT,
    )
    return [make_covenant(world), rules]


def statuses(documents: list[Document]) -> list[str]:
    return [Document.objects.get(pk=d.pk).status for d in documents]


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def listed(response: Any) -> list[int]:
    html = response.content.decode()
    return sorted(int(c.split('"', 1)[0]) for c in html.split('name="item" value="')[1:])


def test_the_list_offers_both_actions_to_the_secretariat_only(
    world: World, drafts: list[Document], client: Any
) -> None:
    url = reverse("covenants:document_list", args=[world.block_year.pk])
    client.force_login(world.secretariat)
    html = client.get(url).content.decode()
    assert "Open 2 drafts for comments" in html and "Adopt 2 documents" in html
    client.force_login(world.leader)
    html = client.get(url).content.decode()
    assert "drafts for comments" not in html and "Adopt" not in html


def test_one_confirmation_opens_every_draft_each_audited_and_mailed(
    world: World,
    drafts: list[Document],
    client: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    world.leader.email = "donvi3@example.vn"
    world.leader.save(update_fields=["email"])
    client.force_login(world.secretariat)
    url = reverse("covenants:documents_consult", args=[world.block_year.pk])
    ids = listed(client.get(url))
    assert ids == sorted(d.pk for d in drafts)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, {"item": ids, "until": LATER.isoformat()}, follow=True)
    assert "2 documents are open for comments" in page.content.decode()
    assert statuses(drafts) == [Document.Status.CONSULTATION] * 2
    assert {Document.objects.get(pk=d.pk).consultation_until for d in drafts} == {LATER}
    assert events("covenants.document.consultation") == 2
    assert [m.to[0] for m in mailoutbox] == ["donvi3@example.vn"] * 2


def test_a_past_closing_date_opens_nothing(
    world: World, drafts: list[Document], client: Any
) -> None:
    client.force_login(world.secretariat)
    url = reverse("covenants:documents_consult", args=[world.block_year.pk])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ids = listed(client.get(url))
    page = client.post(url, {"item": ids, "until": yesterday.isoformat()}, follow=True)
    assert "The closing date has already passed." in page.content.decode()
    assert statuses(drafts) == [Document.Status.DRAFT] * 2
    assert events("covenants.document.consultation") == 0


def test_a_comment_waiting_stops_the_adoption_of_all_and_names_the_document(
    world: World, drafts: list[Document]
) -> None:
    covenant, rules = drafts
    services.open_consultation(covenant, by=world.secretariat, until=LATER)
    services.add_comment(covenant, world.units[2], by=world.leader, text="Đề nghị bổ sung.")
    with pytest.raises(DomainError, match=f"{covenant.title}: Answer every comment"):
        services.adopt_documents([rules, covenant], by=world.secretariat)
    assert statuses(drafts) == [Document.Status.CONSULTATION, Document.Status.DRAFT]
    assert events("covenants.document.adopted") == 0


def test_the_confirmation_leaves_out_a_document_with_a_comment_waiting(
    world: World, drafts: list[Document], client: Any
) -> None:
    covenant, rules = drafts
    services.open_consultation(covenant, by=world.secretariat, until=LATER)
    services.add_comment(covenant, world.units[2], by=world.leader, text="Đề nghị bổ sung.")
    client.force_login(world.secretariat)
    page = client.get(reverse("covenants:documents_adopt", args=[world.block_year.pk]))
    assert listed(page) == [rules.pk]


def test_a_second_click_adopts_nothing_more(
    world: World, drafts: list[Document], client: Any
) -> None:
    client.force_login(world.secretariat)
    url = reverse("covenants:documents_adopt", args=[world.block_year.pk])
    ids = listed(client.get(url))
    first = client.post(url, {"item": ids}, follow=True)
    assert "2 documents were adopted" in first.content.decode()
    again = client.post(url, {"item": ids}, follow=True).content.decode()
    assert "It is no longer waiting to be adopted. No document was adopted." in again
    assert statuses(drafts) == [Document.Status.ADOPTED] * 2
    assert events("covenants.document.adopted") == 2
    assert all(v.sha256 for d in drafts for v in Document.objects.get(pk=d.pk).versions.all())


def test_a_document_of_another_year_is_never_touched(
    world: World, drafts: list[Document], client: Any
) -> None:
    other = services.create_document(
        world.other_block.years.get(),
        by=world.admin,
        kind=Document.Kind.RULES,
        title="Quy chế khối khác",
        **COVENANT_TEXT,
    )
    client.force_login(world.secretariat)
    url = reverse("covenants:documents_adopt", args=[world.block_year.pk])
    client.post(url, {"item": [other.pk]})
    assert Document.objects.get(pk=other.pk).status == Document.Status.DRAFT
