"""Importing a province from spreadsheets: stage the file, preview it, confirm or discard it.

The file is staged as uploaded, with its SHA-256; the preview is built from it; confirming
checks the file is unchanged, builds the plan again inside one transaction (the authority's row
locked, so two imports for one authority run one after the other) and applies it: everything or
nothing. A staged import is confirmed once; a second click finds it confirmed.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocks.imports.plan import Plan
from blocks.imports.read import Parsed, Unreadable, read_file
from blocks.models import Authority, StagedImport
from emulation import audit
from emulation.errors import DomainError
from emulation.models import User

__all__ = ["Unreadable", "confirm_import", "discard_import", "plan_of", "stage_import"]


def _check_importer(by: User, authority: Authority | int) -> None:
    """Only the authority's council staff (or a site administrator) import into it: the guard is
    here, so that no path around the views imports."""
    if isinstance(authority, int):
        authority = Authority.objects.get(pk=authority)
    if not by.has_perm("blocks.import_registry", authority):
        raise PermissionDenied


def parse(staged: StagedImport) -> Parsed:
    return read_file(staged.file_name, bytes(staged.content))


def plan_of(staged: StagedImport, *, by: User) -> Plan:
    """What the staged file would do now (read only: the preview)."""
    return Plan(staged.authority, parse(staged), by=by)


@transaction.atomic
def stage_import(authority: Authority, *, by: User, name: str, content: bytes) -> StagedImport:
    """Keep an uploaded file for its preview. A file that cannot be read at all is refused with
    the reason; a readable file with bad rows is kept, and its preview lists them."""
    _check_importer(by, authority)
    try:
        parsed = read_file(name, content)
    except Unreadable as error:
        raise DomainError(error.message, field="file") from error
    plan = Plan(authority, parsed, by=by)
    staged = StagedImport.objects.create(
        authority=authority,
        uploaded_by=by,
        file_name=name[:200],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        summary=plan.counts(),
    )
    audit.record(
        "blocks.import.staged",
        actor=by,
        obj=staged,
        after={"file_name": staged.file_name, "sha256": staged.sha256, **plan.counts()},
    )
    return staged


@transaction.atomic
def confirm_import(staged: StagedImport, *, by: User, sha256: str) -> dict[str, int]:
    """Apply a staged import in one transaction. Refused when it was already confirmed or
    discarded, when the file is not the one previewed (`sha256`), or when it has problems."""
    _check_importer(by, staged.authority_id)
    Authority.objects.select_for_update().filter(pk=staged.authority_id).first()
    staged = StagedImport.objects.select_for_update().select_related("authority").get(pk=staged.pk)
    if staged.status == StagedImport.Status.CONFIRMED:
        raise DomainError(_("This file was already imported."))
    if staged.status == StagedImport.Status.DISCARDED:
        raise DomainError(_("This import was discarded; upload the file again."))
    content = bytes(staged.content)
    if sha256 != staged.sha256 or hashlib.sha256(content).hexdigest() != staged.sha256:
        raise DomainError(
            _("The file is not the one previewed. Upload it again and check its preview.")
        )
    plan = plan_of(staged, by=by)
    if not plan.ok:
        raise DomainError(
            _(
                "The file has %(count)d problems; nothing was imported. Correct them and upload"
                " the file again."
            )
            % {"count": len(plan.problems)}
        )
    counts = plan.apply()
    staged.status = StagedImport.Status.CONFIRMED
    staged.summary = counts
    staged.confirmed_at = timezone.now()
    staged.save(update_fields=["status", "summary", "confirmed_at"])
    audit.record(
        "blocks.import.confirmed",
        actor=by,
        obj=staged,
        before={"status": StagedImport.Status.STAGED},
        after={"status": staged.status, "sha256": staged.sha256, **counts},
    )
    return counts


@transaction.atomic
def discard_import(staged: StagedImport, *, by: User) -> None:
    """Drop a staged import that will not be confirmed; its file is forgotten."""
    _check_importer(by, staged.authority_id)
    staged = StagedImport.objects.select_for_update().get(pk=staged.pk)
    if staged.status != StagedImport.Status.STAGED:
        raise DomainError(_("This import was already confirmed or discarded."))
    staged.status = StagedImport.Status.DISCARDED
    staged.content = b""
    staged.save(update_fields=["status", "content"])
    audit.record(
        "blocks.import.discarded",
        actor=by,
        obj=staged,
        before={"status": StagedImport.Status.STAGED},
        after={"status": staged.status},
    )
