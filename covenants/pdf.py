"""The signed covenant as an issued document (official format, with its annexes)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation

from blocks.models import Membership
from covenants.models import Document, DocumentVersion, Registration, Signature
from emulation.issued import Prepared, prepare_document
from emulation.models import IssuedDocument, User


def covenant_context(document: Document, version: DocumentVersion) -> dict[str, object]:
    block_year = document.block_year
    block = block_year.block
    signatures = list(Signature.objects.filter(version=version).select_related("unit"))
    by_unit = {s.unit_id: s for s in signatures}
    members = list(
        block_year.memberships.filter(left_on__isnull=True)
        .select_related("unit")
        .order_by("position")
    )
    head = next((m for m in members if m.role == Membership.Role.HEAD), None)
    head_signature = by_unit.get(head.unit_id) if head else None
    registrations = {
        r.unit_id: r
        for r in Registration.objects.filter(block_year=block_year).select_related("unit")
    }
    return {
        "issuer_name": block.name.upper(),
        "place": block.authority.place,
        # Dated the day the last unit signed: the day the covenant came into force.
        "date": timezone.localdate(max(s.signed_at for s in signatures))
        if signatures
        else timezone.localdate(),
        "title": document.title.upper(),
        "summary": version.theme,
        "version": version,
        "document": document,
        "signature_rows": [(m, by_unit.get(m.unit_id)) for m in members],
        "registration_rows": [(m, registrations.get(m.unit_id)) for m in members],
        "signature": {
            "capacity": "TM. CÁC ĐƠN VỊ KÝ KẾT",
            "position": "ĐƠN VỊ TRƯỞNG KHỐI",
            "note": "(Đã ký điện tử)" if head_signature else "",
            "name": head_signature.signer_name
            if head_signature
            else (head.unit.name if head else ""),
        },
        "recipients": [
            f"{block.authority.name} (để báo cáo)",
            "Các đơn vị thành viên Khối",
            "Lưu: Văn phòng Khối",
        ],
    }


def issue_covenant(document: Document, version: DocumentVersion, *, by: User) -> IssuedDocument:
    """Render and store the covenant in force, once, with its signatories in the metadata."""
    with transaction.atomic():
        return prepare_covenant(document, version, by=by).issue()


def prepare_covenant(document: Document, version: DocumentVersion, *, by: User) -> Prepared:
    """The covenant in force numbered and rendered, to be issued later in the same transaction
    (`Prepared.issue`): the signing that completes it renders it before recording anything."""
    context = covenant_context(document, version)
    signatories = [
        {
            "unit": s.unit_name,
            "signer": s.signer_name,
            "signed_at": s.signed_at.isoformat(),
            "method": s.get_method_display(),
            "hash": s.short_hash,
        }
        for _m, s in context["signature_rows"]  # type: ignore[attr-defined]
        if s is not None
    ]
    with translation.override("vi"):  # an official document is in Vietnamese for every reader
        return prepare_document(
            kind="covenant",
            title=f"{document.title} (v{version.number})",
            issuer_name=document.block_year.block.name,
            template_name="covenants/covenant_pdf.html",
            context=context,
            symbol="GUTĐ",
            by=by,
            subject=version,
            metadata={"signatories": signatories, "version_sha256": version.sha256},
        )
