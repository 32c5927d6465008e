"""The minutes of the block's deliberation meeting and vote results (biên bản họp bình xét và kết
quả bỏ phiếu) as an issued document: the published ranking, then every closed ballot with its
quorum, threshold, counts and outcome. It goes into the year's nomination dossier."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from awards.models import Ballot, BallotCandidate, Dossier
from awards.services.ballots import quorum_count
from blocks.models import BlockYear, Membership, UnitRole
from blocks.services import check_not_archived
from emulation import audit
from emulation.errors import DomainError
from emulation.issued import issue_date, issue_document
from emulation.models import IssuedDocument, User
from scoring.models import RankingRow

# An official document is written in Vietnamese whatever the reader's language (Decree 30/2020).
TITLE = "BIÊN BẢN HỌP BÌNH XÉT VÀ KẾT QUẢ BỎ PHIẾU"
KIND_VI = {
    Ballot.Kind.ACCLAIM: "Suy tôn đơn vị dẫn đầu",
    Ballot.Kind.NOMINATION: "Bình xét đề nghị khen thưởng",
    Ballot.Kind.TIE: "Bỏ phiếu xác định đơn vị xếp thứ nhất (đồng điểm)",
    Ballot.Kind.HEAD: "Bầu đơn vị Trưởng khối năm sau",
    Ballot.Kind.DEPUTY: "Bầu đơn vị Phó Trưởng khối năm sau",
}
METHOD_VI = {
    Ballot.Method.ONLINE: "bỏ phiếu kín trực tuyến",
    Ballot.Method.PAPER: "bỏ phiếu kín bằng phiếu giấy tại cuộc họp",
}
SUCCEEDED_VI = {
    Ballot.Kind.ACCLAIM: ("Được suy tôn", "Không được suy tôn"),
    Ballot.Kind.NOMINATION: ("Được đề nghị", "Không được đề nghị"),
    Ballot.Kind.TIE: ("Xếp thứ nhất", "Không xếp thứ nhất"),
    Ballot.Kind.HEAD: ("Trúng cử", "Không trúng cử"),
    Ballot.Kind.DEPUTY: ("Trúng cử", "Không trúng cử"),
}


def _share_vi(ballot: Ballot) -> str:
    base = (
        "tổng số đơn vị thành viên"
        if ballot.approval_base == Ballot.Base.MEMBERS
        else "số phiếu bầu thu về"
    )
    fraction = f"{ballot.approval_numerator}/{ballot.approval_denominator}"
    return f"trên {fraction} {base}" if ballot.approval_strict else f"từ {fraction} trở lên {base}"


def _ballot_section(ballot: Ballot) -> dict[str, Any]:
    members, cast = ballot.members or 0, ballot.cast or 0
    quorum = ballot.quorum_reached
    succeeded, failed = SUCCEEDED_VI[Ballot.Kind(ballot.kind)]
    rows = []
    for candidate in ballot.candidates.all():
        if not quorum:
            outcome = "Không đủ số đơn vị tham gia bỏ phiếu"
        else:
            outcome = succeeded if candidate.elected else failed
        rows.append(
            {
                "unit": candidate.name,  # a person proposed: name, title and unit
                "rank": candidate.rank,
                "agree": candidate.approvals or 0,
                "disagree": candidate.disapprovals or 0,
                "elected": bool(candidate.elected),
                "outcome": outcome,
            }
        )
    award = ballot.award_type
    return {
        "ballot": ballot,
        "individuals": bool(award and award.for_individuals),
        "heading": f"{KIND_VI[Ballot.Kind(ballot.kind)]}: {award.name_vi}"
        if award
        else KIND_VI[Ballot.Kind(ballot.kind)],
        "method": METHOD_VI[Ballot.Method(ballot.method)],
        "approve": ballot.mode == Ballot.Mode.APPROVE,
        "seats": ballot.seats,
        "members": members,
        "cast": cast,
        "quorum": f"{ballot.quorum_numerator}/{ballot.quorum_denominator}",
        "quorum_count": quorum_count(ballot, members),
        "quorum_reached": bool(quorum),
        "share": _share_vi(ballot),
        "needed": ballot.votes_needed(cast, members),
        "rows": rows,
        "elected": [row["unit"] for row in rows if row["elected"]],
        "sha256": ballot.results_sha256,
    }


def _closed_ballots(block_year: BlockYear) -> list[Ballot]:
    candidates = BallotCandidate.objects.order_by("position", "pk")
    return list(
        block_year.ballots.filter(status=Ballot.Status.CLOSED)
        .select_related("award_type")
        .prefetch_related(Prefetch("candidates", queryset=candidates))
        .order_by("closed_at", "pk")
    )


def default_signers(block_year: BlockYear, by: User) -> tuple[str, str]:
    """Who signs the minutes when the form does not say: the meeting is chaired by the leader of
    the block's head unit, and its secretary is the person who issues the minutes."""
    head = (
        block_year.memberships.filter(left_on__isnull=True, role=Membership.Role.HEAD)
        .select_related("unit")
        .first()
    )
    leader = (
        UnitRole.objects.filter(unit=head.unit_id, role=UnitRole.Role.LEADER)
        .select_related("user")
        .order_by("pk")
        .first()
        if head is not None
        else None
    )
    return (leader.user.get_full_name() if leader else by.get_full_name()), by.get_full_name()


