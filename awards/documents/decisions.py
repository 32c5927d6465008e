"""The council's issued documents: the award decision with its annex, the province's proposal to
the Ministry of Home Affairs for a Government-level award, and each awardee's certificate.

All are in Vietnamese whoever issues them and follow the state format (Decree 30/2020/NĐ-CP); the
certificate is a landscape page. Each is rendered once and stored as an issued document
(`emulation.issued`), with its verification code and QR code printed on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import translation

from awards.caps import leading_units
from awards.models import Awardee, AwardType, CouncilSession, Decision
from awards.models.money import prize_on
from blocks.models import Authority
from emulation.issued import issue_document
from emulation.models import IssuedDocument, User
from emulation.templatetags.vn import official_date

DECISION = "decision"  # the kinds of issued documents
MOHA_PROPOSAL = "moha_proposal"
CERTIFICATE = "certificate"
MOHA = "Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương)"


def issuing_body(authority: Authority) -> str:
    """ "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ" for a province; the authority's name otherwise."""
    if authority.level == Authority.Level.PROVINCIAL and authority.place:
        return f"ỦY BAN NHÂN DÂN TỈNH {authority.place.upper()}"
    return authority.name.upper()


def body_words(authority: Authority) -> str:
    """The issuing body as a sentence names it: "Ủy ban nhân dân tỉnh Quảng Trị"."""
    if authority.level == Authority.Level.PROVINCIAL and authority.place:
        return f"Ủy ban nhân dân tỉnh {authority.place}"
    return authority.name


def chairman(authority: Authority) -> str:
    if authority.level == Authority.Level.PROVINCIAL and authority.place:
        return f"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {authority.place.upper()}"
    return f"CHỦ TỊCH {authority.name.upper()}"


def award_object(award: AwardType) -> tuple[str, str]:
    """What the awardee receives, as the decision and the certificate name it: a flag, a
    certificate of merit, or (for a title) the title itself."""
    name = award.name_vi.strip()
    lowered = name.lower()
    if lowered.startswith("cờ thi đua"):
        return "Cờ thi đua", "CỜ THI ĐUA"
    if lowered.startswith("bằng khen"):
        return "Bằng khen", "BẰNG KHEN"
    return "Giấy chứng nhận danh hiệu", name.upper()


def signature(decision: Decision) -> dict[str, str]:
    """The signature block: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" is written on two lines, the
    capacity above the title; a title alone ("Chủ tịch") stands on its own."""
    title = decision.signer_title.replace("\n", "/")
    parts = [part.strip() for part in title.split("/") if part.strip()]
    if len(parts) >= 2:
        capacity, position = parts[0], " ".join(parts[1:])
    else:
        capacity, position = "", parts[0] if parts else "CHỦ TỊCH"
    return {"capacity": capacity, "position": position, "note": "", "name": decision.signer_name}


def bases(decision: Decision) -> list[str]:
    """The legal bases, one per line, without the "Căn cứ" and the ";" the template adds."""
    lines = []
    for line in decision.legal_bases.splitlines():
        line = line.strip().rstrip(";.").strip()
        if line.lower().startswith("căn cứ"):
            line = line[len("căn cứ") :].strip()
        if line:
            lines.append(line)
    return lines


def _council_minutes(decision: Decision, awardees: Sequence[Awardee]) -> list[IssuedDocument]:
    return _council_minutes_of([a.nomination_id for a in awardees], decision.authority_id)


