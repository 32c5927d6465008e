"""Every change to the year's documents, registrations and signatures.

Each function is atomic, locks the row it competes for, checks its guard (raising DomainError with
a message a person can act on), saves only the fields it changes, records an audit event and, when
people must hear of it, queues e-mail after the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Case, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from blocks.models import BlockYear, Membership, Unit, UnitRole
from blocks.services import check_not_archived, set_deadlines
from covenants.models import (
    Comment,
    Document,
    DocumentVersion,
    Registration,
    Signature,
    SigningReminder,
)
from emulation import audit, lockout, mail, otp
from emulation.bulk import each_or_none
from emulation.errors import DomainError
from emulation.issued import Prepared
from emulation.models import User
from emulation.uploads import validate_upload

CONTENT = list(DocumentVersion.CONTENT_FIELDS)


def _locked(document: Document) -> Document:
    return (
        Document.objects.select_for_update().select_related("block_year__block").get(pk=document.pk)
    )


def _move(document: Document, status: str, *, by: User, reason: str = "", **extra: Any) -> None:
    if not document.can_move_to(status):
        raise DomainError(
            _("A document that is “%(status)s” cannot become “%(target)s”.")
            % {"status": document.get_status_display(), "target": Document.Status(status).label}
        )
    before = audit.snapshot(document, ["status", *extra])
    document.status = status
    for name, value in extra.items():
        setattr(document, name, value)
    document.save(update_fields=["status", *extra])
    audit.record(
        f"covenants.document.{status}",
        actor=by,
        obj=document,
        before=before,
        after=audit.snapshot(document, ["status", *extra]),
        reason=reason,
    )


def latest_version(document: Document) -> DocumentVersion | None:
    return document.versions.order_by("-number").first()


def current_members(block_year: BlockYear) -> QuerySet[Membership]:
    return block_year.memberships.filter(left_on__isnull=True).select_related("unit")


def _people(block_year: BlockYear, roles: Sequence[str]) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        unit_roles__role__in=roles,
        unit_roles__unit__memberships__block_year=block_year,
        unit_roles__unit__memberships__left_on__isnull=True,
    ).distinct()


# Drafting ----------------------------------------------------------------------------------


@transaction.atomic
def create_document(
    block_year: BlockYear, *, by: User, kind: str, title: str, **content: Any
) -> Document:
    """Start a document with its first version. A year has one covenant and one criteria table."""
    check_not_archived(block_year)
    if (
        kind in (Document.Kind.COVENANT, Document.Kind.CRITERIA)
        and block_year.documents.filter(kind=kind).exists()
    ):
        raise DomainError(_("This year already has a document of that kind."), field="kind")
    try:
        with transaction.atomic():
            document = Document.objects.create(block_year=block_year, kind=kind, title=title)
    except IntegrityError as exc:
        raise DomainError(
            _("This year already has a document of that kind."), field="kind"
        ) from exc
    DocumentVersion.objects.create(
        document=document,
        number=1,
        created_by=by,
        change_note=_("First draft"),
        **_content(content),
    )
    audit.record(
        "covenants.document.created", actor=by, obj=document, after={"kind": kind, "title": title}
    )
    return document


def _content(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values.get(name, "") or "" for name in CONTENT}


@transaction.atomic
def revise_document(
    document: Document, *, by: User, change_note: str, **content: Any
) -> DocumentVersion:
    """Write a new version. An adopted or signed document goes back to draft: its earlier versions
    (and the signatures on them) stay as they were."""
    check_not_archived(document.block_year_id)
    document = _locked(document)
    previous = latest_version(document)
    values = _content(content)
    if previous is not None and all(getattr(previous, k) == v for k, v in values.items()):
        raise DomainError(_("Nothing was changed in the text."))
    if not change_note.strip():
        raise DomainError(_("Say briefly what changed."), field="change_note")
    if document.status != Document.Status.DRAFT:
        _move(document, Document.Status.DRAFT, by=by, reason=change_note)
    version = DocumentVersion.objects.create(
        document=document,
        number=(previous.number + 1) if previous else 1,
        created_by=by,
        change_note=change_note,
        **values,
    )
    audit.record(
        "covenants.version.written",
        actor=by,
        obj=version,
        after={"number": version.number, "change_note": change_note},
    )
    return version


@transaction.atomic
def copy_last_years_documents(block_year: BlockYear, *, by: User) -> list[Document]:
    """Start the year from last year's documents: each becomes a draft with last year's text."""
    check_not_archived(block_year)
    previous = (
        BlockYear.objects.filter(block=block_year.block, year__lt=block_year.year)
        .order_by("-year")
        .first()
    )
    if previous is None:
        raise DomainError(_("This block has no earlier year to copy from."))
    existing = set(block_year.documents.values_list("kind", "title"))
    copied = []
    for source in previous.documents.exclude(kind=Document.Kind.CRITERIA).order_by("pk"):
        text = source.in_force_version or latest_version(source)
        title = source.title.replace(str(previous.year), str(block_year.year))
        if (source.kind, title) in existing or (
            source.kind == Document.Kind.COVENANT
            and block_year.documents.filter(kind=Document.Kind.COVENANT).exists()
        ):
            continue
        values = {name: getattr(text, name) for name in CONTENT} if text else {}
        if block_year.theme:
            values["theme"] = block_year.theme
        copied.append(create_document(block_year, by=by, kind=source.kind, title=title, **values))
    if not copied:
        raise DomainError(_("Every document of last year has already been copied."))
    return copied


# Consultation ------------------------------------------------------------------------------


@transaction.atomic
def open_consultation(document: Document, *, by: User, until: datetime.date) -> Document:
    """Open the latest version for comments by the member units until a date."""
    check_not_archived(document.block_year_id)
    document = _locked(document)
    if until < timezone.localdate():
        raise DomainError(_("The closing date has already passed."), field="until")
    _move(document, Document.Status.CONSULTATION, by=by, consultation_until=until)
    recipients = _people(document.block_year, [UnitRole.Role.LEADER, UnitRole.Role.OFFICER])
    mail.send_templated_mail(
        template="consultation_opened",
        recipients=recipients,
        context={
            "document_id": document.pk,
            "title": document.title,
            "until": until.strftime("%d/%m/%Y"),
            "block_name": document.block_year.block.name,
            "path": document.get_absolute_url(),
        },
    )
    return document


def is_open_for_comments(document: Document) -> bool:
    return document.status == Document.Status.CONSULTATION and (
        document.consultation_until is None or timezone.localdate() <= document.consultation_until
    )


@transaction.atomic
def add_comment(document: Document, unit: Unit, *, by: User, text: str) -> Comment:
    """A member unit's leader or officer comments on the version under consultation."""
    check_not_archived(document.block_year_id)
    document = _locked(document)
    if not is_open_for_comments(document):
        raise DomainError(_("This document is not open for comments."))
    if not UnitRole.objects.filter(user=by, unit=unit).exists():
        raise DomainError(_("You can only comment for your own unit."), field="unit")
    if not current_members(document.block_year).filter(unit=unit).exists():
        raise DomainError(_("Only member units of the block can comment."), field="unit")
    version = latest_version(document)
    assert version is not None
    comment = Comment.objects.create(version=version, unit=unit, author=by, text=text.strip())
    audit.record(
        "covenants.comment.written",
        actor=by,
        obj=comment,
        after={"unit": unit.pk, "version": version.number},
    )
    return comment


