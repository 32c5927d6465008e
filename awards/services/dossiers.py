"""Nominations and the block's dossier for the council.

A nomination is created only by a nomination ballot that chose the unit (`nominate_from_ballot`).
The unit then writes its achievement report (its leader approves it, which issues the report as
a PDF), gives the attestations the award asks for and attaches related documents; the secretariat
issues the proposal letter listing every nominee. The dossier is complete when every item of its
checklist (`Dossier.objects.state_of`) is done; it is sent to the council as one package,
described by a manifest of SHA-256 hashes (`submit_dossier`). Council staff may return one
nomination with a reason; the secretariat sends it again once fixed, and the audit log says which
parts changed.

Each change is atomic, locks the row it competes for, checks its guard (raising DomainError with a
message a person can act on), records an audit event with before and after, and queues e-mail
after the commit.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import eligibility
from awards.documents import letters
from awards.models import (
    Ballot,
    Dossier,
    Nomination,
    NominationFile,
    attestation_text,
)
from awards.models.dossiers import letter_key, nomination_checklist
from awards.models.nominations import missing_sections, passes
from blocks.models import BlockYear, CouncilRole, Membership, UnitRole
from blocks.services import check_not_archived
from emulation import audit, mail
from emulation.errors import DomainError
from emulation.issued import sha256_of
from emulation.models import IssuedDocument, User
from emulation.uploads import validate_upload

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_NOMINATION = 20
EDITABLE = (Nomination.Status.DRAFT, Nomination.Status.RETURNED)


# Creation -------------------------------------------------------------------------------------


def nominate_from_ballot(ballot: Ballot, *, by: User) -> list[Nomination]:
    """One nomination per unit (or person, on an award to individuals) the ballot chose (inside
    the closing transaction), with the eligibility check as it stood."""
    check_not_archived(ballot.block_year_id)
    award = ballot.award_type
    assert award is not None
    created = []
    for candidate in ballot.candidates.filter(elected=True).select_related("unit", "person__unit"):
        if candidate.person is not None:
            nomination, new = Nomination.objects.get_or_create(
                block_year=ballot.block_year,
                award_type=award,
                person=candidate.person,
                defaults={
                    "unit": candidate.unit,
                    "unit_name": candidate.unit_name,
                    "person_name": candidate.person_name,
                    "person_title": candidate.person_title,
                    "ballot": ballot,
                },
            )
        else:
            nomination, new = Nomination.objects.get_or_create(
                block_year=ballot.block_year,
                award_type=award,
                unit=candidate.unit,
                person=None,
                defaults={"unit_name": candidate.unit_name, "ballot": ballot},
            )
        if new:
            created.append(nomination)
    # The facts of the year read once, with every nomination this ballot made in them.
    facts = eligibility.facts_of(ballot.block_year) if created else None
    for nomination in created:
        results = eligibility.check(
            award, ballot.block_year, nomination.unit, nomination=nomination, facts=facts
        )
        nomination.eligibility = [r.as_dict() for r in results]
        nomination.eligibility_checked_at = timezone.now()
        nomination.save(update_fields=["eligibility", "eligibility_checked_at"])
        audit.record(
            "awards.nomination.created",
            actor=by,
            obj=nomination,
            after={
                "unit": nomination.unit_name,
                **({"person": nomination.person_name} if nomination.person_id else {}),
                "award": award.code,
                "ballot": ballot.pk,
            },
        )
    return created


# Guards ---------------------------------------------------------------------------------------


def _locked(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("block_year__block__authority", "award_type", "unit", "report_document")
        .get(pk=nomination.pk)
    )


def _check_editable(nomination: Nomination) -> None:
    if nomination.status not in EDITABLE:
        raise DomainError(
            _(
                "The nomination was sent to the council; it can change again only if the council"
                " returns it."
            )
        )


def _for_the_unit(nomination: Nomination, by: User, permission: str, message: str) -> None:
    """Unit-own actions are done by the unit's own people (no higher role does them)."""
    if not rules.has_perm(permission, by, nomination):
        raise DomainError(message % {"unit": nomination.unit_name})


