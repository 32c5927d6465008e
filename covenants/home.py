"""What each person must do now about documents, registrations and signing."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocks.home import roles_of
from blocks.models import Block, BlockYear, Membership
from covenants.models import Comment, Document, DocumentVersion, Registration, Signature
from emulation.home import Section
from emulation.http import AuthedRequest
from emulation.sql import Columns, fetch, marks


def my_tasks(request: AuthedRequest) -> Section | None:
    """At most two queries besides the person's roles (`blocks.home.roles_of`), whatever the
    data size: the open documents of their blocks with their units' signatures on them and the
    comments to answer as secretariat, and their units' registrations in this year's blocks. A
    query with nothing to look for is not run."""
    today = timezone.localdate()
    tasks: list[dict[str, object]] = []
    roles = roles_of(request)
    if not roles.unit_ids:  # the secretariat's comments are those of a unit's blocks too
        return None
    leader_units = set(roles.led)
    memberships = sorted(
        (m for m in roles.memberships if m.left_on is None and m.block_year.year >= today.year - 1),
        key=lambda m: (m.position, m.pk),
    )
    documents, signed, pending = _documents(
        sorted({m.block_year_id for m in memberships}), roles.led, roles.running
    )
    open_documents = [
        d for d in documents if d.status in (Document.Status.SIGNING, Document.Status.CONSULTATION)
    ]
    covenant_closed = {
        d.block_year_id
        for d in documents
        if d.kind == Document.Kind.COVENANT
        and d.status in (Document.Status.SIGNING, Document.Status.IN_FORCE)
    }
    this_year = [m for m in memberships if m.block_year.year == today.year]
    registered = _registered(this_year) if this_year else set()
    for document in open_documents:
        for membership in memberships:
            if membership.block_year_id != document.block_year_id:
                continue
            unit = membership.unit
            if document.status == Document.Status.SIGNING and unit.pk in leader_units:
                if (document.pk, unit.pk) not in signed:
                    tasks.append(
                        {
                            "icon": "pen",
                            "text": _("Sign the covenant for %(unit)s") % {"unit": unit.name},
                            "deadline": document.signing_deadline,
                            "url": reverse("covenants:covenant_sign", args=[document.pk]),
                        }
                    )
            elif document.status == Document.Status.CONSULTATION:
                tasks.append(
                    {
                        "icon": "chat-left-text",
                        "text": _("Comment on “%(title)s” for %(unit)s")
                        % {"title": document.title, "unit": unit.name},
                        "deadline": document.consultation_until,
                        "url": document.get_absolute_url(),
                    }
                )
    for membership in this_year:
        year = membership.block_year
        if year.pk not in covenant_closed and (year.pk, membership.unit_id) not in registered:
            tasks.append(
                {
                    "icon": "list-check",
                    "text": _("Register the targets of %(unit)s for %(year)s")
                    % {"unit": membership.unit.name, "year": year.year},
                    "deadline": year.signing_deadline,
                    "url": reverse(
                        "covenants:registration_edit", args=[year.pk, membership.unit_id]
                    ),
                }
            )
    # The secretariat: comments to answer and signatures to follow.
    for document, count in pending:
        tasks.append(
            {
                "icon": "reply",
                "text": _("Answer %(count)d comments on “%(title)s”")
                % {"count": count, "title": document.title},
                "deadline": None,
                "url": document.get_absolute_url(),
            }
        )
    if not tasks:
        return None
    tasks.sort(key=lambda t: (t["deadline"] is None, t["deadline"] or today))
    return Section("covenants/_home.html", {"tasks": tasks, "today": today}, order=5)


_DOCUMENT = Columns(
    Document,
    "d",
    "id",
    "block_year",
    "kind",
    "title",
    "status",
    "consultation_until",
    "signing_deadline",
)
_LISTED = (Document.Status.SIGNING, Document.Status.CONSULTATION, Document.Status.IN_FORCE)
_PENDING_SQL = f"""FROM {Comment._meta.db_table} c
    INNER JOIN {DocumentVersion._meta.db_table} v ON v.id = c.version_id
    WHERE v.document_id = d.id AND c.answer = %s"""
# The documents in the model's order (block name, year, newest first, kind), one row for each
# unit of the person's that signed one open for signing (or one row with no unit).
_DOCUMENTS_SQL = f"""
SELECT {_DOCUMENT.sql}, {{signed}}, (SELECT COUNT(*) {_PENDING_SQL})
FROM {Document._meta.db_table} d
INNER JOIN {BlockYear._meta.db_table} y ON y.id = d.block_year_id
INNER JOIN {Block._meta.db_table} b ON b.id = y.block_id{{signatures}}
WHERE {{where}}
ORDER BY b.name, y.year DESC, d.kind, d.id"""
_SIGNATURES_SQL = f"""
LEFT JOIN (
    SELECT v.document_id, s.unit_id FROM {Signature._meta.db_table} s
    INNER JOIN {DocumentVersion._meta.db_table} v ON v.id = s.version_id
    WHERE s.unit_id IN ({{led}})
) signed ON signed.document_id = d.id AND d.status = %s"""


def _documents(
    listed: list[int], led: list[int], running: list[int]
) -> tuple[list[Document], set[tuple[int, int]], list[tuple[Document, int]]]:
    """In one query: the documents of the `listed` block years that are open for comments or
    signing or in force; which of the `led` units signed those open for signing, as
    `(document, unit)`; and the documents of the `running` block years with comments awaiting an
    answer, with how many."""
    where: list[str] = []
    params: list[Any] = [Comment.Answer.PENDING.value]
    if led:
        params += [*led, Document.Status.SIGNING.value]
    if listed:
        where.append(f"(d.block_year_id IN ({marks(listed)}) AND d.status IN (%s, %s, %s))")
        params += [*listed, *(s.value for s in _LISTED)]
    if running:
        where.append(
            f"(d.block_year_id IN ({marks(running)}) AND EXISTS (SELECT 1 {_PENDING_SQL}))"
        )
        params += [*running, Comment.Answer.PENDING.value]
    if not where:
        return [], set(), []
    sql = _DOCUMENTS_SQL.format(
        signed="signed.unit_id" if led else "NULL",
        signatures=_SIGNATURES_SQL.format(led=marks(led)) if led else "",
        where=" OR ".join(where),
    )
    listed_years, running_years = set(listed), set(running)
    documents: dict[int, Document] = {}
    signed: set[tuple[int, int]] = set()
    counts: dict[int, int] = {}
    for row in fetch(sql, params):
        document = documents.get(row[0])
        if document is None:
            document = documents[row[0]] = _DOCUMENT.instance(row)
            counts[document.pk] = row[-1]
        if row[-2] is not None:
            signed.add((document.pk, row[-2]))
    pending_ids = [
        pk for pk, d in documents.items() if d.block_year_id in running_years and counts[pk]
    ]
    # Listed in the order a set of their ids gives, as they always were.
    pending = [(documents[pk], counts[pk]) for pk in set(pending_ids)]
    found = [
        d for d in documents.values() if d.block_year_id in listed_years and d.status in _LISTED
    ]
    return found, signed, pending


def _registered(memberships: list[Membership]) -> set[tuple[int, int]]:
    """Which of these memberships' units registered their targets in the year, as
    `(block year, unit)`."""
    years = sorted({m.block_year_id for m in memberships})
    units = sorted({m.unit_id for m in memberships})
    return set(
        fetch(
            f"SELECT block_year_id, unit_id FROM {Registration._meta.db_table}"
            f" WHERE block_year_id IN ({marks(years)}) AND unit_id IN ({marks(units)})",
            [*years, *units],
        )
    )
