"""Steps 2–4 of the block-year dashboard: documents, registration of targets, signing."""

from __future__ import annotations

import rules
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocks.dashboard import StepState
from blocks.models import BlockYear
from covenants.models import Document, Registration
from emulation.models import User
from emulation.roles import roles_of


def steps(block_year: BlockYear, user: User) -> dict[int, StepState]:
    """Steps 2–4, from one read of the year's documents with their comments awaiting answers
    and the signatures on their latest versions."""
    led = roles_of(user).led_member_units_of(block_year.pk)
    documents = list(
        block_year.documents.with_pending_count().with_signature_count().with_signatures_of(led)
    )
    return {
        2: documents_step(block_year, documents),
        3: registration_step(block_year),
        4: signing_step(block_year, user, documents),
    }


def documents_step(block_year: BlockYear, documents: list[Document]) -> StepState:
    documents = [d for d in documents if d.kind != Document.Kind.CRITERIA]
    url = reverse("covenants:document_list", args=[block_year.pk])
    actions: list[tuple[str | Promise, str]] = [(_("Documents"), url)]
    if not documents:
        return StepState("waiting", _("No document yet."), actions=actions)
    settled = {Document.Status.ADOPTED, Document.Status.SIGNING, Document.Status.IN_FORCE}
    adopted = sum(1 for d in documents if d.status in settled)
    pending = sum(d.pending_comments for d in documents)  # type: ignore[attr-defined]
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


def registration_step(block_year: BlockYear) -> StepState:
    members = [m for m in block_year.memberships.all() if m.left_on is None]
    registered = Registration.objects.filter(block_year=block_year).count()
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


def signing_step(block_year: BlockYear, user: User, documents: list[Document]) -> StepState:
    covenant = next((d for d in documents if d.kind == Document.Kind.COVENANT), None)
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
    signed = covenant.signatures  # type: ignore[attr-defined]
    summary = _("%(signed)d of %(total)d units have signed.") % {
        "signed": signed,
        "total": len(members),
    }
    actions: list[tuple[str | Promise, str]] = [(_("Signatures"), url)]
    # A leader whose units have all signed is not offered the signing form again.
    led = roles_of(user).led_member_units_of(block_year.pk)
    if rules.has_perm("covenants.sign", user, covenant) and covenant.signed_by_units < len(led):  # type: ignore[attr-defined]
        actions.insert(
            0, (_("Sign the covenant"), reverse("covenants:covenant_sign", args=[covenant.pk]))
        )
    return StepState("active", summary, deadline=covenant.signing_deadline, actions=actions)
