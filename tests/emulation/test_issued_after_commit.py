"""Documents are rendered after the transaction that issued them commits: no audited write (which
holds the audit head's lock until its transaction ends) ever waits on the renderer."""

from __future__ import annotations

import datetime
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from PIL import Image

from emulation import audit, issued, pdf
from emulation.issued import (
    DocumentPending,
    RenderedInsideTransaction,
    file_response,
    issue_document,
    problem_with,
    recorded_sha256,
    render_issued,
)
from emulation.models import AuditEvent, IssuedDocument, User
from tests.factories import make_user


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def issue(by: User | None, **extra: Any) -> IssuedDocument:
    return issue_document(
        kind="minutes",
        title="Biên bản",
        issuer_name="Khối thi đua các cơ quan Đảng tỉnh",
        template_name="pdf/official_text.html",
        context={"date": datetime.date(2026, 12, 20), "paragraphs": ["Nội dung."]},
        by=by,
        **extra,
    )


@pytest.fixture
def watched_renderer(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Each call of WeasyPrint, with whether the connection was in a transaction then and
    whether another connection saw the audit head's row locked."""
    calls: list[dict[str, Any]] = []
    real = pdf.html_to_pdf

    def watched(html: str) -> bytes:
        calls.append({"in_transaction": connection.in_atomic_block, "head_locked": head_locked()})
        return real(html)

    monkeypatch.setattr(issued, "html_to_pdf", watched)
    return calls


def head_locked() -> bool:
    """Whether another connection finds the audit head's row locked (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return False
    result: list[bool] = []

    def probe() -> None:
        try:
            with transaction.atomic():
                from emulation.models import AuditHead

                list(AuditHead.objects.select_for_update(nowait=True).filter(id=1))
            result.append(False)
        except Exception:
            result.append(True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return result[0]


@pytest.mark.django_db(transaction=True)
def test_the_issue_commits_first_and_the_pdf_is_rendered_after_the_commit(
    watched_renderer: list[dict[str, Any]],
) -> None:
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    with transaction.atomic():
        # An audited write first, as the services do: the head's row is locked from here on.
        audit.record("test.write", actor=clerk)
        document = issue(clerk, symbol="BB-KTĐ")
        assert watched_renderer == []
        assert document.state == "pending"
        assert IssuedDocument.objects.get(pk=document.pk).state == "pending"
    assert watched_renderer == [{"in_transaction": False, "head_locked": False}]
    stored = IssuedDocument.objects.get(pk=document.pk)
    assert stored.state == "ready" and stored.source_html == ""
    assert document.state == "ready" and document.sha256 == stored.sha256
    assert recorded_sha256(stored) == stored.sha256
    assert problem_with(stored) is None
    assert audit.verify_chain() is None


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_issue_renders_nothing(watched_renderer: list[dict[str, Any]]) -> None:
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(clerk)
        raise RuntimeError("the caller's change failed")
    assert watched_renderer == []
    assert not IssuedDocument.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_rendering_inside_a_transaction_is_refused() -> None:
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    with transaction.atomic():
        document = issue(clerk)
        with pytest.raises(RenderedInsideTransaction):
            render_issued(document.pk)


@pytest.mark.django_db(transaction=True)
def test_many_documents_are_rendered_by_the_workers(
    watched_renderer: list[dict[str, Any]],
) -> None:
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    with transaction.atomic():
        documents = [issue(clerk, background=True) for _ in range(3)]
    # The tests' task backend runs each task at once, in the test, after the commit.
    assert len(watched_renderer) == 3
    assert not any(call["in_transaction"] for call in watched_renderer)
    assert set(IssuedDocument.objects.values_list("state", flat=True)) == {"ready"}
    rendered = AuditEvent.objects.filter(action="documents.rendered")
    assert sorted(int(e.object_id) for e in rendered) == sorted(d.pk for d in documents)


@pytest.mark.django_db(transaction=True)
def test_a_document_is_rendered_once_however_often_asked() -> None:
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    document = issue(clerk)
    assert render_issued(document.pk) is None
    assert AuditEvent.objects.filter(action="documents.rendered").count() == 1


@pytest.mark.django_db
def test_a_pending_document_is_being_prepared_not_an_error(client: Client) -> None:
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    document = IssuedDocument.objects.create(
        code="ABCDEFGHJK",
        kind="minutes",
        title="Biên bản",
        issuer_name="Khối",
        issued_at=datetime.datetime(2026, 12, 20, tzinfo=datetime.UTC),
        issued_by=clerk,
        state="pending",
    )
    assert problem_with(document) is None
    with pytest.raises(DocumentPending):
        file_response(document, filename="x.pdf")
    page = client.get(document.get_absolute_url())
    assert page.status_code == 200
    assert b'data-result="pending"' in page.content
    assert b"data-sha256" not in page.content
    posted = client.post(document.get_absolute_url(), {"file": b""})
    assert b'data-result="match"' not in posted.content
    assert b'data-result="mismatch"' not in posted.content


@pytest.mark.django_db(transaction=True)
def test_the_qr_code_drawn_after_the_commit_is_on_the_page() -> None:
    """The QR code is drawn by the renderer (not in the issuing transaction): it is there, in
    the bottom right-hand corner of the first page, above the 10 mm strip."""
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    document = issue(clerk)
    assert issued.QR_PLACEHOLDER not in IssuedDocument.objects.get(pk=document.pk).source_html
    with document.file.open("rb") as handle:
        data = handle.read()
    dpi = 100
    mm = dpi / 25.4
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-f", "1", "-l", "1", "-", f"{folder}/p"],
            input=data,
            check=True,
        )
        page = Image.open(next(Path(folder).glob("p*.pgm")))
    width, height = page.size
    corner = page.crop((int(width - 35 * mm), int(height - 25 * mm), width, height))
    box = corner.point(lambda v: 255 if v < 128 else 0).getbbox()
    assert box is not None, "no QR code in the corner"
    left, top, right, bottom = box
    assert (right - left) / mm > 10 and (bottom - top) / mm > 10  # a code about 13 mm wide


@pytest.mark.django_db(transaction=True)
def test_the_html_is_rendered_before_the_head_is_locked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The template renders with the head read, not locked: an audited write elsewhere goes on
    meanwhile; the head printed is the last one recorded."""
    clerk = make_user("clerk", full_name="Cán bộ Văn phòng")
    audit.record("test.write", actor=clerk)
    locked: list[bool] = []
    real = issued.render_html

    def watched(template_name: str, context: Any) -> str:
        locked.append(head_locked())
        return real(template_name, context)

    monkeypatch.setattr(issued, "render_html", watched)
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    document = issue(clerk)
    assert locked == [False]
    assert (document.chain_seq, document.chain_hash) == (last.seq, last.hash)
    assert audit.verify_chain() is None


def test_a_document_is_prepared_only_inside_its_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        issued.prepare_document(
            kind="minutes",
            title="Biên bản",
            issuer_name="Khối",
            template_name="pdf/official_text.html",
            context={"paragraphs": []},
            by=None,
        )
