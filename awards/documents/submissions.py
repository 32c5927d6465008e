"""The Department of Home Affairs' submission (Tờ trình) to the Chairman of the People's
Committee, in the state format (Decree 30/2020/NĐ-CP), in Vietnamese whoever issues it."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from awards.documents.decisions import _council_minutes_of, body_words
from awards.models import Nomination, Submission
from blocks.models import Authority
from emulation.issued import issue_document
from emulation.models import IssuedDocument, User

SUBMISSION = "submission"  # the kind of issued document


def department(authority: Authority) -> tuple[str, str]:
    """The issuing department under its People's Committee: ("ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
    "SỞ NỘI VỤ")."""
    if authority.level == Authority.Level.PROVINCIAL and authority.place:
        return f"ỦY BAN NHÂN DÂN TỈNH {authority.place.upper()}", "SỞ NỘI VỤ"
    return authority.name.upper(), "SỞ NỘI VỤ"


def submission_context(submission: Submission, nominations: Sequence[Nomination]) -> dict[str, Any]:
    authority = submission.authority
    parent, issuer = department(authority)
    groups = [
        {"award": award, "rows": list(rows)}
        for award, rows in groupby(nominations, key=lambda n: n.award_type)
    ]
    return {
        "parent_body": parent,
        "issuer_name": issuer,
        "number": submission.number,
        "place": authority.place,
        "date": submission.signed_on,
        "title": "TỜ TRÌNH",
        "summary": f"Về việc đề nghị khen thưởng phong trào thi đua năm {submission.year}",
        "addressee": f"Chủ tịch {body_words(authority)}",
        "authority": authority,
        "year": submission.year,
        "groups": groups,
        "count": sum(1 for n in nominations if n.person_id is None),
        "people": sum(1 for n in nominations if n.person_id is not None),
        "minutes": _council_minutes_of([n.pk for n in nominations], authority.pk),
        "signature": {
            "capacity": "",
            "position": submission.signer_title,
            "note": "",
            "name": submission.signer_name,
        },
        "recipients": ["Như trên", f"{authority.name}", "Lưu: VT, TĐKT"],
    }


def issue_submission_document(
    submission: Submission, nominations: Sequence[Nomination], *, by: User
) -> IssuedDocument:
    """Render and store the submission (called in Vietnamese)."""
    return issue_document(
        kind=SUBMISSION,
        title=f"Tờ trình số {submission.number} về việc đề nghị khen thưởng năm {submission.year}",
        issuer_name="SỞ NỘI VỤ",
        template_name="awards/submission_pdf.html",
        context=submission_context(submission, nominations),
        by=by,
        subject=submission,
        metadata={
            "number": submission.number,
            "signed_on": submission.signed_on.isoformat(),
            "year": submission.year,
            "signer": submission.signer_name,
            "nominations": [
                {
                    "unit": n.unit_name,
                    **({"person": n.person_name} if n.person_id else {}),
                    "award": n.award_type.code,
                }
                for n in nominations
            ],
        },
    )
