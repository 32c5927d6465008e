"""The Department of Home Affairs' submission to the Chairman of the People's Committee (Tờ trình
của Sở Nội vụ): the step between the council's vote and the award decision.

The council's staff record it with its number, date and signer (the Director of the Department);
it lists every nomination the council approved for an award the province decides (not a
Government-level one, which goes to the Ministry of Home Affairs) that no decision and no earlier
submission lists, and is issued as a PDF at once (`emulation.issued.issue_document`). A decision
drafted afterwards for those nominations cites it: "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ
trình số …" (`services.decisions.draft_decision`).
"""

from __future__ import annotations

import datetime

import rules
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from awards.models import AwardType, Nomination, Submission
from awards.services.decisions import clean_number
from blocks.models import Authority
from emulation import audit
from emulation.errors import DomainError
from emulation.models import User

DEFAULT_SIGNER_TITLE = "GIÁM ĐỐC"


def to_submit(authority: Authority, year: int) -> QuerySet[Nomination]:
    """The nominations the council approved for an award the province decides, that year, that
    no decision and no submission lists yet: by award, block, then unit."""
    return (
        Nomination.objects.filter(
            status=Nomination.Status.APPROVED,
            block_year__block__authority=authority,
            block_year__year=year,
            awardee__isnull=True,
            submissions__isnull=True,
        )
        .exclude(award_type__level=AwardType.Level.GOVERNMENT)
        .select_related("award_type", "block_year__block")
        .order_by(
            "award_type__position", "award_type__code", "block_year__block__name", "unit_name"
        )
    )


def _check(authority: Authority, number: str, signer_name: str) -> str:
    number = clean_number(number, example="45/TTr-SNV")
    if Submission.objects.filter(authority=authority, number=number).exists():
        raise DomainError(_taken(number), field="number")
    if not (signer_name or "").strip():
        raise DomainError(_("Write the name of the person who signs."), field="signer_name")
    return number


def _taken(number: str) -> str:
    return _(
        "The Department already has a submission numbered %(number)s. Check the number in the"
        " office's register and use the next free one."
    ) % {"number": number}


@transaction.atomic
def issue_submission(
    authority: Authority,
    year: int,
    *,
    by: User,
    number: str,
    signed_on: datetime.date,
    signer_name: str,
    signer_title: str = DEFAULT_SIGNER_TITLE,
) -> Submission:
    """Record and issue the Department's submission for the authority's year: the council's
    staff, once the council approved at least one nomination that no decision or submission
    lists; the number is unique within the authority."""
    from awards.documents import submissions as documents

    if not rules.has_perm("awards.run_council", by, authority):
        raise DomainError(_("Only the council's staff issue the Department's submission."))
    number = _check(authority, number, signer_name)
    locked = list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(pk__in=to_submit(authority, year).values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    nominations = list(to_submit(authority, year).filter(pk__in=locked))
    if not nominations:
        raise DomainError(
            _(
                "No nomination approved by the council in %(year)d is waiting for the"
                " Department's submission."
            )
            % {"year": year}
        )
    submission = Submission(
        authority=authority,
        year=year,
        number=number,
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        signer_title=(signer_title or "").strip() or DEFAULT_SIGNER_TITLE,
        created_by=by,
    )
    try:
        with transaction.atomic():
            submission.save(force_insert=True)
    except IntegrityError as error:
        raise DomainError(_taken(number), field="number") from error
    submission.nominations.set(nominations)
    with translation.override("vi"):
        submission.document = documents.issue_submission_document(submission, nominations, by=by)
    submission.save(update_fields=["document"])
    audit.record(
        "awards.submission.issued",
        actor=by,
        obj=submission,
        after={
            **audit.snapshot(submission, ["number", "signed_on", "signer_name", "year"]),
            "nominations": [n.pk for n in nominations],
            "document": submission.document.code,
        },
    )
    return submission