@transaction.atomic
def answer_comment(comment: Comment, *, by: User, answer: str, text: str) -> Comment:
    """The secretariat answers a comment: accepted, declined (with a reason) or noted."""
    check_not_archived(comment.version.document.block_year_id)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if answer not in (Comment.Answer.ACCEPTED, Comment.Answer.DECLINED, Comment.Answer.NOTED):
        raise DomainError(_("Choose an answer."), field="answer")
    if answer == Comment.Answer.DECLINED and not text.strip():
        raise DomainError(_("Give the reason for declining."), field="text")
    before = audit.snapshot(comment, ["answer", "answer_text"])
    comment.answer, comment.answer_text = answer, text.strip()
    comment.answered_by, comment.answered_at = by, timezone.now()
    comment.save(update_fields=["answer", "answer_text", "answered_by", "answered_at"])
    audit.record(
        "covenants.comment.answered",
        actor=by,
        obj=comment,
        before=before,
        after=audit.snapshot(comment, ["answer", "answer_text"]),
    )
    return comment


@transaction.atomic
def adopt_document(document: Document, *, by: User) -> Document:
    """Adopt the latest version: its text is frozen and hashed. Every comment must be answered."""
    check_not_archived(document.block_year_id)
    document = _locked(document)
    version = latest_version(document)
    if version is None:
        raise DomainError(_("The document has no text yet."))
    pending = Comment.objects.filter(
        version__document=document, answer=Comment.Answer.PENDING
    ).count()
    if pending:
        raise DomainError(
            _("Answer every comment before adopting (%(count)d waiting).") % {"count": pending}
        )
    _move(document, Document.Status.ADOPTED, by=by)
    version.sha256 = version.compute_sha256()
    version.save(update_fields=["sha256"])
    audit.record(
        "covenants.version.frozen", actor=by, obj=version, after={"sha256": version.sha256}
    )
    return document