def _refresh(nomination: Nomination) -> list[dict[str, Any]]:
    results = eligibility.check(
        nomination.award_type, nomination.block_year, nomination.unit, nomination=nomination
    )
    nomination.eligibility = [r.as_dict() for r in results]
    nomination.eligibility_checked_at = timezone.now()
    return nomination.eligibility


def _eligibility_summary(stored: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "passes": passes(stored),
        "failed": [r["code"] for r in stored if r.get("passed") is False],
        "waiting": [r["code"] for r in stored if r.get("passed") is None],
    }


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# The achievement report -----------------------------------------------------------------------


@transaction.atomic
def save_report(nomination: Nomination, *, by: User, **sections: str) -> list[str]:
    """The unit's people write the achievement report, section by section, while the nomination
    is being prepared or has been returned. Changing an approved report withdraws the approval:
    the leader approves the new text again. Returns the sections that changed."""
    check_not_archived(nomination.block_year_id)
    unknown = set(sections) - set(Nomination.REPORT_FIELDS)
    if unknown:
        raise ValueError(f"not sections of the report: {sorted(unknown)}")
    nomination = _locked(nomination)
    _for_the_unit(
        nomination,
        by,
        "awards.write_report",
        _("Only the people of %(unit)s write its achievement report."),
    )
    _check_editable(nomination)
    values = {name: (text or "").strip() for name, text in sections.items()}
    for name, text in values.items():
        model_field = Nomination._meta.get_field(name)
        limit = getattr(model_field, "max_length", None) or 20000
        if len(text) > limit:
            raise DomainError(
                _("A section takes at most %(n)d characters.") % {"n": limit}, field=name
            )
    changed = [name for name, text in values.items() if getattr(nomination, name) != text]
    if not changed:
        return []
    was_approved = nomination.report_is_approved
    before: dict[str, Any] = {name: _sha(getattr(nomination, name)) for name in changed}
    before["approved"] = was_approved
    for name in changed:
        setattr(nomination, name, values[name])
    nomination.report_updated_at = timezone.now()
    fields = [*changed, "report_updated_at"]
    if was_approved:
        nomination.report_approved_at = None
        nomination.report_approved_by = None
        nomination.report_document = None
        fields += ["report_approved_at", "report_approved_by", "report_document"]
    nomination.save(update_fields=fields)
    after: dict[str, Any] = {name: _sha(values[name]) for name in changed}
    after["approved"] = False
    audit.record(
        "awards.nomination.report_saved", actor=by, obj=nomination, before=before, after=after
    )
    return changed


@transaction.atomic
def approve_report(nomination: Nomination, *, by: User) -> IssuedDocument:
    """The unit's leader approves the achievement report once every section is written; it is
    issued as a PDF (with its verification code) and that PDF goes into the dossier."""
    check_not_archived(nomination.block_year_id)
    nomination = _locked(nomination)
    _for_the_unit(
        nomination,
        by,
        "awards.approve_report",
        _("Only the leader of %(unit)s approves its achievement report."),
    )
    _check_editable(nomination)
    if nomination.report_is_approved:
        raise DomainError(_("The report is already approved; change it first to approve it again."))
    missing = missing_sections(nomination)
    if missing:
        raise DomainError(
            _("Write every section of the report first. Still empty: %(sections)s.")
            % {"sections": "; ".join(missing)}
        )
    now = timezone.now()
    nomination.report_approved_at, nomination.report_approved_by = now, by
    document = letters.issue_achievement_report(nomination, by=by)
    nomination.report_document = document
    nomination.save(update_fields=["report_approved_at", "report_approved_by", "report_document"])
    audit.record(
        "awards.nomination.report_approved",
        actor=by,
        obj=nomination,
        before={"approved": False},
        # The file's SHA-256 is recorded by the document's own event once it is rendered, after
        # this commits (`emulation.issued`).
        after={"approved": True, "document": document.code},
    )
    return document


# Attestations and eligibility -----------------------------------------------------------------


