"""Revoking an award by a later decision (Law 06/2022/QH15, Chapter VII "Xử lý vi phạm"; the
grounds are its four cases, see docs/decisions.md): the council's staff of the authority record
the revoking decision's number, date, signer, ground and reason; it is issued as a PDF at once,
and the award is marked revoked on the public results and the decision's page
(`Awardee.objects.in_force()` leaves it out).

Only an award of an issued or published decision (not a proposal to the Ministry) is revoked,
once. An archived year does not stop it: the revocation is a later decision of the authority,
often years after the award.
"""

from __future__ import annotations

import datetime

import rules
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from awards.models import Awardee, Decision, Revocation
from awards.services.decisions import DEFAULT_SIGNER_TITLE, check_number
from emulation import audit
from emulation.errors import DomainError
from emulation.models import User


@transaction.atomic
def revoke_award(
    awardee: Awardee,
    *,
    by: User,
    number: str,
    signed_on: datetime.date,
    signer_name: str,
    ground: str,
    reason: str,
    signer_title: str = DEFAULT_SIGNER_TITLE,
) -> Revocation:
    """Revoke one award by a later decision, with its ground and reason: the council's staff of
    the authority; an award of an issued or published decision, once; the number is unique
    among the authority's decisions."""
    from awards.documents import revocations as documents

    awardee = (
        Awardee.objects.select_for_update(of=("self",))
        .select_related("decision__authority", "decision__award_type", "certificate")
        .get(pk=awardee.pk)
    )
    decision = awardee.decision
    if not rules.has_perm("awards.manage_decision", by, decision):
        raise DomainError(_("Only the council's staff revoke an award."))
    if decision.kind != Decision.Kind.DECISION or decision.status == Decision.Status.DRAFT:
        raise DomainError(_("Only an award of an issued decision can be revoked."))
    if Revocation.objects.filter(awardee=awardee).exists():
        raise DomainError(_("This award is already revoked."))
    if ground not in Revocation.Ground.values:
        raise DomainError(_("Choose the ground the law gives for revoking."), field="ground")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for revoking the award."), field="reason")
    if not (signer_name or "").strip():
        raise DomainError(_("Write the name of the person who signs."), field="signer_name")
    if signed_on < decision.signed_on:
        raise DomainError(
            _("The revoking decision comes after the decision it revokes."), field="signed_on"
        )
    revocation = Revocation(
        awardee=awardee,
        authority=decision.authority,
        number=check_number(decision.authority_id, number, example="310/QĐ-UBND"),
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        signer_title=(signer_title or "").strip() or DEFAULT_SIGNER_TITLE,
        ground=ground,
        reason=reason,
        created_by=by,
    )
    try:
        with transaction.atomic():
            revocation.save(force_insert=True)
    except IntegrityError as error:
        raise DomainError(_("This award is already revoked, or the number is taken.")) from error
    with translation.override("vi"):
        revocation.document = documents.issue_revocation_document(revocation, by=by)
    revocation.save(update_fields=["document"])
    audit.record(
        "awards.award.revoked",
        actor=by,
        obj=decision,
        before={"awardee": awardee.pk, "unit": awardee.name, "revoked": False},
        after={
            "awardee": awardee.pk,
            "revoked": True,
            "number": revocation.number,
            "signed_on": revocation.signed_on.isoformat(),
            "ground": ground,
            "document": revocation.document.code,
        },
        reason=reason,
    )
    return revocation