@transaction.atomic
def open_consultations(
    documents: Iterable[Document], *, by: User, until: datetime.date
) -> list[Document]:
    """Open several drafts for comments until one date, each through `open_consultation`
    (audited and mailed as one by one). All or none: a document that is no longer a draft
    (opened or adopted meanwhile) stops the whole and is named."""

    def act(document: Document) -> Document:
        if _locked(document).status != Document.Status.DRAFT:
            raise DomainError(_("It is no longer a draft."))
        return open_consultation(document, by=by, until=until)

    return each_or_none(
        documents, act, name=lambda d: d.title, nothing=_("No document was opened for comments.")
    )


@transaction.atomic
def adopt_documents(documents: Iterable[Document], *, by: User) -> list[Document]:
    """Adopt several documents, each through `adopt_document` (every comment answered; audited
    as one by one). All or none: a document adopted meanwhile, or with a comment still waiting,
    stops the whole and is named."""

    def act(document: Document) -> Document:
        if not _locked(document).can_move_to(Document.Status.ADOPTED):
            raise DomainError(_("It is no longer waiting to be adopted."))
        return adopt_document(document, by=by)

    return each_or_none(
        documents, act, name=lambda d: d.title, nothing=_("No document was adopted.")
    )


# Registration of targets -------------------------------------------------------------------


@transaction.atomic
def register_targets(
    block_year: BlockYear, unit: Unit, *, by: User, targets: str, aims: Iterable[str]
) -> Registration:
    """A member unit registers (or updates) its targets and the titles it aims for, until the
    covenant is open for signing."""
    check_not_archived(block_year)
    if not UnitRole.objects.filter(user=by, unit=unit).exists():
        raise DomainError(_("You can only register for your own unit."), field="unit")
    if not current_members(block_year).filter(unit=unit).exists():
        raise DomainError(_("Only member units of the block can register."), field="unit")
    _check_registration_open(block_year)
    aims = sorted(set(aims))
    invalid = set(aims) - set(Registration.Aim.values)
    if invalid:
        raise DomainError(_("Unknown title or award."), field="aims")
    registration = (
        Registration.objects.select_for_update().filter(block_year=block_year, unit=unit).first()
    )
    if registration is None:
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    block_year=block_year,
                    unit=unit,
                    targets=targets.strip(),
                    aims=aims,
                    registered_by=by,
                )
        except IntegrityError:  # registered by someone else a moment ago
            registration = Registration.objects.select_for_update().get(
                block_year=block_year, unit=unit
            )
        else:
            audit.record(
                "covenants.registration.created",
                actor=by,
                obj=registration,
                after={"targets": registration.targets, "aims": aims},
            )
            return registration
    before = audit.snapshot(registration, REGISTRATION_FIELDS)
    registration.targets, registration.aims, registration.registered_by = targets.strip(), aims, by
    # Whatever it was (a draft copied from last year, returned, even approved), what the unit
    # saves goes to the council again.
    registration.status = Registration.Status.SUBMITTED
    registration.save(update_fields=["targets", "aims", "status", "registered_by", "updated_at"])
    audit.record(
        "covenants.registration.changed",
        actor=by,
        obj=registration,
        before=before,
        after=audit.snapshot(registration, REGISTRATION_FIELDS),
    )
    return registration