@transaction.atomic
def attest(nomination: Nomination, *, by: User, answers: Mapping[str, bool]) -> Nomination:
    """The unit's leader answers every attestation the award asks for (Decree 152/2025: no award
    while under discipline, inspection or complaint review); the eligibility check is run again
    with the answers."""
    check_not_archived(nomination.block_year_id)
    nomination = _locked(nomination)
    _for_the_unit(
        nomination, by, "awards.attest", _("Only the leader of %(unit)s gives its attestations.")
    )
    _check_editable(nomination)
    asked = list(nomination.award_type.attestations)
    unknown = set(answers) - set(asked)
    if unknown:
        raise DomainError(_("The answers name an attestation this award does not ask for."))
    unanswered = [code for code in asked if answers.get(code) is None]
    if unanswered:
        raise DomainError(
            _("Answer every attestation. Not answered: %(items)s")
            % {
                "items": " ".join(
                    attestation_text(code, individual=nomination.award_type.for_individuals)
                    for code in unanswered
                )
            }
        )
    before = {
        "attestations": dict(nomination.attestations or {}),
        **_eligibility_summary(nomination.eligibility),
    }
    nomination.attestations = {code: bool(answers[code]) for code in asked}
    nomination.attested_at, nomination.attested_by = timezone.now(), by
    _refresh(nomination)
    nomination.save(
        update_fields=[
            "attestations",
            "attested_at",
            "attested_by",
            "eligibility",
            "eligibility_checked_at",
        ]
    )
    audit.record(
        "awards.nomination.attested",
        actor=by,
        obj=nomination,
        before=before,
        after={
            "attestations": nomination.attestations,
            **_eligibility_summary(nomination.eligibility),
        },
    )
    return nomination


@transaction.atomic
def refresh_eligibility(nomination: Nomination, *, by: User) -> Nomination:
    """Run the eligibility check again on today's data (other nominations, the ranking, the
    attestations) while the nomination is being prepared or has been returned."""
    check_not_archived(nomination.block_year_id)
    nomination = _locked(nomination)
    _check_editable(nomination)
    before = _eligibility_summary(nomination.eligibility)
    _refresh(nomination)
    nomination.save(update_fields=["eligibility", "eligibility_checked_at"])
    audit.record(
        "awards.nomination.eligibility_checked",
        actor=by,
        obj=nomination,
        before=before,
        after=_eligibility_summary(nomination.eligibility),
    )
    return nomination


# Attached documents ---------------------------------------------------------------------------