def _council_minutes_of(nominations: list[int], authority: int) -> list[IssuedDocument]:
    """The minutes of the closed council sessions that voted on these nominations."""
    sessions = (
        CouncilSession.objects.filter(
            authority=authority,
            status=CouncilSession.Status.CLOSED,
            minutes__isnull=False,
            items__nomination__in=nominations,
        )
        .select_related("minutes")
        .distinct()
        .order_by("held_on", "pk")
    )
    return [session.minutes for session in sessions if session.minutes is not None]


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "0"
    text = f"{100 * part / whole:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _dong(amount: int) -> str:
    """2340000 -> "2.340.000" (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def _decimal_words(value: Decimal) -> str:
    """Decimal(\"1.50\") -> "1,5"."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def decision_context(decision: Decision, awardees: Sequence[Awardee]) -> dict[str, Any]:
    authority = decision.authority
    award = decision.award_type
    minutes = _council_minutes(decision, awardees)
    thing, _heading = award_object(award)
    prize = prize_on(award, decision.signed_on)
    return {
        "prize": {
            "coefficient": _decimal_words(prize[0]),
            "base": _dong(prize[1]),
            "amount": _dong(prize[2]),
            "total": _dong(prize[2] * len(awardees)),
        }
        if prize
        else None,
        "issuer_name": issuing_body(authority),
        "number": decision.number,
        "place": authority.place,
        "date": decision.signed_on,
        "title": "QUYẾT ĐỊNH",
        "summary": f"Về việc tặng {award.name_vi} năm {decision.year}",
        "chairman": chairman(authority),
        "authority": authority,
        "award": award,
        "thing": thing,
        "year": decision.year,
        "basis": bases(decision),
        "minutes": minutes,
        "submission": decision.submission,
        "submission_words": official_date(decision.submission.signed_on)
        if decision.submission
        else "",
        "count": len(awardees),
        "awardees": awardees,
        # The annex lists collectives and individuals in sections of their own.
        "collectives": [a for a in awardees if not a.person_name],
        "individuals": [a for a in awardees if a.person_name],
        "signed_words": official_date(decision.signed_on),
        "chairman_words": f"Chủ tịch {body_words(authority)}",
        "signature": signature(decision),
        "recipients": [
            "Như Điều 3",
            f"{authority.name}",
            "Sở Nội vụ (Ban Thi đua - Khen thưởng)",
            "Lưu: VT",
        ],
    }


def moha_context(decision: Decision, awardees: Sequence[Awardee]) -> dict[str, Any]:
    authority = decision.authority
    award = decision.award_type
    leading = leading_units(authority, decision.year)
    count = len(awardees)
    return {
        "issuer_name": issuing_body(authority),
        "number": decision.number,
        "place": authority.place,
        "date": decision.signed_on,
        "title": "TỜ TRÌNH",
        "summary": f"Về việc đề nghị tặng {award.name_vi} năm {decision.year}",
        "addressee": MOHA,
        "authority": authority,
        "body": body_words(authority),
        "award": award,
        "year": decision.year,
        "basis": bases(decision),
        "minutes": _council_minutes(decision, awardees),
        "count": count,
        "awardees": awardees,
        "individuals": award.for_individuals,
        "leads": award.candidates == AwardType.Candidates.LEADING,
        "cap_percent": award.cap_percent,
        "leading": leading,
        "share": _percent(count, leading),
        "within_cap": award.cap_percent is None or count * 100 <= leading * award.cap_percent,
        "signature": signature(decision),
        "recipients": [
            "Như trên",
            "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
            f"{authority.name}",
            "Lưu: VT",
        ],
    }


def issue_decision_document(
    decision: Decision, awardees: Sequence[Awardee], *, by: User
) -> IssuedDocument:
    """Render and store the decision with its annex, or, for a Government-level award, the
    proposal to the Ministry of Home Affairs."""
    award = decision.award_type
    proposal = decision.kind == Decision.Kind.PROPOSAL
    with translation.override("vi"):
        context = (
            moha_context(decision, awardees) if proposal else decision_context(decision, awardees)
        )
        return issue_document(
            kind=MOHA_PROPOSAL if proposal else DECISION,
            title=(
                f"Tờ trình số {decision.number} về việc đề nghị tặng {award.name_vi}"
                f" năm {decision.year}"
                if proposal
                else f"Quyết định số {decision.number} về việc tặng {award.name_vi}"
                f" năm {decision.year}"
            ),
            issuer_name=issuing_body(decision.authority),
            template_name="awards/moha_letter_pdf.html" if proposal else "awards/decision_pdf.html",
            context=context,
            number=decision.number,
            background=True,  # its annex lists every awardee: rendered by the workers
            by=by,
            subject=decision,
            metadata={
                "number": decision.number,
                "signed_on": decision.signed_on.isoformat(),
                "award": award.code,
                "year": decision.year,
                "signer": decision.signer_name,
                "awardees": [_awardee_metadata(a) for a in awardees],
            },
        )


def _awardee_metadata(awardee: Awardee) -> dict[str, str]:
    """Who an awardee is, as an issued document's metadata records it: the unit and block, and
    the person's name and title for an award to an individual."""
    found = {"unit": awardee.unit_name, "block": awardee.block_name}
    if awardee.person_name:
        found.update(person=awardee.person_name, title=awardee.person_title)
    return found


def certificate_context(decision: Decision, awardee: Awardee) -> dict[str, Any]:
    authority = decision.authority
    _thing, heading = award_object(decision.award_type)
    return {
        "issuer_name": issuing_body(authority),
        "chairman": chairman(authority),
        "heading": heading,
        "award": decision.award_type,
        "unit_name": awardee.unit_name,
        "person_name": awardee.person_name,
        "person_title": awardee.person_title,
        "block_name": awardee.block_name,
        "year": decision.year,
        "decision_number": decision.number,
        "signed_on": decision.signed_on,
        "place": authority.place,
        "signature": signature(decision),
    }


# The symbol of a certificate's number in the issuing body's register of commendations ("12/BK"):
# one register per body and year for every certificate it issues, whatever its kind.
CERTIFICATE_SYMBOLS = {"BẰNG KHEN": "BK", "CỜ THI ĐUA": "CTĐ"}


def certificate_symbol(heading: str) -> str:
    return CERTIFICATE_SYMBOLS.get(heading, "GCN")


def issue_certificate(decision: Decision, awardee: Awardee, *, by: User | None) -> IssuedDocument:
    """Render and store one awardee's certificate (a landscape page)."""
    with translation.override("vi"):
        _thing, heading = award_object(decision.award_type)
        return issue_document(
            kind=CERTIFICATE,
            title=(f"{heading.capitalize()} tặng {awardee.name} (Quyết định số {decision.number})"),
            issuer_name=issuing_body(decision.authority),
            template_name="awards/certificate_pdf.html",
            context=certificate_context(decision, awardee),
            symbol=certificate_symbol(heading),
            year=decision.signed_on.year,
            background=True,  # one per awardee: rendered by the workers, after the commit
            by=by,
            subject=awardee,
            metadata={
                "decision": decision.number,
                "signed_on": decision.signed_on.isoformat(),
                "award": decision.award_type.code,
                **_awardee_metadata(awardee),
            },
        )
