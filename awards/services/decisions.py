"""The council's award decisions (DOMAIN §6): drafted by the Emulation Board from the nominations
the council approved, issued as a PDF in the state format with certificates for the awardees,
and published on the public results page.

A decision moves draft → issued → published (`Decision.TRANSITIONS`). For an award the
Government decides (`AwardType.Level.GOVERNMENT`), the province does not award: it proposes, so
the "decision" is the province's proposal letter to the Ministry of Home Affairs, its nominations
stay approved (the Prime Minister decides) and no certificate is issued; its awardee rows record
that they were proposed.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from awards.documents.letters import DECREE, LAW
from awards.models import Awardee, AwardType, Decision, Nomination, Revocation, Submission
from blocks.models import Authority, Membership, UnitRole
from emulation import audit, mail
from emulation.errors import DomainError
from emulation.models import User

# Liberal on purpose: offices number their documents in many ways ("125/QĐ-UBND",
# "07/TTr-UBND", "1234/QĐ-CT"), but a number starts with digits and carries a symbol after a
# slash, with no spaces.
NUMBER_PATTERN = re.compile(r"^\d{1,6}/[^\s/][^\s]*$")
NUMBER_MAX = 40
EDITABLE_FIELDS = ("number", "signed_on", "signer_name", "signer_title", "legal_bases")
DEFAULT_SIGNER_TITLE = "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"


def kind_for(award: AwardType) -> str:
    """A Government-level award is proposed to the Ministry of Home Affairs, not decided."""
    if award.level == AwardType.Level.GOVERNMENT:
        return Decision.Kind.PROPOSAL
    return Decision.Kind.DECISION


# The bases a province's award decision opens with (docs/decisions.md says what was checked):
# the law on local government in force on the decision's date, the Law on Emulation and
# Commendation, the decree in force on that date, and the province's own regulation.
NEW_DECREE_FROM = datetime.date(2025, 7, 1)  # Decree 152/2025/NĐ-CP replaces Decree 98/2023/NĐ-CP
NEW_LOCAL_GOVERNMENT_FROM = datetime.date(2025, 6, 16)  # Law 72/2025/QH15, in force when passed
LOCAL_GOVERNMENT_2025 = (
    "Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025"
)
LOCAL_GOVERNMENT_2015 = (
    "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số"
    " điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11"
    " năm 2019"
)
DECREE_98 = (
    "Nghị định số 98/2023/NĐ-CP của Chính phủ quy định chi tiết thi hành một số điều của"
    " Luật Thi đua, khen thưởng"
)


def default_legal_bases(
    award: AwardType | None = None,
    *,
    authority: Authority | None = None,
    on: datetime.date | None = None,
) -> str:
    """The bases that open a province's award decision, one per line, as provinces write them:
    the Law on the Organisation of Local Government (Law 72/2025/QH15 from 16 June 2025), the Law
    on Emulation and Commendation 2022, the decree in force on the decision's date `on` (Decree
    152/2025/NĐ-CP from 1 July 2025, Decree 98/2023/NĐ-CP before), then the province's emulation
    regulation when the authority records it. Not the block's own rules: a block's operating
    rules bind its members, not the Chairman. The proposal ("Theo đề nghị của Giám đốc Sở Nội vụ
    tại Tờ trình số …") follows from the decision's submission."""
    on = on or timezone.localdate()
    local = LOCAL_GOVERNMENT_2025 if on >= NEW_LOCAL_GOVERNMENT_FROM else LOCAL_GOVERNMENT_2015
    lines = [local, LAW, DECREE if on >= NEW_DECREE_FROM else DECREE_98]
    if authority is not None and authority.emulation_regulation.strip():
        lines.append(authority.emulation_regulation.strip().rstrip(";."))
    return "\n".join(lines)


def submission_for(nominations: list[Nomination]) -> Submission | None:
    """The latest Department's submission that lists any of these nominations."""
    return (
        Submission.objects.filter(nominations__in=[n.pk for n in nominations])
        .order_by("-signed_on", "-pk")
        .first()
    )


def approved_for_decision(
    authority: Authority, year: int, award_type: AwardType
) -> QuerySet[Nomination]:
    """The nominations for the award that the council approved in the authority's blocks that
    year and that no decision lists yet, by block then unit."""
    return (
        Nomination.objects.filter(
            status=Nomination.Status.APPROVED,
            award_type=award_type,
            block_year__block__authority=authority,
            block_year__year=year,
            awardee__isnull=True,
        )
        .select_related("block_year__block", "unit")
        .order_by("block_year__block__name", "unit_name", "person_name", "pk")
    )


def clean_number(number: str, *, example: str) -> str:
    """A number typed as the office registered it ("125/QĐ-UBND"), or a clear refusal."""
    number = (number or "").strip()
    if not number or len(number) > NUMBER_MAX or not NUMBER_PATTERN.match(number):
        raise DomainError(
            _(
                "Write the number and symbol as the office registered it: digits, a slash and"
                " the symbol, such as %(example)s (at most %(max)d characters, no spaces)."
            )
            % {"example": example, "max": NUMBER_MAX},
            field="number",
        )
    return number


def check_number(
    authority: Authority | int,
    number: str,
    *,
    example: str = "125/QĐ-UBND",
    exclude: int | None = None,
) -> str:
    """A decision's number, free in the authority's register of decisions: the award decisions
    and the decisions revoking awards share it (both are the People's Committee's QĐ)."""
    number = clean_number(number, example=example)
    taken = Decision.objects.filter(authority=authority, number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists() or Revocation.objects.filter(authority=authority, number=number).exists():
        raise DomainError(_number_taken(number), field="number")
    return number


def _number_taken(number: str) -> str:
    return _(
        "The authority already has a document numbered %(number)s. Check the number in the"
        " office's register and use the next free one."
    ) % {"number": number}


def _save_number(decision: Decision, fields: list[str] | None = None) -> None:
    """Save under the per-authority unique number; a concurrent draft with the same number is
    refused with the same message as the check before it."""
    try:
        with transaction.atomic():
            if fields is None:
                decision.save(force_insert=True)
            else:
                decision.save(update_fields=fields)
    except IntegrityError as error:
        raise DomainError(_number_taken(decision.number), field="number") from error


def _check_text(signer_name: str, legal_bases: str) -> None:
    if not (signer_name or "").strip():
        raise DomainError(_("Write the name of the person who signs."), field="signer_name")
    if not (legal_bases or "").strip():
        raise DomainError(_("Write at least one legal basis, one per line."), field="legal_bases")


def _clean_bases(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@transaction.atomic
def draft_decision(
    authority: Authority,
    year: int,
    award_type: AwardType,
    *,
    by: User,
    number: str,
    signed_on: datetime.date,
    signer_name: str,
    signer_title: str,
    legal_bases: str,
) -> Decision:
    """Draft the decision for one award and year, listing every nomination the council approved
    and no other decision lists (at least one), ordered by block then unit. The number is unique
    within the authority. It cites the Department's submission that listed them, if any."""
    number = check_number(authority, number)
    _check_text(signer_name, legal_bases)
    # Lock the candidates first, then look again for the ones another decision took meanwhile:
    # after the lock, the other transaction has committed and its awardees are visible.
    locked = list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(
            status=Nomination.Status.APPROVED,
            award_type=award_type,
            block_year__block__authority=authority,
            block_year__year=year,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    nominations = list(approved_for_decision(authority, year, award_type).filter(pk__in=locked))
    if not nominations:
        raise DomainError(
            _(
                "No nomination for %(award)s in %(year)d is approved by the council and waiting"
                " for a decision."
            )
            % {"award": award_type.name, "year": year}
        )
    decision = Decision(
        authority=authority,
        year=year,
        award_type=award_type,
        kind=kind_for(award_type),
        number=number,
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        signer_title=(signer_title or "").strip(),
        legal_bases=_clean_bases(legal_bases),
        submission=submission_for(nominations),
        created_by=by,
    )
    _save_number(decision)
    try:
        with transaction.atomic():
            Awardee.objects.bulk_create(
                Awardee(
                    decision=decision,
                    nomination=nomination,
                    position=position,
                    unit_name=nomination.unit_name,
                    person_name=nomination.person_name,
                    person_title=nomination.person_title,
                    block_name=nomination.block_year.block.name,
                )
                for position, nomination in enumerate(nominations, start=1)
            )
    except IntegrityError as error:
        raise DomainError(
            _("Another decision took these nominations meanwhile. Open the list again.")
        ) from error
    audit.record(
        "awards.decision.drafted",
        actor=by,
        obj=decision,
        after={
            **audit.snapshot(
                decision, ["kind", "number", "signed_on", "award_type_id", "year", "submission_id"]
            ),
            "nominations": [n.pk for n in nominations],
        },
    )
    return decision


def _locked(decision: Decision) -> Decision:
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("authority", "award_type")
        .get(pk=decision.pk)
    )


def _check_draft(decision: Decision) -> None:
    if decision.status != Decision.Status.DRAFT:
        raise DomainError(
            _("The decision was issued: it can no longer change. Its PDF stays as issued.")
        )


@transaction.atomic
def update_decision(decision: Decision, *, by: User, **fields: Any) -> Decision:
    """Change a draft's number, date, signer or legal bases; an issued decision never changes."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_decision() cannot change {sorted(unknown)}")
    decision = _locked(decision)
    _check_draft(decision)
    if "number" in fields:
        fields["number"] = check_number(decision.authority, fields["number"], exclude=decision.pk)
    if "legal_bases" in fields:
        fields["legal_bases"] = _clean_bases(fields["legal_bases"] or "")
    for name in ("signer_name", "signer_title"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    _check_text(
        fields.get("signer_name", decision.signer_name),
        fields.get("legal_bases", decision.legal_bases),
    )
    changed = [name for name, value in fields.items() if getattr(decision, name) != value]
    if not changed:
        return decision
    before = audit.snapshot(decision, changed)
    for name in changed:
        setattr(decision, name, fields[name])
    _save_number(decision, changed)
    audit.record(
        "awards.decision.updated",
        actor=by,
        obj=decision,
        before=before,
        after=audit.snapshot(decision, changed),
    )
    return decision


@transaction.atomic
def discard_decision(decision: Decision, *, by: User) -> None:
    """Delete a draft and its awardee rows: its nominations wait for a decision again."""
    decision = _locked(decision)
    _check_draft(decision)
    nominations = list(decision.awardees.values_list("nomination", flat=True))
    audit.record(
        "awards.decision.discarded",
        actor=by,
        obj=decision,
        before={**audit.snapshot(decision, ["number", "kind"]), "nominations": nominations},
    )
    decision.awardees.all().delete()
    decision.delete()


def _awardees(decision: Decision) -> list[Awardee]:
    return list(
        decision.awardees.select_related("nomination__block_year__block").order_by("position", "pk")
    )


@transaction.atomic
def issue_decision(decision: Decision, *, by: User) -> Decision:
    """Issue a draft: its PDF (the decision with its annex, or the proposal to the Ministry of
    Home Affairs) is rendered and stored once. A decision also issues one certificate per
    awardee and moves its nominations from approved to awarded; a proposal leaves them approved,
    for the Prime Minister decides."""
    from awards.documents import decisions as documents

    decision = _locked(decision)
    if not decision.can_move_to(Decision.Status.ISSUED):
        raise DomainError(_("Only a draft can be issued; this one was issued already."))
    awardees = _awardees(decision)
    if not awardees:
        raise DomainError(_("The decision lists no unit. Discard it and draft it again."))
    nominations = {
        n.pk: n
        for n in Nomination.objects.select_for_update(of=("self",)).filter(
            pk__in=[a.nomination_id for a in awardees]
        )
    }
    unapproved = [
        a.name
        for a in awardees
        if nominations[a.nomination_id].status != Nomination.Status.APPROVED
    ]
    if unapproved:
        raise DomainError(
            _("These nominations are no longer approved by the council: %(units)s.")
            % {"units": "; ".join(unapproved)}
        )
    now = timezone.now()
    decision.document = documents.issue_decision_document(decision, awardees, by=by)
    decision.status = Decision.Status.ISSUED
    decision.issued_at, decision.issued_by = now, by
    decision.save(update_fields=["document", "status", "issued_at", "issued_by"])
    awarded: list[int] = []
    if decision.kind == Decision.Kind.DECISION:
        # One certificate per awardee, issued after this commits, each in a transaction of its
        # own (`issue_certificates_of`): a decision for hundreds of units answers at once and
        # holds the audit log's head for one certificate at a time.
        transaction.on_commit(CertificatesAfterIssue(decision.pk, by.pk))
        moved = list(nominations.values())
        for nomination in moved:
            assert nomination.can_move_to(Nomination.Status.AWARDED)
            nomination.status = Nomination.Status.AWARDED
        Nomination.objects.bulk_update(moved, ["status"])
        awarded = sorted(nominations)
    audit.record(
        "awards.decision.issued",
        actor=by,
        obj=decision,
        before={"status": Decision.Status.DRAFT},
        after={
            "status": Decision.Status.ISSUED,
            "document": decision.document.code,
            "awarded": awarded,
        },
    )
    return decision


class CertificatesAfterIssue:
    """What `issue_decision` leaves for after the commit: have a worker issue the certificates."""

    makes_documents = True  # as `emulation.issued.AfterIssue` (tests/conftest.py)

    def __init__(self, decision_id: int, user_id: int | None) -> None:
        self.decision_id, self.user_id = decision_id, user_id

    def __call__(self) -> None:
        issue_certificates.enqueue(decision_id=self.decision_id, user_id=self.user_id)


@task()
def issue_certificates(*, decision_id: int, user_id: int | None) -> None:
    """The background task issuing an issued decision's certificates (`manage.py db_worker`;
    in-process in tests)."""
    by = User.objects.filter(pk=user_id).first() if user_id is not None else None
    issue_certificates_of(decision_id, by=by)


def issue_certificates_of(decision_id: int, *, by: User | None) -> list[Awardee]:
    """The certificates of an issued decision: one per awardee that has none yet, each issued in
    its own transaction, the awardee's row locked, so that a task run twice (or two workers)
    never issues two for the same unit. Returns the awardees given one."""
    from awards.documents import decisions as documents

    decision = Decision.objects.select_related("authority").get(pk=decision_id)
    if decision.kind != Decision.Kind.DECISION or decision.status == Decision.Status.DRAFT:
        return []
    done = []
    for awardee_id in (
        Awardee.objects.filter(decision=decision, certificate=None)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            awardee = (
                Awardee.objects.select_for_update()
                .filter(pk=awardee_id, certificate=None)
                .select_related("nomination")
                .first()
            )
            if awardee is None:
                continue
            awardee.certificate = documents.issue_certificate(decision, awardee, by=by)
            awardee.save(update_fields=["certificate"])
            done.append(awardee)
    return done


def _recipients(decision: Decision) -> QuerySet[User]:
    """The awardee units' leaders and officers, and the secretariats of their blocks."""
    nominations = Nomination.objects.filter(awardee__decision=decision)
    block_years = nominations.values("block_year")
    leading = (
        Membership.objects.leading().current().filter(block_year__in=block_years).values("unit")
    )
    return User.objects.filter(
        Q(unit_roles__unit__in=nominations.values("unit")) | Q(unit_roles__unit__in=leading),
        is_active=True,
        unit_roles__role__in=[UnitRole.Role.LEADER, UnitRole.Role.OFFICER],
    ).distinct()


@transaction.atomic
def publish_decision(decision: Decision, *, by: User) -> Decision:
    """Publish an issued decision on the public results page and tell the awardee units and
    their blocks' secretariats by e-mail."""
    decision = _locked(decision)
    if not decision.can_move_to(Decision.Status.PUBLISHED):
        raise DomainError(
            _("Only an issued decision can be published; issue it first.")
            if decision.status == Decision.Status.DRAFT
            else _("The decision is published already.")
        )
    decision.status = Decision.Status.PUBLISHED
    decision.published_at, decision.published_by = timezone.now(), by
    decision.save(update_fields=["status", "published_at", "published_by"])
    audit.record(
        "awards.decision.published",
        actor=by,
        obj=decision,
        before={"status": Decision.Status.ISSUED},
        after={"status": Decision.Status.PUBLISHED},
    )
    mail.send_templated_mail(
        template="decision_published",
        recipients=_recipients(decision),
        context={
            "proposal": decision.kind == Decision.Kind.PROPOSAL,
            "number": decision.number,
            "signed_on": decision.signed_on.strftime("%d/%m/%Y"),
            "award": decision.award_type.name_vi,
            "year": decision.year,
            "authority": decision.authority.name,
            "units": [a.name for a in decision.awardees.order_by("position", "pk")],
            "path": reverse("awards:results", args=[decision.authority_id, decision.year]),
        },
    )
    return decision


# The public results ------------------------------------------------------------------------------


def published_results(authority: Authority, year: int) -> list[Decision]:
    """The authority's published decisions of the year with their awardees (two queries)."""
    return list(
        Decision.objects.filter(authority=authority, year=year, status=Decision.Status.PUBLISHED)
        .select_related("award_type", "document")
        .prefetch_related(
            Prefetch(
                "awardees",
                queryset=Awardee.objects.select_related("revocation__document").order_by(
                    "position", "pk"
                ),
            )
        )
        .order_by("award_type__position", "award_type__code", "signed_on", "pk")
    )


def published_sha256(authority: Authority | None = None, year: int | None = None) -> str:
    """A SHA-256 over the published decisions (an authority's of a year, or all): each one's id,
    the SHA-256 of its issued document, which names its awardees, and how many of its awards a
    later decision revoked (one query). Empty when one
    has no document, as nothing then stands for what it says."""
    decisions = Decision.objects.filter(status=Decision.Status.PUBLISHED)
    if authority is not None and year is not None:
        decisions = decisions.filter(authority=authority, year=year)
    # A revocation changes what the results show, not the decision's document: each decision's
    # number of revoked awards is in the hash (a revocation is never undone).
    found = list(
        decisions.order_by("pk")
        .annotate(revoked=Count("awardees__revocation"))
        .values_list("pk", "document__sha256", "revoked")
    )
    if not all(sha256 for _pk, sha256, _revoked in found):
        return ""
    scope = [authority.pk if authority is not None else None, year]
    return hashlib.sha256(json.dumps([scope, found]).encode()).hexdigest()


def results_years() -> list[dict[str, Any]]:
    """Each authority and year with at least one published decision, with the counts."""
    rows = (
        Decision.objects.filter(status=Decision.Status.PUBLISHED)
        .values("authority", "authority__name", "year")
        .annotate(decisions=Count("pk", distinct=True), units=Count("awardees"))
        .order_by("authority__name", "-year")
    )
    return [dict(row) for row in rows]