REGISTRATION_FIELDS = ["targets", "aims", "status"]


def _last_years(block_year: BlockYear) -> QuerySet[Registration]:
    """Last year's registrations, the same block's first: a unit that was in two blocks last year
    starts from the one it continues in."""
    same_block = Case(When(block_year__block=block_year.block_id, then=Value(0)), default=Value(1))
    return Registration.objects.filter(block_year__year=block_year.year - 1).order_by(
        same_block, "pk"
    )


def last_year_registrations(block_year: BlockYear) -> dict[int, Registration]:
    """The current members' registrations of the year before, by unit (`last_year_registration`
    of each, in one query)."""
    found: dict[int, Registration] = {}
    for registration in _last_years(block_year).filter(
        unit__in=current_members(block_year).values("unit")
    ):
        found.setdefault(registration.unit_id, registration)
    return found


def last_year_registration(block_year: BlockYear, unit: Unit) -> Registration | None:
    """The unit's registration of the year before: its start for this year's."""
    return _last_years(block_year).filter(unit=unit).first()


@transaction.atomic
def copy_last_year_registrations(block_year: BlockYear, *, by: User) -> list[Registration]:
    """Start every member unit that has not registered yet from its registration of last year,
    as a draft its people review and save (which sends it to the council). Done by whoever runs
    the year, until the covenant opens for signing; copying again adds only what is missing."""
    check_not_archived(block_year)
    if not by.has_perm("covenants.run_documents", block_year):
        raise DomainError(_("Only the block's secretariat or the council staff can do this."))
    _check_registration_open(block_year)
    BlockYear.objects.select_for_update().filter(pk=block_year.pk).first()
    done = set(Registration.objects.filter(block_year=block_year).values_list("unit", flat=True))
    copies = [
        Registration(
            block_year=block_year,
            unit_id=unit,
            targets=previous.targets,
            aims=previous.aims,
            status=Registration.Status.DRAFT,
            copied_from=previous,
            registered_by=by,
        )
        for unit, previous in last_year_registrations(block_year).items()
        if unit not in done
    ]
    if not copies:
        raise DomainError(_("Every unit with a registration last year has one this year already."))
    created = Registration.objects.bulk_create(copies)
    audit.record(
        "covenants.registration.copied",
        actor=by,
        obj=block_year,
        after={"units": [r.unit_id for r in created], "from_year": block_year.year - 1},
    )
    return created


def _check_registration_open(block_year: BlockYear) -> None:
    covenant = block_year.documents.filter(kind=Document.Kind.COVENANT).first()
    if covenant is not None and covenant.status in (
        Document.Status.SIGNING,
        Document.Status.IN_FORCE,
    ):
        raise DomainError(_("Registration closed when the covenant was opened for signing."))


@transaction.atomic
def review_registration(
    registration: Registration, *, by: User, approve: bool, reason: str = ""
) -> Registration:
    """The council approves a unit's registration, or returns it with the reason, for the unit to
    amend and register again."""

    registration = (
        Registration.objects.select_for_update()
        .select_related("block_year__block")
        .get(pk=registration.pk)
    )
    check_not_archived(registration.block_year)
    if not by.has_perm("blocks.manage_blockyear", registration.block_year):
        raise DomainError(
            _("Only the council staff of the block's authority review registrations.")
        )
    if registration.status != Registration.Status.SUBMITTED:
        raise DomainError(
            _("This registration is “%(status)s”: only one awaiting the council is reviewed.")
            % {"status": registration.get_status_display()}
        )
    reason = reason.strip()
    if not approve and not reason:
        raise DomainError(_("Say why the registration is returned."), field="reason")
    before = audit.snapshot(registration, REGISTRATION_FIELDS)
    registration.status = Registration.Status.APPROVED if approve else Registration.Status.RETURNED
    registration.review_reason = reason
    registration.reviewed_by = by
    registration.reviewed_at = timezone.now()
    registration.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])
    audit.record(
        "covenants.registration.approved" if approve else "covenants.registration.returned",
        actor=by,
        obj=registration,
        before=before,
        after=audit.snapshot(registration, REGISTRATION_FIELDS),
        reason=reason,
    )
    return registration


