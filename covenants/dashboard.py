"""Steps 2–4 of the block-year dashboard: documents, registration of targets, signing.

The three steps share one query (cached on the block year), whatever the number of documents,
comments, registrations and signatures: the year's documents, each with its comments awaiting an
answer and the signatures of its latest version, and the year's registrations. It is written in
SQL, composed once per process: as a queryset with its subqueries it cost more to build than to
run."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import rules
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocks.dashboard import StepState
from blocks.models import BlockYear
from covenants.models import Comment, Document, DocumentVersion, Registration, Signature
from emulation.models import User


@dataclass
class CovenantsState:
    documents: list[Document]  # annotated with `pending` comments and `signed` units
    registered: int


@functools.cache
def _state_sql() -> str:
    """The year's documents (ordered as `Document.Meta.ordering` within a year) with their
    counts, and the year's registrations on every row. Joined from the year, so that a year
    without documents still gives one row (its document columns NULL) with the registrations."""
    document = Document._meta.db_table
    version = DocumentVersion._meta.db_table
    return f"""
SELECT document.*,
    (SELECT COUNT(*) FROM {Comment._meta.db_table} comment
        INNER JOIN {version} version ON version.id = comment.version_id
        WHERE version.document_id = document.id AND comment.answer = %s) AS pending,
    (SELECT COUNT(*) FROM {Signature._meta.db_table} signature
        WHERE signature.version_id = (
            SELECT latest.id FROM {version} latest
            WHERE latest.document_id = document.id ORDER BY latest.number DESC LIMIT 1
        )) AS signed,
    (SELECT COUNT(*) FROM {Registration._meta.db_table} registration
        WHERE registration.block_year_id = year.id) AS registered
FROM {BlockYear._meta.db_table} year
LEFT JOIN {document} document ON document.block_year_id = year.id
WHERE year.id = %s
ORDER BY document.kind, document.id"""


def _state(block_year: BlockYear) -> CovenantsState:
    # Cached on the instance: the three steps share one query.
    cached = getattr(block_year, "_covenants_cache", None)
    if cached is None:
        rows = list(
            Document.objects.raw(_state_sql(), [Comment.Answer.PENDING.value, block_year.pk])
        )
        documents = [d for d in rows if d.pk is not None]
        for document in documents:
            document.block_year = block_year  # as the year's related manager would
        cached = CovenantsState(documents, rows[0].registered if rows else 0)  # type: ignore[attr-defined]
        block_year._covenants_cache = cached  # type: ignore[attr-defined]
    return cached


def _documents(block_year: BlockYear) -> list[Document]:
    return _state(block_year).documents


def documents_step(block_year: BlockYear, user: User) -> StepState:
    documents = [d for d in _documents(block_year) if d.kind != Document.Kind.CRITERIA]
    url = reverse("covenants:document_list", args=[block_year.pk])
    actions: list[tuple[str | Promise, str]] = [(_("Documents"), url)]
    if not documents:
        return StepState("waiting", _("No document yet."), actions=actions)
    settled = {Document.Status.ADOPTED, Document.Status.SIGNING, Document.Status.IN_FORCE}
    adopted = sum(1 for d in documents if d.status in settled)
    pending = sum(d.pending for d in documents)  # type: ignore[attr-defined]  # annotated
    summary = ngettext(
        "%(adopted)d of %(count)d document adopted",
        "%(adopted)d of %(count)d documents adopted",
        len(documents),
    ) % {"adopted": adopted, "count": len(documents)}
    if pending:
        summary += "; " + ngettext(
            "%(n)d comment awaits an answer", "%(n)d comments await an answer", pending
        ) % {"n": pending}
    return StepState(
        "done" if adopted == len(documents) else "active", summary + ".", actions=actions
    )


def registration_step(block_year: BlockYear, user: User) -> StepState:
    members = [m for m in block_year.memberships.all() if m.left_on is None]
    registered = _state(block_year).registered
    url = reverse("covenants:registration_list", args=[block_year.pk])
    summary = _("%(done)d of %(total)d units have registered.") % {
        "done": registered,
        "total": len(members),
    }
    status = (
        "done"
        if members and registered >= len(members)
        else ("active" if registered else "waiting")
    )
    return StepState(status, summary, actions=[(_("Registrations"), url)])


def signing_step(block_year: BlockYear, user: User) -> StepState:
    covenant = next((d for d in _documents(block_year) if d.kind == Document.Kind.COVENANT), None)
    if covenant is None:
        return StepState(
            "waiting",
            _("The covenant has not been written yet."),
            deadline=block_year.signing_deadline,
        )
    url = reverse("covenants:signing_progress", args=[covenant.pk])
    members = [m for m in block_year.memberships.all() if m.left_on is None]
    if covenant.status == Document.Status.IN_FORCE:
        return StepState("done", _("The covenant is in force."), actions=[(_("Signatures"), url)])
    if covenant.status != Document.Status.SIGNING:
        return StepState(
            "waiting",
            _("The covenant is not yet open for signing."),
            deadline=block_year.signing_deadline,
            actions=[(_("Covenant"), covenant.get_absolute_url())],
        )
    signed = covenant.signed  # type: ignore[attr-defined]  # the latest version's signatures
    summary = _("%(signed)d of %(total)d units have signed.") % {
        "signed": signed,
        "total": len(members),
    }
    actions: list[tuple[str | Promise, str]] = [(_("Signatures"), url)]
    if rules.has_perm("covenants.sign", user, covenant):
        actions.insert(
            0, (_("Sign the covenant"), reverse("covenants:covenant_sign", args=[covenant.pk]))
        )
    return StepState("active", summary, deadline=covenant.signing_deadline, actions=actions)
