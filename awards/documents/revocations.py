"""The decision revoking an award (Law 06/2022/QH15, Chapter VII), in the state format, in
Vietnamese whoever issues it."""

from __future__ import annotations

from typing import Any

from awards.documents.decisions import (
    award_object,
    body_words,
    chairman,
    issuing_body,
    signature,
)
from awards.models import Revocation
from emulation.issued import issue_document
from emulation.models import IssuedDocument, User
from emulation.templatetags.vn import official_date

REVOCATION = "revocation"  # the kind of issued document

# How the decision states each ground of Chapter VII (clause 2, points a–d).
GROUNDS: dict[str, str] = {
    Revocation.Ground.FRAUD: "có hành vi gian dối trong việc kê khai công trạng, thành tích",
    Revocation.Ground.FALSE_RECORDS: "cung cấp thông tin sai sự thật hoặc làm giả hồ sơ, giấy tờ",
    Revocation.Ground.UNLAWFUL_REVIEW: "việc thẩm định, xét, đề nghị khen thưởng trái quy định",
    Revocation.Ground.FOUND_UNFIT: (
        "có kết luận của cơ quan có thẩm quyền về việc không bảo đảm tiêu chuẩn khen thưởng"
    ),
}


def revocation_context(revocation: Revocation) -> dict[str, Any]:
    awardee = revocation.awardee
    decision = awardee.decision
    authority = decision.authority
    thing, _heading = award_object(decision.award_type)
    return {
        "issuer_name": issuing_body(authority),
        "number": revocation.number,
        "place": authority.place,
        "date": revocation.signed_on,
        "title": "QUYẾT ĐỊNH",
        "summary": f"Về việc hủy bỏ quyết định tặng {decision.award_type.name_vi}"
        f" đối với {awardee.name}",
        "chairman": chairman(authority),
        "decision": decision,
        "decision_words": official_date(decision.signed_on),
        "chairman_words": f"Chủ tịch {body_words(authority)}",
        "awardee": awardee,
        "thing": thing,
        "ground": GROUNDS[revocation.ground],
        "reason": revocation.reason,
        "signature": signature(revocation),  # type: ignore[arg-type]
        "recipients": ["Như Điều 3", f"{authority.name}", "Sở Nội vụ", "Lưu: VT"],
    }


def issue_revocation_document(revocation: Revocation, *, by: User) -> IssuedDocument:
    """Render and store the revoking decision (called in Vietnamese)."""
    awardee = revocation.awardee
    decision = awardee.decision
    return issue_document(
        kind=REVOCATION,
        title=f"Quyết định số {revocation.number} về việc hủy bỏ khen thưởng"
        f" ({decision.number}, {awardee.name})",
        issuer_name=issuing_body(decision.authority),
        template_name="awards/revocation_pdf.html",
        context=revocation_context(revocation),
        by=by,
        subject=revocation,
        metadata={
            "number": revocation.number,
            "signed_on": revocation.signed_on.isoformat(),
            "revokes": decision.number,
            "unit": awardee.name,
            "ground": revocation.ground,
            "signer": revocation.signer_name,
        },
    )