@transaction.atomic
def review_registrations(
    registrations: Iterable[Registration], *, by: User, approve: bool, reason: str = ""
) -> list[Registration]:
    """Approve or return several registrations in one go: all or none."""
    return each_or_none(
        registrations,
        lambda r: review_registration(r, by=by, approve=approve, reason=reason),
        name=lambda r: str(r.unit),
        nothing=_("Nothing was changed."),
    )


# Signing -----------------------------------------------------------------------------------


@transaction.atomic
def open_signing(document: Document, *, by: User, deadline: datetime.date) -> Document:
    """Open the adopted covenant for signing until a deadline; its text is already frozen. The
    deadline becomes the year's signing deadline too (one date wherever it is shown)."""
    check_not_archived(document.block_year_id)
    if deadline < timezone.localdate():
        raise DomainError(_("The deadline has already passed."), field="deadline")
    # The year first, then the covenant: the order in which a change of the year's deadline
    # locks them too.
    set_deadlines(document.block_year, by=by, signing_deadline=deadline)
    document = _locked(document)
    if not document.is_covenant:
        raise DomainError(_("Only the covenant is signed."))
    version = latest_version(document)
    if version is None or not version.is_frozen:
        raise DomainError(_("Adopt the covenant before opening it for signing."))
    _move(document, Document.Status.SIGNING, by=by, signing_deadline=deadline)
    leaders = _people(document.block_year, [UnitRole.Role.LEADER])
    mail.send_templated_mail(
        template="signing_opened",
        recipients=leaders,
        context={
            "document_id": document.pk,
            "title": document.title,
            "deadline": deadline.strftime("%d/%m/%Y"),
            "block_name": document.block_year.block.name,
            "path": document.get_absolute_url(),
        },
    )
    return document


def signing_version(document: Document) -> DocumentVersion:
    version = latest_version(document)
    if document.status != Document.Status.SIGNING or version is None:
        raise DomainError(_("The covenant is not open for signing."))
    return version


def _check_signable(document: Document, unit: Unit) -> DocumentVersion:
    version = signing_version(document)
    if document.signing_deadline and timezone.localdate() > document.signing_deadline:
        raise DomainError(_("The signing deadline has passed; ask the secretariat."))
    if not current_members(document.block_year).filter(unit=unit).exists():
        raise DomainError(
            _("%(unit)s is not a member of the block.") % {"unit": unit}, field="unit"
        )
    if version.compute_sha256() != version.sha256:
        # The stored text no longer matches what was adopted: refuse rather than sign it.
        raise DomainError(
            _("The covenant's text has changed since it was adopted; it cannot be signed.")
        )
    return version


def follow_signing_deadline(block_year: BlockYear, day: datetime.date | None, by: User) -> None:
    """The covenant open for signing keeps the year's signing deadline (a changed one is set
    through `blocks.services`, which calls this in its transaction)."""
    covenant = (
        Document.objects.select_for_update()
        .filter(block_year=block_year, kind=Document.Kind.COVENANT, status=Document.Status.SIGNING)
        .first()
    )
    if covenant is None:
        return
    if day is None:
        raise DomainError(
            _("The covenant is open for signing: its deadline cannot be removed."),
            field="signing_deadline",
        )
    audit.change(
        covenant, {"signing_deadline": day}, by=by, action="covenants.covenant.deadline_changed"
    )


def sign_covenant(
    document: Document,
    unit: Unit,
    *,
    by: User,
    password: str,
    code: str = "",
    ip: str | None = None,
    user_agent: str = "",
    request: HttpRequest | None = None,
) -> Signature:
    """A unit's leader signs the covenant for their own unit, confirming who they are with their
    password (and their authenticator code when they have one). One signature per unit per
    version: a second attempt, even at the same instant, is refused.

    Identity first, outside the signing transaction: a wrong password or code is counted toward
    the sign-in lockout of `request` and audited, and a refusal must not undo either; the
    password hash is slow on purpose, and signers of one block should not queue behind each
    other's hashing while the covenant's row is locked."""
    check_not_archived(document.block_year_id)
    leader_role = UnitRole.objects.filter(user=by, unit=unit, role=UnitRole.Role.LEADER).first()
    if leader_role is None:
        raise DomainError(
            _("Only the leader of %(unit)s can sign for it.") % {"unit": unit}, field="unit"
        )
    lockout.confirm_password(by, password, request=request)
    method = Signature.Method.PASSWORD
    if otp.has_device(by):
        if not otp.verify_code(by, code):
            lockout.record_failure(by, request, what="code")
            raise DomainError(_("The authenticator code is not correct."), field="code")
        method = Signature.Method.PASSWORD_TOTP
    with transaction.atomic():
        return _sign(
            document,
            unit,
            by=by,
            title=leader_role.title,
            method=method,
            ip=ip,
            user_agent=user_agent,
        )


