"""The year's documents, comments, registrations and signatures are read-only in the admin: they
change only through the services, which refuse an archived year and write the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from covenants import services
from covenants.models import Comment, Document, DocumentVersion, Registration
from tests.factories import World, archive, make_covenant

MODELS = ["document", "comment", "registration", "signature"]


@pytest.mark.parametrize("model", MODELS)
def test_nothing_of_the_years_documents_is_added_in_the_admin(
    model: str, world: World, client: Any
) -> None:
    client.force_login(world.admin)
    assert client.get(reverse(f"admin:covenants_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:covenants_{model}_add")).status_code == 403


def test_a_document_and_its_versions_are_shown_but_not_changed(world: World, client: Any) -> None:
    document = make_covenant(world)
    registration = services.register_targets(
        world.block_year, world.units[2], by=world.leader, targets="Hoàn thành", aims=[]
    )
    archive(world)
    client.force_login(world.admin)
    url = reverse("admin:covenants_document_change", args=[document.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()
    form = {
        "block_year": world.block_year.pk,
        "kind": "covenant",
        "title": "Khác",
        "versions-TOTAL_FORMS": "1",
        "versions-INITIAL_FORMS": "0",
        "versions-0-number": "2",
        "versions-0-body": "Văn bản khác",
    }
    assert client.post(url, form).status_code == 403
    delete = reverse("admin:covenants_registration_delete", args=[registration.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Document.objects.get().title == document.title
    assert DocumentVersion.objects.count() == 1
    assert Registration.objects.count() == 1 and not Comment.objects.exists()