@transaction.atomic
def add_file(
    nomination: Nomination, *, by: User, uploaded: UploadedFile, description: str = ""
) -> NominationFile:
    """Attach a related document (PDF, image or Office file, checked by its content) to a
    nomination being prepared or returned."""
    check_not_archived(nomination.block_year_id)
    nomination = _locked(nomination)
    _for_the_unit(
        nomination,
        by,
        "awards.write_report",
        _("Only the people of %(unit)s attach documents to its nomination."),
    )
    _check_editable(nomination)
    if nomination.files.count() >= MAX_FILES_PER_NOMINATION:
        raise DomainError(
            _("A nomination takes at most %(n)d documents.") % {"n": MAX_FILES_PER_NOMINATION},
            field="file",
        )
    try:
        checked = validate_upload(
            uploaded, kinds=("pdf", "image", "office"), max_bytes=MAX_FILE_BYTES
        )
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="file") from error
    uploaded.name = checked.safe_name
    attached = NominationFile(
        nomination=nomination,
        name=checked.safe_name,
        description=description.strip()[:300],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    attached.file.save(checked.safe_name, uploaded, save=False)
    try:
        attached.save()
    except BaseException:
        attached.file.delete(save=False)
        raise
    audit.record(
        "awards.nomination.file_added",
        actor=by,
        obj=nomination,
        after={
            "file": attached.pk,
            "name": attached.name,
            "sha256": attached.sha256,
            "size": attached.size,
        },
    )
    return attached


@transaction.atomic
def remove_file(attached: NominationFile, *, by: User) -> None:
    """Remove an attached document while the nomination is being prepared or returned (the file
    stays on disk; the audit log names it and its hash)."""
    check_not_archived(attached.nomination.block_year_id)
    nomination = _locked(attached.nomination)
    _for_the_unit(
        nomination,
        by,
        "awards.write_report",
        _("Only the people of %(unit)s remove documents from its nomination."),
    )
    _check_editable(nomination)
    audit.record(
        "awards.nomination.file_removed",
        actor=by,
        obj=nomination,
        before={"file": attached.pk, "name": attached.name, "sha256": attached.sha256},
    )
    attached.delete()


# Withdrawing ----------------------------------------------------------------------------------


@transaction.atomic
def withdraw_nomination(nomination: Nomination, *, by: User, reason: str) -> BlockYear:
    """The secretariat withdraws a nomination being prepared (the unit declines, or does not meet
    the award's rules), with a reason; the audit log keeps what it was."""
    check_not_archived(nomination.block_year_id)
    _lock_block_year(nomination.block_year)
    nomination = _locked(nomination)
    if not reason.strip():
        raise DomainError(_("Give the reason for withdrawing the nomination."), field="reason")
    if nomination.status != Nomination.Status.DRAFT:
        raise DomainError(_("Only a nomination not yet sent to the council can be withdrawn."))
    audit.record(
        "awards.nomination.withdrawn",
        actor=by,
        obj=nomination,
        before={
            "unit": nomination.unit_name,
            **({"person": nomination.person_name} if nomination.person_id else {}),
            "award": nomination.award_type.code,
            "ballot": nomination.ballot_id,
            "report_document": nomination.report_document.code
            if nomination.report_document
            else "",
            "files": [f.sha256 for f in nomination.files.all()],
        },
        reason=reason.strip(),
    )
    nomination.delete()
    return nomination.block_year


# The dossier ----------------------------------------------------------------------------------


def _lock_block_year(block_year: BlockYear) -> BlockYear:
    return (
        BlockYear.objects.select_for_update()
        .select_related("block__authority")
        .get(pk=block_year.pk)
    )


def _locked_dossier(block_year: BlockYear) -> Dossier:
    """The year's dossier, created when missing, locked (the block year is locked first so that
    two first requests do not both create it)."""
    _lock_block_year(block_year)
    dossier, _created = Dossier.objects.get_or_create(block_year=block_year)
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("block_year__block__authority", "proposal_letter", "minutes")
        .get(pk=dossier.pk)
    )


def _check_not_sent(dossier: Dossier) -> None:
    if dossier.status == Dossier.Status.SUBMITTED:
        raise DomainError(
            _("The dossier was sent to the council on %(day)s; it can no longer change.")
            % {"day": timezone.localtime(dossier.submitted_at).strftime("%d/%m/%Y")}
            if dossier.submitted_at
            else _("The dossier was sent to the council; it can no longer change.")
        )


@transaction.atomic
def issue_proposal_letter(
    block_year: BlockYear, *, by: User, number: str, signer_name: str, signer_title: str
) -> IssuedDocument:
    """The secretariat issues the proposal letter (tờ trình) listing every current nominee,
    once every ballot is closed and the minutes it cites are issued. Issuing it again replaces
    it (the earlier one stays verifiable)."""
    check_not_archived(block_year)
    number, signer_name, signer_title = number.strip(), signer_name.strip(), signer_title.strip()
    if not number:
        raise DomainError(_("Give the letter's number, such as 05/TTr-KTĐ."), field="number")
    if not signer_name:
        raise DomainError(_("Give the name of the person who signs."), field="signer_name")
    dossier = _locked_dossier(block_year)
    _check_not_sent(dossier)
    if Ballot.objects.filter(block_year=block_year).exclude(status=Ballot.Status.CLOSED).exists():
        raise DomainError(
            _("A ballot is still open or in preparation: close it before issuing the letter.")
        )
    nominations = list(Nomination.objects.in_dossier(block_year).select_related("unit"))
    if not nominations:
        raise DomainError(
            _("There is no nomination to propose: hold the nomination ballots first.")
        )
    if dossier.minutes is None:
        raise DomainError(
            _("Issue the minutes of the deliberation meeting first: the letter cites them.")
        )
    before = {"letter": dossier.proposal_letter.code if dossier.proposal_letter else ""}
    document = letters.issue_proposal_letter(
        dossier,
        nominations,
        by=by,
        number=number,
        signer_name=signer_name,
        signer_title=signer_title,
        key=letter_key(nominations),
    )
    dossier.proposal_letter = document
    dossier.letter_number, dossier.signer_name, dossier.signer_title = (
        number,
        signer_name,
        signer_title,
    )
    dossier.save(update_fields=["proposal_letter", "letter_number", "signer_name", "signer_title"])
    audit.record(
        "awards.dossier.letter_issued",
        actor=by,
        obj=dossier,
        before=before,
        after={
            "letter": document.code,
            "number": number,
            "nominees": [f"{n.name} – {n.award_type.code}" for n in nominations],
        },
    )
    return document