def _sign(
    document: Document,
    unit: Unit,
    *,
    by: User,
    title: str,
    method: str,
    ip: str | None,
    user_agent: str,
) -> Signature:
    document = _locked(document)
    version = _check_signable(document, unit)
    signature = _create_signature(
        version,
        unit,
        signer=by,
        signer_name=by.get_full_name(),
        signer_title=title,
        method=method,
        ip=ip,
        user_agent=user_agent[:400],
    )
    in_force = _prepare_in_force(document, version, by=by)
    audit.record(
        "covenants.covenant.signed",
        actor=by,
        obj=signature,
        after={
            "unit": unit.pk,
            "version": version.number,
            "sha256": version.sha256,
            "method": method,
        },
        ip=ip,
    )
    _put_in_force(document, version, in_force, by=by)
    return signature


def _create_signature(version: DocumentVersion, unit: Unit, **values: Any) -> Signature:
    if Signature.objects.filter(version=version, unit=unit).exists():
        raise DomainError(_("%(unit)s has already signed this version.") % {"unit": unit})
    try:
        with transaction.atomic():
            return Signature.objects.create(
                version=version,
                unit=unit,
                unit_name=unit.name,
                signed_at=values.pop("signed_at", None) or timezone.now(),
                sha256=version.sha256,
                **values,
            )
    except IntegrityError as exc:
        raise DomainError(_("%(unit)s has already signed this version.") % {"unit": unit}) from exc


@transaction.atomic
def record_paper_signature(
    document: Document,
    unit: Unit,
    *,
    by: User,
    signer_name: str,
    signer_title: str,
    signed_on: datetime.date,
    scan: UploadedFile,
) -> Signature:
    """The secretariat records a unit that signed on paper, with the scanned page."""
    check_not_archived(document.block_year_id)
    document = _locked(document)
    version = _check_signable(document, unit)
    try:
        checked = validate_upload(scan, kinds=("pdf", "image"))
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="scan") from error
    scan.name = checked.safe_name
    if signed_on > timezone.localdate():
        raise DomainError(_("The date of signing cannot be in the future."), field="signed_on")
    signed_at = (
        timezone.now()
        if signed_on == timezone.localdate()
        else timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(12)))
    )
    signature = _create_signature(
        version,
        unit,
        signer=None,
        signer_name=signer_name,
        signer_title=signer_title,
        method=Signature.Method.PAPER,
        recorded_by=by,
        signed_at=signed_at,
        scan=scan,
        scan_sha256=checked.sha256,
    )
    in_force = _prepare_in_force(document, version, by=by)
    audit.record(
        "covenants.covenant.signed_on_paper",
        actor=by,
        obj=signature,
        after={
            "unit": unit.pk,
            "signer": signer_name,
            "scan_sha256": checked.sha256,
            "version": version.number,
        },
    )
    _put_in_force(document, version, in_force, by=by)
    return signature


def signing_progress(
    document: Document, version: DocumentVersion | None = None
) -> list[tuple[Membership, Signature | None]]:
    """Each current member with its signature on the version (or None)."""
    return signing_record(document, version)[0]


def signing_record(
    document: Document, version: DocumentVersion | None = None
) -> tuple[list[tuple[Membership, Signature | None]], list[tuple[Membership, Signature]]]:
    """Each current member with its signature on the version (or None), as `signing_progress`;
    and apart, each unit that signed it and has left the year since (merged into another, say)
    with its signature, which stays with the year's covenant."""
    version = version or latest_version(document)
    signatures = (
        {s.unit_id: s for s in Signature.objects.filter(version=version)} if version else {}
    )
    current: list[tuple[Membership, Signature | None]] = []
    departed: list[tuple[Membership, Signature]] = []
    for membership in document.block_year.memberships.select_related("unit").order_by("position"):
        signature = signatures.get(membership.unit_id)
        if membership.left_on is None:
            current.append((membership, signature))
        elif signature is not None:
            departed.append((membership, signature))
    return current, departed


