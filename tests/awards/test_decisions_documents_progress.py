"""An issued decision's documents are made after its issue, in the background: the page says
which are being prepared and how many are ready (a fragment htmx polls), the downloads say
"being prepared" meanwhile, and the page is reloaded once all are ready."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from emulation.models import IssuedDocument
from tests.awards.matrix_decisions import issued
from tests.factories import World

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_documents_being_prepared_until_all_are_ready(
    client: Client, world: World
) -> None:
    decision = issued(world)
    certificate = decision.awardees.get().certificate
    # The tests' workers have run at once; as if they had not yet, the certificate is pending.
    IssuedDocument.objects.filter(pk=certificate.pk).update(state="pending")
    client.force_login(world.member)
    url = reverse("awards:decision_detail", args=[decision.pk])
    page = client.get(url).content.decode()
    assert 'id="documents-progress"' in page
    assert 'data-ready="1" data-total="2"' in page
    assert 'hx-trigger="every 2s"' in page and f'hx-get="{url}?part=documents"' in page
    assert "data-pending" in page
    fragment = client.get(url, {"part": "documents"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "HX-Refresh" not in fragment
    assert 'id="documents-progress"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    IssuedDocument.objects.filter(pk=certificate.pk).update(state="ready")
    done = client.get(url, {"part": "documents"}, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    page = client.get(url).content.decode()
    assert 'data-ready="2" data-total="2"' in page
    assert 'hx-trigger="every 2s"' not in page and "data-pending" not in page


def test_a_pending_document_downloads_as_being_prepared(client: Client, world: World) -> None:
    decision = issued(world)
    IssuedDocument.objects.filter(pk=decision.document_id).update(state="pending")
    client.force_login(world.member)
    response = client.get(reverse("awards:decision_pdf", args=[decision.pk]))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert decision.document.code[:5] in response.content.decode()
