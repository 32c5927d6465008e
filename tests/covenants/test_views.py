"""The document, consultation, registration and signing screens."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from covenants import services
from covenants.models import Comment, Document, Registration, Signature
from emulation.models import IssuedDocument
from tests.factories import (
    COVENANT_TEXT,
    World,
    archive,
    make_block_year,
    make_covenant,
    make_leaders,
    registry_snapshot,
)


def test_the_secretariat_writes_a_covenant_from_the_screen(as_user: Any, world: World) -> None:
    client = as_user("secretariat")
    url = f"/years/{world.block_year.pk}/documents/new/?kind=covenant"
    form = client.get(url).context["form"]
    assert {"preamble", "targets", "movements", "legal_bases", "theme"} <= set(form.fields)
    response = client.post(url, {"title": "Giao ước thi đua năm 2026", **COVENANT_TEXT})
    document = Document.objects.get(kind="covenant")
    assert response["Location"] == document.get_absolute_url()


def test_an_empty_document_is_refused(as_user: Any, world: World) -> None:
    response = as_user("secretariat").post(
        f"/years/{world.block_year.pk}/documents/new/?kind=rules", {"title": "Quy chế"}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Document.objects.exists()


def test_a_rules_document_has_only_a_title_and_content(as_user: Any, world: World) -> None:
    form = (
        as_user("secretariat")
        .get(f"/years/{world.block_year.pk}/documents/new/?kind=rules")
        .context["form"]
    )
    assert set(form.fields) == {"title", "body"}


def test_the_diff_shows_what_changed_between_versions(as_user: Any, world: World) -> None:
    document = make_covenant(world)
    services.revise_document(
        document,
        by=world.secretariat,
        change_note="Thêm chỉ tiêu",
        **{**COVENANT_TEXT, "targets": COVENANT_TEXT["targets"] + "\nChỉ tiêu mới"},
    )
    page = as_user("leader").get(f"/documents/{document.pk}/diff/").content.decode()
    assert (
        '<div class="diff-added"><span class="diff-mark" aria-hidden="true">+</span><ins>Chỉ tiêu mới</ins></div>'
        in page
    )
    assert as_user("leader").get(f"/documents/{document.pk}/diff/?old=9").status_code == 404


def test_members_comment_and_the_secretariat_answers(
    as_user: Any, world: World, client: Any
) -> None:
    document = make_covenant(world)
    services.open_consultation(
        document, by=world.secretariat, until=timezone.localdate() + datetime.timedelta(days=3)
    )
    client.force_login(world.leader)
    client.post(
        f"/documents/{document.pk}/comments/new/",
        {"unit": world.units[2].pk, "text": "Đề nghị làm rõ chỉ tiêu 2"},
    )
    comment = Comment.objects.get()
    other_unit = client.post(
        f"/documents/{document.pk}/comments/new/", {"unit": world.units[3].pk, "text": "x"}
    )
    assert "unit" in other_unit.context["form"].errors
    client.force_login(world.secretariat)
    no_reason = client.post(f"/comments/{comment.pk}/answer/", {"answer": "declined", "text": ""})
    assert "text" in no_reason.context["form"].errors
    client.post(f"/comments/{comment.pk}/answer/", {"answer": "accepted", "text": "Đã bổ sung"})
    comment.refresh_from_db()
    assert comment.answer == "accepted"


def test_adopting_with_unanswered_comments_shows_why_and_changes_nothing(
    as_user: Any, world: World
) -> None:
    document = make_covenant(world)
    services.open_consultation(document, by=world.secretariat, until=timezone.localdate())
    services.add_comment(document, world.units[2], by=world.leader, text="Góp ý")
    response = as_user("secretariat").post(f"/documents/{document.pk}/adopt/", follow=True)
    assert "alert-danger" in response.content.decode()
    document.refresh_from_db()
    assert document.status == Document.Status.CONSULTATION


def test_a_consultation_date_in_the_past_is_refused(as_user: Any, world: World) -> None:
    document = make_covenant(world)
    response = as_user("secretariat").post(
        f"/documents/{document.pk}/consult/", {"until": "01/01/2020"}
    )
    assert "until" in response.context["form"].errors
    document.refresh_from_db()
    assert document.status == Document.Status.DRAFT


def test_a_leader_signs_on_the_screen_and_sees_the_progress(as_user: Any, world: World) -> None:
    document = make_covenant(world, status="signing")
    client = as_user("leader")
    wrong = client.post(
        f"/documents/{document.pk}/sign/",
        {"unit": world.units[2].pk, "password": "sai", "confirm": "on"},
    )
    assert "password" in wrong.context["form"].errors and not Signature.objects.exists()
    unconfirmed = client.post(
        f"/documents/{document.pk}/sign/", {"unit": world.units[2].pk, "password": "demo12345"}
    )
    assert "confirm" in unconfirmed.context["form"].errors
    response = client.post(
        f"/documents/{document.pk}/sign/",
        {"unit": world.units[2].pk, "password": "demo12345", "confirm": "on"},
        follow=True,
    )
    assert Signature.objects.get().unit == world.units[2]
    assert 'data-signed="1"' in response.content.decode()
    again = client.post(
        f"/documents/{document.pk}/sign/",
        {"unit": world.units[2].pk, "password": "demo12345", "confirm": "on"},
    )
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert Signature.objects.count() == 1


def test_a_leader_cannot_pick_another_units_name_on_the_form(as_user: Any, world: World) -> None:
    document = make_covenant(world, status="signing")
    response = as_user("leader").post(
        f"/documents/{document.pk}/sign/",
        {"unit": world.units[3].pk, "password": "demo12345", "confirm": "on"},
    )
    assert "unit" in response.context["form"].errors
    assert not Signature.objects.exists()


def test_the_progress_fragment_refreshes_for_htmx(as_user: Any, world: World) -> None:
    document = make_covenant(world, status="signing")
    body = (
        as_user("staff")
        .get(f"/documents/{document.pk}/signatures/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert (
        body.lstrip().startswith('<div id="signing-progress"')
        and 'data-hx-trigger="every 5s"' in body
    )
    assert "<html" not in body


def test_paper_signature_needs_a_real_scan(as_user: Any, world: World) -> None:
    document = make_covenant(world, status="signing")
    client = as_user("secretariat")
    url = f"/documents/{document.pk}/signatures/paper/"
    data = {
        "unit": world.units[3].pk,
        "signer_name": "Bùi Văn Toàn",
        "signed_on": timezone.localdate().strftime("%d/%m/%Y"),
    }
    fake = client.post(
        url,
        {
            **data,
            "scan": SimpleUploadedFile("scan.pdf", b"MZ not a pdf", content_type="application/pdf"),
        },
    )
    assert fake.status_code == 200 and fake.context["form"].errors
    assert not Signature.objects.exists()
    ok = client.post(
        url,
        {
            **data,
            "scan": SimpleUploadedFile(
                "scan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
            ),
        },
    )
    assert ok.status_code == 302
    assert Signature.objects.get().method == "paper"


def test_the_covenant_in_force_downloads_as_its_stored_pdf(as_user: Any, world: World) -> None:
    document = make_covenant(world, status="signing")
    for unit, leader in zip(world.units, make_leaders(world), strict=True):
        services.sign_covenant(document, unit, by=leader, password="demo12345")
    issued = IssuedDocument.objects.get()
    response = as_user("member").get(f"/documents/{document.pk}/pdf/")
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    import hashlib

    assert hashlib.sha256(body).hexdigest() == issued.sha256
    page = as_user("member").get(f"/documents/{document.pk}/signatures/").content.decode()
    assert issued.code in page


def test_units_register_their_targets_and_the_secretariat_sees_them_all(
    as_user: Any, world: World
) -> None:
    client = as_user("officer")
    url = f"/years/{world.block_year.pk}/registrations/{world.units[2].pk}/"
    client.post(
        url,
        {
            "targets": "Hoàn thành xuất sắc nhiệm vụ\nTổ chức 12 hội nghị",
            "aims": ["excellent", "provincial_flag"],
        },
    )
    registration = Registration.objects.get()
    assert registration.target_lines() == ["Hoàn thành xuất sắc nhiệm vụ", "Tổ chức 12 hội nghị"]
    page = (
        as_user("secretariat").get(f"/years/{world.block_year.pk}/registrations/").content.decode()
    )
    assert "Tổ chức 12 hội nghị" in page
    bad = as_user("officer").post(url, {"targets": "", "aims": ["vua"]})
    assert {"targets", "aims"} <= set(bad.context["form"].errors)


def test_a_unit_cannot_register_once_the_year_is_archived(as_user: Any, world: World) -> None:
    archive(world)
    client = as_user("officer")
    url = f"/years/{world.block_year.pk}/registrations/{world.units[2].pk}/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"targets": "Hoàn thành xuất sắc nhiệm vụ", "aims": ["excellent"]})
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_copying_last_years_documents_from_the_screen(as_user: Any, world: World) -> None:
    make_covenant(world, status="adopted")
    next_year = make_block_year(world.block, world.units, year=2027, head=world.units[0])
    before = registry_snapshot()
    response = as_user("secretariat").post(f"/years/{next_year.pk}/documents/copy/", follow=True)
    assert "alert-success" in response.content.decode()
    assert next_year.documents.get().status == Document.Status.DRAFT
    assert registry_snapshot()["BlockYear"] == before["BlockYear"]


def test_the_dashboard_shows_the_signing_count(as_user: Any, world: World) -> None:
    document = make_covenant(world, status="signing")
    services.sign_covenant(document, world.units[2], by=world.leader, password="demo12345")
    steps = as_user("leader2").get(f"/years/{world.block_year.pk}/").context["steps"]
    assert steps[3][1].status == "active" and "1" in str(steps[3][1].summary)
    assert steps[3][1].actions[0][1].endswith("/sign/")


def test_a_leader_is_asked_to_sign_on_the_home_page(as_user: Any, world: World) -> None:
    document = make_covenant(world, status="signing")
    page = as_user("leader2").get("/").content.decode()
    assert f"/documents/{document.pk}/sign/" in page