def _prepare_in_force(document: Document, version: DocumentVersion, *, by: User) -> Prepared | None:
    """When every current member unit has now signed: the covenant in force, numbered and
    rendered before the signing transaction records anything, so that the audit head (locked by
    the first record until the commit) is not held while the template renders."""
    progress = signing_progress(document, version)
    if not progress or any(signature is None for _membership, signature in progress):
        return None
    from covenants.pdf import prepare_covenant

    return prepare_covenant(document, version, by=by)


def _put_in_force(
    document: Document, version: DocumentVersion, prepared: Prepared | None, *, by: User
) -> None:
    """The covenant prepared by `_prepare_in_force` is in force and issued as a PDF."""
    if prepared is None:
        return
    _move(document, Document.Status.IN_FORCE, by=by, in_force_version=version)
    issued = prepared.issue()
    people = _people(document.block_year, [UnitRole.Role.LEADER, UnitRole.Role.OFFICER])
    mail.send_templated_mail(
        template="covenant_in_force",
        recipients=people,
        context={
            "document_id": document.pk,
            "title": document.title,
            "code": issued.code,
            "block_name": document.block_year.block.name,
            "path": document.get_absolute_url(),
        },
    )


def send_signing_reminders(*, today: datetime.date | None = None, days_before: int = 3) -> int:
    """Remind the leaders of units that have not signed, when the deadline is near. Once a day per
    unit; returns how many units were reminded."""
    today = today or timezone.localdate()
    reminded = 0
    due = Document.objects.filter(
        status=Document.Status.SIGNING,
        block_year__archived_at=None,
        signing_deadline__gte=today,
        signing_deadline__lte=today + datetime.timedelta(days=days_before),
    ).select_related("block_year__block")
    for document in due:
        for membership, signature in signing_progress(document):
            if signature is not None:
                continue
            with transaction.atomic():
                reminded += _remind(document, membership.unit, today)
    return reminded


def _remind(document: Document, unit: Unit, today: datetime.date) -> bool:
    """Mail the unit's leaders a reminder to sign, unless it was reminded today (call it inside
    a transaction, so that the record and the mail go together)."""
    if not mail.claim_once(SigningReminder, document=document, unit=unit, sent_on=today):
        return False
    leaders = User.objects.filter(
        unit_roles__unit=unit, unit_roles__role=UnitRole.Role.LEADER, is_active=True
    )
    mail.send_templated_mail(
        template="signing_reminder",
        recipients=leaders,
        context={
            "document_id": document.pk,
            "title": document.title,
            "deadline": document.signing_deadline.strftime("%d/%m/%Y")
            if document.signing_deadline
            else "",
            "unit": unit.name,
            "path": document.get_absolute_url(),
        },
    )
    return True


def unsigned_units(document: Document) -> list[Unit]:
    """The member units that have not signed the version open for signing."""
    return [m.unit for m, signature in signing_progress(document) if signature is None]


@transaction.atomic
def remind_unsigned_units(document: Document, *, by: User) -> list[Unit]:
    """The secretariat reminds, at once, the leaders of every member unit that has not signed the
    covenant open for signing. Once a day per unit, as the automatic reminders: a unit already
    reminded today is left out, and when none is left the request is refused, so that a second
    click sends nothing."""
    check_not_archived(document.block_year_id)
    document = _locked(document)
    if document.status != Document.Status.SIGNING:
        raise DomainError(_("The covenant is not open for signing."))
    today = timezone.localdate()
    reminded = [unit for unit in unsigned_units(document) if _remind(document, unit, today)]
    if not reminded:
        raise DomainError(
            _("Every unit that has not signed was already reminded today; nothing was sent.")
        )
    audit.record(
        "covenants.signing.reminded",
        actor=by,
        obj=document,
        after={"units": [unit.pk for unit in reminded]},
    )
    return reminded
