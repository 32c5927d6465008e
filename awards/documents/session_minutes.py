"""The minutes of a council session (biên bản phiên họp Hội đồng Thi đua - Khen thưởng) as an
issued document: the council's size and the members present, the quorum, how the members voted,
and for every agenda item the block the unit belongs to, the award, the counts, the share needed,
the outcome with its explanation, the caps, and the SHA-256 of the results. Issued once, when the
session is closed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from awards.caps import CapLine, cap_lines
from awards.models import AgendaItem, AwardType, CouncilSession
from awards.services.sessions import present_members
from blocks.models import CouncilRole
from emulation import audit
from emulation.errors import DomainError
from emulation.issued import issue_document
from emulation.models import IssuedDocument, User

# An official document is written in Vietnamese whatever the reader's language (Decree 30/2020).
TITLE = "BIÊN BẢN PHIÊN HỌP HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"
METHOD_VI = {
    CouncilSession.Method.ONLINE: "bỏ phiếu kín trực tuyến",
    CouncilSession.Method.PAPER: "bỏ phiếu kín bằng phiếu giấy tại phiên họp",
}
OUTCOME_VI = {
    AgendaItem.Outcome.APPROVED: "Thông qua",
    AgendaItem.Outcome.REJECTED: "Không thông qua (không đủ số phiếu đồng ý)",
    AgendaItem.Outcome.CAPPED: "Không thông qua (vượt số lượng tối đa)",
    AgendaItem.Outcome.NO_QUORUM: "Chưa xem xét (không đủ số thành viên)",
}


def _share_vi(item: AgendaItem) -> str:
    fraction = f"{item.approval_numerator}/{item.approval_denominator}"
    base = "số thành viên tham gia biểu quyết"
    return f"trên {fraction} {base}" if item.approval_strict else f"từ {fraction} trở lên {base}"


def _cap_vi(line: CapLine, award: AwardType) -> str:
    if line.authority_wide:
        text = (
            f"{award.name_vi}: đề nghị không quá {award.cap_percent or 0}% của {line.leading}"
            f" đơn vị dẫn đầu các khối, tức tối đa {line.cap} đơn vị"
        )
    else:
        text = f"{award.name_vi}: tối đa {line.cap} đơn vị mỗi khối ({line.block})"
    text += f"; đã được thông qua trước: {line.taken}; đề nghị tại phiên họp: {line.proposed}"
    if line.approved is not None:
        text += f"; được thông qua: {line.approved}"
    return text + "."


def default_signers(session: CouncilSession, by: User) -> tuple[str, str]:
    """Who signs the minutes when the form does not say: the session is chaired by the council
    member whose position is the council's chair ("Chủ tịch …"), and its secretary is the person
    who issues the minutes."""
    chair = (
        CouncilRole.objects.filter(
            authority=session.authority_id,
            role=CouncilRole.Role.MEMBER,
            title__istartswith="chủ tịch",
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return (chair.user.get_full_name() if chair else by.get_full_name()), by.get_full_name()


def minutes_context(
    session: CouncilSession, *, chair_name: str = "", secretary_name: str = ""
) -> dict[str, Any]:
    authority = session.authority
    items = list(
        session.items.select_related(
            "nomination__award_type", "nomination__block_year__block"
        ).order_by("position", "pk")
    )
    size = session.council_size or 0
    voted = session.cast or 0
    present = list(present_members(session))
    rows: list[dict[str, Any]] = []
    for item in items:
        nomination = item.nomination
        rows.append(
            {
                "unit": nomination.name,
                "block": nomination.block_year.block.name,
                # The minutes name the block a flag's nominee leads (DOMAIN §5).
                "leads": nomination.award_type.candidates == AwardType.Candidates.LEADING,
                "award": nomination.award_type.name_vi,
                "agree": item.approvals or 0,
                "disagree": item.disapprovals or 0,
                "share": _share_vi(item),
                "needed": item.votes_needed(voted),
                "outcome": OUTCOME_VI.get(AgendaItem.Outcome(item.outcome), "")
                if item.outcome
                else "",
                "approved": item.outcome == AgendaItem.Outcome.APPROVED,
            }
        )
    awards: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = awards.setdefault(row["award"], {"award": row["award"], "proposed": 0, "units": []})
        entry["proposed"] += 1
        if row["approved"]:
            entry["units"].append(f"{row['unit']} ({row['block']})")
    names = {item.nomination.award_type_id: item.nomination.award_type for item in items}
    caps = []
    for line in cap_lines(authority, session.year, session):
        caps.append(_cap_vi(line, names[line.award_id]))
    return {
        "issuer_name": authority.name.upper(),
        "parent_body": "",
        "place": authority.place,
        "date": session.held_on,
        "title": TITLE,
        "summary": session.title,
        "session": session,
        "meeting_place": session.place,
        "held_on": session.held_on,
        "size": size,
        "present": present,
        "present_count": len(present) if session.method == CouncilSession.Method.ONLINE else voted,
        "voted": voted,
        "quorum": f"{session.quorum_numerator}/{session.quorum_denominator}",
        "quorum_needed": session.quorum_needed(size),
        "quorum_reached": bool(session.quorum_reached),
        "method": METHOD_VI[CouncilSession.Method(session.method)],
        "rows": rows,
        "people": any(item.nomination.person_id for item in items),
        "awards": list(awards.values()),
        "caps": caps,
        "sha256": session.results_sha256,
        # Signed by the session's secretary and its chair, by name (Decree 30/2020, Appendix
        # III, form of "biên bản").
        "signatures": [
            {"position": "THƯ KÝ", "name": secretary_name},
            {"position": "CHỦ TRÌ PHIÊN HỌP", "name": chair_name},
        ],
        "recipients": ["Thành viên Hội đồng", "Ban Thi đua - Khen thưởng", "Lưu: VT"],
    }


@transaction.atomic
def issue_session_minutes(
    session: CouncilSession, *, by: User, chair_name: str = "", secretary_name: str = ""
) -> IssuedDocument:
    """Issue the minutes of a closed session, once, numbered in the council's register and
    signed by the session's chair and secretary (by default, `default_signers`)."""
    session = (
        CouncilSession.objects.select_for_update(of=("self",))
        .select_related("authority")
        .get(pk=session.pk)
    )
    if session.status != CouncilSession.Status.CLOSED:
        raise DomainError(_("The minutes are issued once the session is closed."))
    if session.minutes_id is not None:
        raise DomainError(_("The minutes of this session have already been issued."))
    with translation.override("vi"):
        chair_default, secretary_default = default_signers(session, by)
        chair_name = " ".join(chair_name.split()) or chair_default
        secretary_name = " ".join(secretary_name.split()) or secretary_default
        context = minutes_context(session, chair_name=chair_name, secretary_name=secretary_name)
        document = issue_document(
            kind="council_minutes",
            title=f"Biên bản phiên họp Hội đồng Thi đua - Khen thưởng: {session.title}",
            issuer_name=session.authority.name,
            template_name="awards/session_minutes_pdf.html",
            context=context,
            symbol="BB-HĐTĐKT",
            by=by,
            subject=session,
            metadata={
                "session": session.pk,
                "year": session.year,
                "council_size": context["size"],
                "voted": context["voted"],
                "quorum_reached": context["quorum_reached"],
                "results_sha256": session.results_sha256,
                "chair": chair_name,
                "secretary": secretary_name,
                "results": [
                    {
                        "unit": r["unit"],
                        "block": r["block"],
                        "award": r["award"],
                        "for": r["agree"],
                        "against": r["disagree"],
                        "approved": r["approved"],
                    }
                    for r in context["rows"]
                ],
            },
        )
    session.minutes = document
    session.save(update_fields=["minutes"])
    audit.record(
        "awards.councilsession.minutes_issued",
        actor=by,
        obj=session,
        after={"minutes": document.code, "issued_at": timezone.now().isoformat()},
    )
    return document