def minutes_context(
    block_year: BlockYear, *, chair_name: str = "", secretary_name: str = ""
) -> dict[str, Any]:
    block = block_year.block
    ballots = _closed_ballots(block_year)
    members = list(
        block_year.memberships.filter(left_on__isnull=True)
        .select_related("unit")
        .order_by("position", "pk")
    )
    head = next((m for m in members if m.role == Membership.Role.HEAD), None)
    ranking = list(
        RankingRow.objects.filter(ranking__table__block_year=block_year).order_by(
            "rank", "unit_name"
        )
    )
    closed = [b.closed_at for b in ballots if b.closed_at]
    return {
        "issuer_name": block.name.upper(),
        "parent_body": block.authority.name.upper(),
        "place": block.authority.place,
        # Dated the day they are issued and signed (Decree 30/2020: a document bears the date it
        # is signed), at the earliest the day the last ballot was counted.
        "date": max([issue_date(), *(timezone.localdate(c) for c in closed)]),
        "title": TITLE,
        "summary": f"Năm {block_year.year}",
        "block_year": block_year,
        "members": members,
        "head": head,
        "ranking": ranking,
        "sections": [_ballot_section(b) for b in ballots],
        # Minutes are signed by the persons who kept and chaired the meeting (Decree 30/2020,
        # Appendix III, form of "biên bản"): the secretary on the left, the chair on the right.
        "signatures": [
            {"position": "THƯ KÝ", "name": secretary_name},
            {"position": "CHỦ TRÌ", "name": chair_name},
        ],
        "recipients": [
            f"{block.authority.name} (để báo cáo)",
            "Các đơn vị thành viên Khối",
            "Lưu: Văn phòng Khối",
        ],
    }


def _metadata(sections: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "ballots": [
            {
                "id": s["ballot"].pk,
                "title": s["ballot"].title,
                "kind": s["ballot"].kind,
                "award": s["ballot"].award_type.code if s["ballot"].award_type else "",
                "method": s["ballot"].method,
                "members": s["members"],
                "cast": s["cast"],
                "quorum_reached": s["quorum_reached"],
                "results_sha256": s["sha256"],
                "results": [
                    {
                        "unit": row["unit"],
                        "agree": row["agree"],
                        "disagree": row["disagree"],
                        "elected": row["elected"],
                    }
                    for row in s["rows"]
                ],
            }
            for s in sections
        ]
    }


@transaction.atomic
def issue_minutes(
    block_year: BlockYear, *, by: User, chair_name: str = "", secretary_name: str = ""
) -> IssuedDocument:
    """Issue the minutes once every ballot of the year is closed (at least one), and file them in
    the year's dossier, replacing earlier minutes until the dossier is sent to the council. They
    are numbered in the block's register of minutes, and signed by the meeting's chair and
    secretary (by default, `default_signers`)."""
    check_not_archived(block_year)
    block_year = (
        BlockYear.objects.select_for_update(of=("self",))
        .select_related("block__authority")
        .get(pk=block_year.pk)
    )
    statuses = set(block_year.ballots.values_list("status", flat=True))
    if Ballot.Status.CLOSED not in statuses:
        raise DomainError(_("No ballot has been closed yet: there are no results to minute."))
    if statuses - {Ballot.Status.CLOSED}:
        raise DomainError(_("Close or record every ballot of the year before issuing the minutes."))
    dossier, _created = Dossier.objects.select_for_update().get_or_create(block_year=block_year)
    if dossier.status == Dossier.Status.SUBMITTED:
        raise DomainError(
            _("The dossier has been sent to the council: its minutes can no longer change.")
        )
    chair_default, secretary_default = default_signers(block_year, by)
    chair_name = " ".join(chair_name.split()) or chair_default
    secretary_name = " ".join(secretary_name.split()) or secretary_default
    context = minutes_context(block_year, chair_name=chair_name, secretary_name=secretary_name)
    with translation.override("vi"):
        document = issue_document(
            kind="minutes",
            title=f"Biên bản họp bình xét và kết quả bỏ phiếu năm {block_year.year}"
            f" – {block_year.block.name}",
            issuer_name=block_year.block.name,
            template_name="awards/minutes_pdf.html",
            context=context,
            symbol="BB-KTĐ",
            by=by,
            subject=block_year,
            metadata={
                **_metadata(context["sections"]),
                "chair": chair_name,
                "secretary": secretary_name,
            },
        )
    before = {"minutes": dossier.minutes.code if dossier.minutes else ""}
    dossier.minutes = document
    dossier.save(update_fields=["minutes"])
    audit.record(
        "awards.minutes.issued",
        actor=by,
        obj=dossier,
        before=before,
        after={"minutes": document.code, "ballots": [s["ballot"].pk for s in context["sections"]]},
    )
    return document