# Sending to the council -----------------------------------------------------------------------


def _stored_sha256(stored: FieldFile, expected: str, what: str) -> str:
    """The SHA-256 of a stored file, read back, which must still be the one recorded."""
    try:
        with stored.open("rb") as handle:
            digest = sha256_of(handle)
    except FileNotFoundError as error:
        raise DomainError(
            _("%(what)s is missing from the storage; attach or issue it again.") % {"what": what}
        ) from error
    if digest != expected:
        raise DomainError(
            _("%(what)s no longer matches the hash recorded for it; attach or issue it again.")
            % {"what": what}
        )
    return digest


def _issued_entry(part: str, document: IssuedDocument, **extra: Any) -> dict[str, Any]:
    return {
        "part": part,
        "title": document.title,
        "code": document.code,
        "sha256": _stored_sha256(document.file, document.sha256, document.title),
        "size": document.size,
        **extra,
    }


def _nomination_entries(nomination: Nomination) -> list[dict[str, Any]]:
    common: dict[str, Any] = {
        "nomination": nomination.pk,
        "unit": nomination.unit_name,
        "award": nomination.award_type.code,
    }
    if nomination.person_id:
        common.update(person=nomination.person_name, title=nomination.person_title)
    entries = []
    if nomination.report_document is not None:
        entries.append(_issued_entry("achievement_report", nomination.report_document, **common))
    for attached in nomination.files.all():
        entries.append(
            {
                "part": "attachment",
                "title": attached.description or attached.name,
                "name": attached.name,
                "sha256": _stored_sha256(attached.file, attached.sha256, attached.name),
                "size": attached.size,
                **common,
            }
        )
    return entries


