"""The signing service: who may sign, when, and what the signature binds."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone, translation

from blocks.models import UnitRole
from covenants import services
from covenants.models import Document, Signature
from emulation.errors import DomainError
from emulation.models import AuditEvent, IssuedDocument
from tests.factories import World, make_covenant, make_leaders, make_user


@pytest.fixture(autouse=True)
def _english_and_media(settings: object, tmp_path: object) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    with translation.override("en"):
        yield


def sign(document: Document, world: World, unit_index: int, leader: Any, **extra: Any) -> Signature:
    return services.sign_covenant(
        document,
        world.units[unit_index],
        by=leader,
        password="demo12345",
        ip="10.1.2.3",
        user_agent="Chromium",
        **extra,  # type: ignore[arg-type]
    )


def test_a_leader_signs_for_their_unit_and_the_signature_binds_the_text(world: World) -> None:
    document = make_covenant(world, status="signing")
    signature = sign(document, world, 2, world.leader)
    version = document.versions.get()
    assert signature.sha256 == version.sha256
    assert (signature.unit, signature.signer, signature.method) == (
        world.units[2],
        world.leader,
        "password",
    )
    assert (signature.ip, signature.user_agent, signature.unit_name) == (
        "10.1.2.3",
        "Chromium",
        "Ban Tuyên giáo Tỉnh ủy",
    )
    assert (
        AuditEvent.objects.get(action="covenants.covenant.signed").after["sha256"] == version.sha256  # type: ignore[index]
    )


def test_a_leader_cannot_sign_for_another_unit(world: World) -> None:
    document = make_covenant(world, status="signing")
    with pytest.raises(DomainError, match="Only the leader of Báo Quảng Trị"):
        sign(document, world, 3, world.leader)
    assert not Signature.objects.exists()


def test_an_officer_cannot_sign(world: World) -> None:
    document = make_covenant(world, status="signing")
    with pytest.raises(DomainError, match="Only the leader"):
        sign(document, world, 2, world.officer)


def test_the_password_must_be_right(world: World) -> None:
    document = make_covenant(world, status="signing")
    with pytest.raises(DomainError, match="password is not correct"):
        services.sign_covenant(document, world.units[2], by=world.leader, password="sai")
    assert not Signature.objects.exists()


@pytest.mark.parametrize("status", ["draft", "adopted"])
def test_nothing_is_signed_before_signing_opens(world: World, status: str) -> None:
    document = make_covenant(world, status=status)
    with pytest.raises(DomainError, match="not open for signing"):
        sign(document, world, 2, world.leader)


def test_nothing_is_signed_after_the_deadline(world: World) -> None:
    document = make_covenant(world, status="signing")
    Document.objects.filter(pk=document.pk).update(
        signing_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(DomainError, match="deadline has passed"):
        sign(document, world, 2, world.leader)


def test_a_unit_signs_only_once(world: World) -> None:
    document = make_covenant(world, status="signing")
    sign(document, world, 2, world.leader)
    with pytest.raises(DomainError, match="already signed"):
        sign(document, world, 2, world.leader)
    assert Signature.objects.count() == 1


def test_text_changed_behind_the_systems_back_cannot_be_signed(world: World) -> None:
    document = make_covenant(world, status="signing")
    version = document.versions.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE covenants_documentversion SET targets = %s WHERE id = %s",
            ["Chỉ tiêu khác", version.pk],
        )
    with pytest.raises(DomainError, match="text has changed"):
        sign(document, world, 2, world.leader)


def test_a_unit_that_left_the_block_cannot_sign(world: World) -> None:
    document = make_covenant(world, status="signing")
    world.block_year.memberships.filter(unit=world.units[3]).update(
        left_on=datetime.date(2026, 6, 1)
    )
    with pytest.raises(DomainError, match="not a member"):
        sign(document, world, 3, world.leader2)


def test_an_enrolled_leader_must_give_the_authenticator_code(world: World, settings: Any) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # A wrong code now slows the next one down (django-otp's throttling is no longer undone with
    # the refused signature); this test types the right code at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=world.leader, name="phone", confirmed=True)
    document = make_covenant(world, status="signing")
    with pytest.raises(DomainError, match="authenticator code"):
        sign(document, world, 2, world.leader, code="000000")
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    signature = sign(document, world, 2, world.leader, code=code)
    assert signature.method == Signature.Method.PASSWORD_TOTP


def test_when_every_unit_has_signed_the_covenant_is_in_force_and_issued(world: World) -> None:
    document = make_covenant(world, status="signing")
    leaders = make_leaders(world)
    for index, leader in enumerate(leaders[:-1]):
        sign(document, world, index, leader)
        document.refresh_from_db()
        assert document.status == Document.Status.SIGNING
    sign(document, world, 3, leaders[-1])
    document.refresh_from_db()
    assert document.status == Document.Status.IN_FORCE
    assert document.in_force_version == document.versions.get()
    issued = IssuedDocument.objects.get(kind="covenant")
    assert [s["unit"] for s in issued.metadata["signatories"]] == [u.name for u in world.units]


def test_an_amendment_must_be_signed_again_and_earlier_signatures_stay(world: World) -> None:
    document = make_covenant(world, status="signing")
    first = sign(document, world, 2, world.leader)
    services.revise_document(
        document,
        by=world.secretariat,
        change_note="Sửa chỉ tiêu",
        targets="Chỉ tiêu mới",
        body="Nội dung",
    )
    services.adopt_document(document, by=world.secretariat)
    services.open_signing(
        document, by=world.secretariat, deadline=timezone.localdate() + datetime.timedelta(days=5)
    )
    second = sign(document, world, 2, world.leader)
    assert first.version.number == 1 and second.version.number == 2
    assert first.sha256 != second.sha256
    assert Signature.objects.count() == 2


def test_a_paper_signature_is_recorded_with_its_scan(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = make_covenant(world, status="signing")
    scan = SimpleUploadedFile(
        "trang ky.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        content_type="application/pdf",
    )
    signature = services.record_paper_signature(
        document,
        world.units[3],
        by=world.secretariat,
        signer_name="Bùi Văn Toàn",
        signer_title="Tổng Biên tập",
        signed_on=timezone.localdate(),
        scan=scan,
    )
    assert signature.method == Signature.Method.PAPER and signature.recorded_by == world.secretariat
    assert len(signature.scan_sha256) == 64 and str(signature.scan.name).endswith(".pdf")


def test_reminders_go_once_a_day_to_units_that_have_not_signed(
    world: World, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    document = make_covenant(world, status="signing")
    Document.objects.filter(pk=document.pk).update(
        signing_deadline=timezone.localdate() + datetime.timedelta(days=2)
    )
    sign(document, world, 2, world.leader)
    world.leader2.email = "tongbientap@example.vn"
    world.leader2.save()
    UnitRole.objects.filter(unit=world.units[0]).delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_signing_reminders() == 3  # units 1, 2 and 4 have not signed
        assert services.send_signing_reminders() == 0
    assert any("tongbientap@example.vn" in m.to for m in mailoutbox)


def test_a_stranger_is_not_a_leader_of_anything(world: World) -> None:
    document = make_covenant(world, status="signing")
    with pytest.raises(DomainError, match="Only the leader"):
        sign(document, world, 2, make_user())


def test_opening_signing_tells_each_leader_in_their_language(
    world: World, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    world.leader.email, world.leader.preferred_language = "tuyengiao@example.vn", "vi"
    world.leader.save()
    world.leader2.email, world.leader2.preferred_language = "baoqt@example.vn", "en"
    world.leader2.save()
    world.officer.email = "canbo@example.vn"
    world.officer.save()
    document = make_covenant(world, status="adopted")
    with django_capture_on_commit_callbacks(execute=True):
        services.open_signing(
            document,
            by=world.secretariat,
            deadline=timezone.localdate() + datetime.timedelta(days=9),
        )
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {"tuyengiao@example.vn", "baoqt@example.vn"}  # leaders only
    assert "Giao ước thi đua năm 2026" in by_address["baoqt@example.vn"].subject
    assert "Please sign" in by_address["baoqt@example.vn"].subject
    assert f"/documents/{document.pk}/" in by_address["tuyengiao@example.vn"].body


def test_nothing_is_mailed_when_the_change_is_rolled_back(world: World, mailoutbox: list) -> None:
    from django.db import transaction

    world.leader.email = "tuyengiao@example.vn"
    world.leader.save()
    document = make_covenant(world, status="adopted")
    try:
        with transaction.atomic():
            services.open_signing(document, by=world.secretariat, deadline=timezone.localdate())
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert mailoutbox == []
    document.refresh_from_db()
    assert document.status == "adopted"


def test_the_last_signature_renders_the_covenant_before_it_records_anything(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signing that completes the covenant renders it before its first audit event, which
    locks the audit head until the commit: no other audited write waits on the template."""
    from emulation import issued as issued_module

    document = make_covenant(world, status="signing")
    leaders = make_leaders(world)
    for index, leader in enumerate(leaders[:-1]):
        sign(document, world, index, leader)
    before = AuditEvent.objects.count()
    seen: list[int] = []
    real = issued_module.render_html

    def watched(template_name: str, context: Any) -> str:
        seen.append(AuditEvent.objects.count())
        return real(template_name, context)

    monkeypatch.setattr(issued_module, "render_html", watched)
    sign(document, world, 3, leaders[-1])
    assert seen == [before]
    actions = list(
        AuditEvent.objects.filter(seq__gt=before).order_by("seq").values_list("action", flat=True)
    )
    assert actions[:3] == [
        "covenants.covenant.signed",
        "covenants.document.in_force",
        "documents.issued",
    ]
    assert IssuedDocument.objects.get(kind="covenant").number == "1/GUTĐ"