def canonical(manifest: Mapping[str, Any]) -> bytes:
    """The manifest as hashed: JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def manifest_sha256(manifest: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(manifest)).hexdigest()


def _council_staff(block_year: BlockYear) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        council_roles__authority=block_year.block.authority_id,
        council_roles__role=CouncilRole.Role.STAFF,
    ).distinct()


def _secretariat_and_unit(block_year: BlockYear, unit_id: int) -> QuerySet[User]:
    """The people of the head and deputy units (the secretariat) and of the nominated unit."""
    units = list(
        Membership.objects.leading()
        .current()
        .filter(block_year=block_year)
        .values_list("unit", flat=True)
    )
    return User.objects.filter(
        is_active=True,
        unit_roles__unit__in=[*units, unit_id],
        unit_roles__role__in=[UnitRole.Role.LEADER, UnitRole.Role.OFFICER],
    ).distinct()


def deadline_passed(block_year: BlockYear, today: datetime.date | None = None) -> bool:
    deadline = block_year.dossier_deadline
    return deadline is not None and (today or timezone.localdate()) > deadline


@transaction.atomic
def submit_dossier(block_year: BlockYear, *, by: User) -> Dossier:
    """Send the complete dossier to the council before its deadline, as one package: the
    proposal letter, the minutes, each nominee's approved report and attached documents, listed
    in a manifest with their SHA-256 (read back from storage) and hashed as a whole. Every
    nomination is checked against the award's rules once more."""
    check_not_archived(block_year)
    dossier = _locked_dossier(block_year)
    block_year = dossier.block_year
    _check_not_sent(dossier)
    if deadline_passed(block_year):
        assert block_year.dossier_deadline is not None
        raise DomainError(
            _(
                "The deadline for the dossier was %(day)s; it can no longer be sent. Ask the"
                " council staff to extend it."
            )
            % {"day": block_year.dossier_deadline.strftime("%d/%m/%Y")}
        )
    nominations = list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(block_year=block_year)
        .select_related("award_type", "unit", "report_document", "block_year__block__authority")
        .order_by("award_type__position", "award_type__code", "unit_name", "person_name", "pk")
    )
    for nomination in nominations:
        _refresh(nomination)
        Nomination.objects.filter(pk=nomination.pk).update(
            eligibility=nomination.eligibility,
            eligibility_checked_at=nomination.eligibility_checked_at,
        )
    state = Dossier.objects.state_of(block_year)
    missing = [item for item in state.items if not item.done]
    if missing:
        raise DomainError(
            _("The dossier is not complete. Still to do: %(items)s")
            % {
                "items": "; ".join(
                    f"{item.group + ': ' if item.group else ''}{item.label}" for item in missing
                )
            }
        )
    assert dossier.proposal_letter is not None and dossier.minutes is not None
    now = timezone.now()
    documents = [
        _issued_entry("proposal_letter", dossier.proposal_letter),
        _issued_entry("minutes", dossier.minutes),
    ]
    for nomination in nominations:
        documents += _nomination_entries(nomination)
    manifest = {
        "block_year": {
            "id": block_year.pk,
            "block": block_year.block.name,
            "year": block_year.year,
        },
        "submitted_at": now.isoformat(),
        "documents": documents,
    }
    dossier.manifest = manifest
    dossier.manifest_sha256 = manifest_sha256(manifest)
    dossier.status = Dossier.Status.SUBMITTED
    dossier.submitted_at, dossier.submitted_by = now, by
    dossier.save(
        update_fields=["manifest", "manifest_sha256", "status", "submitted_at", "submitted_by"]
    )
    drafts = [n for n in nominations if n.status == Nomination.Status.DRAFT]
    for nomination in drafts:
        nomination.status = Nomination.Status.SUBMITTED
        nomination.submitted_at = now
    Nomination.objects.bulk_update(drafts, ["status", "submitted_at"])
    audit.record(
        "awards.dossier.submitted",
        actor=by,
        obj=dossier,
        before={"status": Dossier.Status.DRAFT},
        after={
            "status": Dossier.Status.SUBMITTED,
            "manifest_sha256": dossier.manifest_sha256,
            "documents": len(documents),
            "nominations": [n.pk for n in drafts],
        },
    )
    mail.send_templated_mail(
        template="dossier_submitted",
        recipients=_council_staff(block_year),
        context={
            "block_name": block_year.block.name,
            "year": block_year.year,
            "nominees": [f"{n.name} – {n.award_type.name_vi}" for n in nominations],
            "documents": len(documents),
            "sha256": dossier.manifest_sha256,
            "resubmitted": "",
            "path": reverse("awards:dossier_detail", args=[block_year.pk]),
        },
    )
    return dossier


# The council returns a nomination, and it comes back ------------------------------------------


@transaction.atomic
def return_nomination(nomination: Nomination, *, by: User, reason: str) -> Nomination:
    """Council staff return a nomination sent to them, with the reason; the secretariat and the
    unit are told, fix it, and send it again."""
    check_not_archived(nomination.block_year_id)
    nomination = _locked(nomination)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the nomination is returned."), field="reason")
    if not nomination.can_move_to(Nomination.Status.RETURNED):
        raise DomainError(_("Only a nomination sent to the council can be returned."))
    fields = ["status", "returned_at", "returned_by", "return_reason"]
    before = audit.snapshot(nomination, fields)
    nomination.status = Nomination.Status.RETURNED
    nomination.returned_at, nomination.returned_by = timezone.now(), by
    nomination.return_reason = reason
    nomination.save(update_fields=fields)
    audit.record(
        "awards.nomination.returned",
        actor=by,
        obj=nomination,
        before=before,
        after=audit.snapshot(nomination, fields),
        reason=reason,
    )
    block_year = nomination.block_year
    mail.send_templated_mail(
        template="dossier_returned",
        recipients=_secretariat_and_unit(block_year, nomination.unit_id),
        context={
            "block_name": block_year.block.name,
            "year": block_year.year,
            "unit": nomination.unit_name,
            "award": nomination.award_type.name_vi,
            "reason": reason,
            "path": nomination.get_absolute_url(),
        },
    )
    return nomination


def changes_since_return(nomination: Nomination, manifest: Mapping[str, Any]) -> list[str]:
    """What changed in a returned nomination against the manifest it was sent with: the report
    (another SHA-256), documents added or removed, new attestations."""
    sent = [d for d in manifest.get("documents", []) if d.get("nomination") == nomination.pk]
    changes = []
    report = next((d for d in sent if d.get("part") == "achievement_report"), None)
    current = nomination.report_document
    if current is not None and (report is None or report.get("sha256") != current.sha256):
        changes.append(f"achievement_report:{current.sha256}")
    before = {d["sha256"]: d.get("name", "") for d in sent if d.get("part") == "attachment"}
    now = {f.sha256: f.name for f in nomination.files.all()}
    changes += [f"added:{name}:{sha}" for sha, name in sorted(now.items()) if sha not in before]
    changes += [f"removed:{name}:{sha}" for sha, name in sorted(before.items()) if sha not in now]
    if (
        nomination.attested_at is not None
        and nomination.returned_at is not None
        and nomination.attested_at > nomination.returned_at
    ):
        changes.append("attestations")
    return changes


@transaction.atomic
def resubmit_nomination(nomination: Nomination, *, by: User) -> Nomination:
    """The secretariat sends a returned nomination again once its parts are complete and
    something changed; the dossier's manifest is brought up to date and the audit log records
    which parts changed since the council returned it."""
    check_not_archived(nomination.block_year_id)
    dossier = _locked_dossier(nomination.block_year)
    nomination = _locked(nomination)
    if nomination.status != Nomination.Status.RETURNED:
        raise DomainError(_("Only a nomination the council returned can be sent again."))
    _refresh(nomination)
    nomination.save(update_fields=["eligibility", "eligibility_checked_at"])
    missing = [item.label for item in nomination_checklist(nomination) if not item.done]
    if missing:
        raise DomainError(
            _("The nomination is not complete. Still to do: %(items)s")
            % {"items": "; ".join(missing)}
        )
    changes = changes_since_return(nomination, dossier.manifest)
    if not changes:
        raise DomainError(
            _(
                "Nothing changed since the council returned it: change the report, the attached"
                " documents or the attestations as the council asked, then send it again."
            )
        )
    now = timezone.now()
    kept = [
        d for d in dossier.manifest.get("documents", []) if d.get("nomination") != nomination.pk
    ]
    manifest = {
        **dossier.manifest,
        "documents": kept + _nomination_entries(nomination),
        "updated_at": now.isoformat(),
    }
    before_sha = dossier.manifest_sha256
    dossier.manifest = manifest
    dossier.manifest_sha256 = manifest_sha256(manifest)
    dossier.save(update_fields=["manifest", "manifest_sha256"])
    fields = ["status", "submitted_at"]
    before = audit.snapshot(nomination, fields)
    nomination.status = Nomination.Status.SUBMITTED
    nomination.submitted_at = now
    nomination.save(update_fields=fields)
    audit.record(
        "awards.nomination.resubmitted",
        actor=by,
        obj=nomination,
        before={**before, "manifest_sha256": before_sha, "return_reason": nomination.return_reason},
        after={
            **audit.snapshot(nomination, fields),
            "manifest_sha256": dossier.manifest_sha256,
            "changed": changes,
        },
    )
    block_year = nomination.block_year
    mail.send_templated_mail(
        template="dossier_submitted",
        recipients=_council_staff(block_year),
        context={
            "block_name": block_year.block.name,
            "year": block_year.year,
            "nominees": [f"{nomination.name} – {nomination.award_type.name_vi}"],
            "documents": len(manifest["documents"]),
            "sha256": dossier.manifest_sha256,
            "resubmitted": nomination.unit_name,
            "path": nomination.get_absolute_url(),
        },
    )
    return nomination
