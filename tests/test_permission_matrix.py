"""Every URL of the project × every role × GET and POST, with the expected status.

Deny by default: anonymous people are sent to sign in; objects outside a person's scope are 404;
what a person may see but not change is 403. A URL added without a row here fails the suite.

Once the year is archived, every URL of the year's objects answers again: its pages still read,
and whatever acts on it is refused to everyone, the site administrator included.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.awards.matrix import AWARDS_ARCHIVED, AWARDS_ROWS
from tests.awards.matrix_proposals import ARCHIVED as PROPOSALS_ARCHIVED
from tests.awards.matrix_proposals import NOT_OF_A_YEAR as PROPOSALS_NOT_OF_A_YEAR
from tests.awards.matrix_proposals import ROWS as PROPOSAL_ROWS
from tests.factories import YEAR, World, archive, rows
from tests.matrix import (
    FORM_ERRORS,
    MANAGE,
    OWN_UNIT,
    ROLES,
    RUN,
    SEE,
    UNIT_PEOPLE,
    Args,
    activity,
    allowed,
    block,
    check_roles,
    everyone,
    no_args,
    only,
    read_only,
    scoped,
    unit,
    year,
)


def membership(w: World) -> list[Any]:
    return [w.block_year.memberships.get(unit=w.units[3]).pk]


def unit_role(w: World) -> list[Any]:
    return [w.leader.unit_roles.get().pk]


def staged_import(w: World) -> list[Any]:
    from blocks.imports import staging

    content = "Mã đơn vị,Tên đơn vị,Loại đơn vị\nX1,Đơn vị mới,Cơ quan Đảng\n".encode()
    return [staging.stage_import(w.authority, by=w.staff, name="x.csv", content=content).pk]


# An import, and an invitation link, are not found by anyone they are not for.
IMPORTERS_ONLY_404 = only(MANAGE, 200, 404)
NOT_FOUND = {role: 404 for role in ROLES}


# The year's documents -----------------------------------------------------------------------


def covenant_at(status: str) -> Args:
    def build(w: World) -> list[Any]:
        from tests.factories import make_covenant

        return [make_covenant(w, status=status).pk]

    return build


def covenant_in_force(w: World) -> list[Any]:
    from covenants import services
    from tests.factories import make_covenant, make_leaders

    document = make_covenant(w, status="signing")
    for member, leader in zip(w.units, make_leaders(w), strict=True):
        services.sign_covenant(document, member, by=leader, password="demo12345")
    return [document.pk]


def pending_comment(w: World) -> list[Any]:
    import datetime

    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w)
    services.open_consultation(document, by=w.secretariat, until=datetime.date(2100, 1, 1))
    return [services.add_comment(document, w.units[2], by=w.leader, text="Góp ý").pk]


def paper_signature(w: World) -> list[Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w, status="signing")
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    signature = services.record_paper_signature(
        document,
        w.units[3],
        by=w.secretariat,
        signer_name="Bùi Văn Toàn",
        signer_title="",
        signed_on=timezone.localdate(),
        scan=scan,
    )
    return [signature.pk]


def own_registration(w: World) -> list[Any]:
    return [w.block_year.pk, w.units[2].pk]


def issued_document(w: World) -> list[Any]:
    """An issued document's record and its file (the page hashes the file again, never serves it)."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from emulation.models import IssuedDocument, new_verification_code

    code = new_verification_code()
    pdf = b"%PDF-1.4\n%%EOF\n"
    document = IssuedDocument(
        code=code,
        kind="covenant",
        title="Giao ước thi đua năm 2026",
        issuer_name=w.block.name,
        issued_by=w.secretariat,
        issued_at=timezone.now(),
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
    )
    document.file.save(f"{code}.pdf", ContentFile(pdf), save=False)
    document.save()
    return [code]


def issued_for_signing(w: World) -> list[Any]:
    """An issued document that its issuer (the secretariat) and the leader, named as a signer in
    its metadata, may bring back signed."""
    from emulation.models import IssuedDocument

    code = issued_document(w)[0]
    IssuedDocument.objects.filter(code=code).update(metadata={"signer_ids": [w.leader.pk]})
    return [code]


def signed_copy(w: World) -> list[Any]:
    """A signed copy accepted for that document (its file is hashed again before it is served)."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from emulation.models import DocumentSignature, IssuedDocument

    document = IssuedDocument.objects.get(code=issued_for_signing(w)[0])
    pdf = b"%PDF-1.4\n%%EOF\n% signed\n"
    copy = DocumentSignature(
        document=document,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        signer_name="Trưởng Ban Tuyên giáo",
        uploaded_by=w.leader,
        uploaded_at=timezone.now(),
    )
    copy.file.save("copy.pdf", ContentFile(pdf), save=False)
    copy.save()
    # Its acceptance recorded as `accept_signed_copy` records it (the real acceptance, which
    # needs a PKI, is tested in tests/emulation/test_signing.py): an unrecorded copy is refused.
    from emulation import audit, signing

    audit.record(signing.ACCEPTED, actor=w.leader, obj=copy, after={"sha256": copy.sha256})
    return [document.code, copy.pk]


# Scoring ------------------------------------------------------------------------------------


def criteria_table(w: World) -> list[Any]:
    from tests.factories import make_criteria_table

    return [make_criteria_table(w, adopted=False).block_year_id]


def criterion(w: World) -> list[Any]:
    from tests.factories import make_criteria_table

    return [make_criteria_table(w, adopted=False).criteria.get(code="I.1").pk]


def _open_sheet(w: World) -> Any:
    from tests.factories import open_assessment

    return open_assessment(w).sheets.get(unit=w.units[2])


def own_sheet(w: World) -> list[Any]:
    """The sheet of unit 3, whose leader and officer are `leader` and `officer`."""
    return [_open_sheet(w).pk]


def own_score(w: World) -> list[Any]:
    return [_open_sheet(w).scores.get(criterion__code="I.1").pk]


def own_evidence(w: World) -> list[Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring import services

    score = _open_sheet(w).scores.get(criterion__code="I.1")
    pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return [services.add_evidence(score, by=w.officer, uploaded=pdf).pk]


def returned_sheet(w: World) -> list[Any]:
    from scoring.models import ScoreSheet

    sheet = _open_sheet(w)
    ScoreSheet.objects.filter(pk=sheet.pk).update(status=ScoreSheet.Status.RETURNED)
    return [sheet.pk]


def published_year(w: World) -> list[Any]:
    from tests.factories import make_published_ranking

    return [make_published_ranking(w).block_year_id]


def published_unit(w: World) -> list[Any]:
    return [*published_year(w), w.units[2].pk]


REVIEW = {"admin", "staff", "secretariat"}  # never the unit's own people


# name: (arguments, GET statuses, POST statuses)
MATRIX: dict[str, tuple[Args, dict[str, int], dict[str, int]]] = {
    "home": (no_args, everyone(200), everyone(405)),
    "login": (
        no_args,
        {**everyone(302), "anonymous": 200},
        {**everyone(302), "anonymous": 200},
    ),
    "logout": (no_args, everyone(405), {**everyone(302), "anonymous": 302}),
    "password_change": (no_args, everyone(200), everyone(FORM_ERRORS)),
    "password_change_done": (no_args, everyone(200), everyone(405)),
    "favicon": (no_args, {r: 302 for r in ROLES}, {r: 405 for r in ROLES}),
    "set_language": (
        no_args,
        {**everyone(405), "anonymous": 405},
        {**everyone(302), "anonymous": 302},
    ),
    # The second sign-in step: without a password step in progress, back to sign in (or home).
    "login_verify": (no_args, everyone(302), everyone(302)),
    "two_factor_setup": (no_args, everyone(200), everyone(FORM_ERRORS)),
    # Nobody in the world has an authenticator yet: these send them to set one up.
    "two_factor_backup_codes": (no_args, everyone(302), everyone(302)),
    "two_factor_disable": (no_args, everyone(302), everyone(302)),
    # Unlocking is for the site's administrators (Django `is_staff`), not council staff.
    "locked_accounts": (no_args, allowed({"admin"}), allowed({"admin"}, 302)),
    "blocks:block_list": (no_args, everyone(200), everyone(405)),
    "blocks:block_create": (no_args, allowed(MANAGE), allowed(MANAGE, FORM_ERRORS)),
    "blocks:block_detail": (block, scoped(SEE), everyone(405)),
    "blocks:block_edit": (block, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    "blocks:blockyear_create": (block, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    "blocks:blockyear_detail": (year, scoped(SEE), everyone(405)),
    "blocks:blockyear_edit": (year, scoped(MANAGE), scoped(MANAGE, 302)),
    "blocks:blockyear_deadlines": (year, scoped(RUN), scoped(RUN, 302)),
    "blocks:blockyear_leadership": (year, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    "blocks:membership_add": (year, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    "blocks:activity_create": (year, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "blocks:membership_end": (membership, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    # Merging authorities changes who runs what across two councils: site administrators only.
    "blocks:authority_merge": (no_args, allowed({"admin"}), allowed({"admin"}, FORM_ERRORS)),
    "blocks:unit_list": (no_args, everyone(200), everyone(405)),
    "blocks:unit_create": (no_args, allowed(MANAGE), allowed(MANAGE, FORM_ERRORS)),
    "blocks:unit_detail": (unit, scoped(SEE), everyone(405)),
    "blocks:unit_edit": (unit, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    "blocks:unit_rename": (unit, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    "blocks:unit_merge": (unit, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    "blocks:unit_split": (unit, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    "blocks:unitrole_add": (unit, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    "blocks:unitrole_remove": (unit_role, scoped(MANAGE), scoped(MANAGE, 302)),
    "blocks:person_create": (no_args, allowed(MANAGE), allowed(MANAGE, FORM_ERRORS)),
    "blocks:activity_detail": (activity, scoped(SEE), everyone(405)),
    "blocks:activity_edit": (activity, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "blocks:contribution_record": (activity, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "blocks:import_start": (no_args, allowed(MANAGE), allowed(MANAGE, FORM_ERRORS)),
    "blocks:import_preview": (staged_import, IMPORTERS_ONLY_404, everyone(405)),
    "blocks:import_confirm": (staged_import, everyone(405), only(MANAGE, 302, 404)),
    "blocks:import_discard": (staged_import, everyone(405), only(MANAGE, 302, 404)),
    "blocks:import_template_xlsx": (no_args, allowed(MANAGE), everyone(405)),
    # An empty POST chose no one: nothing is sent, the page says so.
    "blocks:invitations_waiting": (no_args, allowed(MANAGE), allowed(MANAGE, 302)),
    "blocks:import_template_csv": (lambda w: ["units"], allowed(MANAGE), everyone(405)),
    # A forged link: nobody, signed in or not, finds anything behind it.
    "blocks:invitation_accept": (lambda w: ["MQ", "forged-token"], NOT_FOUND, NOT_FOUND),
    "covenants:document_list": (year, scoped(SEE), everyone(405)),
    "covenants:document_create": (year, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "covenants:documents_copy": (year, scoped(RUN), scoped(RUN, 302)),
    # An empty POST names no document: refused on the list, nothing changed.
    "covenants:documents_consult": (year, scoped(RUN), scoped(RUN, 302)),
    "covenants:documents_adopt": (year, scoped(RUN), scoped(RUN, 302)),
    # POST copies last year's registrations as drafts: the year's runners only.
    "covenants:registration_list": (year, scoped(SEE), scoped(RUN, 302)),
    # The council gathers the registrations: its staff and members see, its staff review.
    "covenants:council_registrations": (
        lambda w: [w.authority.pk, YEAR],
        only({"admin", "staff", "member"}, 200, 404),
        {**only({"admin", "staff"}, 302, 404), "member": 403},
    ),
    "covenants:registration_edit": (
        own_registration,
        only(OWN_UNIT, 200, 404),
        only(OWN_UNIT, FORM_ERRORS, 404),
    ),
    "covenants:document_detail": (covenant_at("draft"), scoped(SEE), everyone(405)),
    "covenants:document_edit": (covenant_at("draft"), scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "covenants:document_diff": (covenant_at("draft"), scoped(SEE), everyone(405)),
    "covenants:document_consult": (covenant_at("draft"), scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "covenants:document_adopt": (covenant_at("draft"), scoped(RUN), scoped(RUN, 302)),
    "covenants:comment_create": (
        covenant_at("draft"),
        scoped(UNIT_PEOPLE),
        scoped(UNIT_PEOPLE, FORM_ERRORS),
    ),
    "covenants:comment_answer": (pending_comment, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "covenants:signing_open": (covenant_at("adopted"), scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "covenants:signing_remind": (covenant_at("signing"), scoped(RUN), scoped(RUN, 302)),
    "covenants:covenant_sign": (
        covenant_at("signing"),
        scoped({"leader"}),
        scoped({"leader"}, FORM_ERRORS),
    ),
    "covenants:signing_progress": (covenant_at("signing"), scoped(SEE), everyone(405)),
    "covenants:paper_signature": (covenant_at("signing"), scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "covenants:covenant_pdf": (covenant_in_force, scoped(SEE), everyone(405)),
    "covenants:signature_scan": (paper_signature, scoped(RUN), everyone(405)),
    # Public: anyone may check an issued document; an empty POST shows the form's error.
    "verify": (issued_document, {r: 200 for r in ROLES}, {r: FORM_ERRORS for r in ROLES}),
    # Only the person who issued a document and the signers its app named bring it back signed;
    # to everyone else, the site administrator included, it does not exist.
    "signed_copy_upload": (
        issued_for_signing,
        only({"secretariat", "leader"}, 200, 404),
        only({"secretariat", "leader"}, FORM_ERRORS, 404),
    ),
    "signed_copy_download": (
        signed_copy,
        only({"secretariat", "leader"}, 200, 404),
        everyone(405),
    ),
    "scoring:criteria_detail": (year, scoped(SEE), everyone(405)),
    "scoring:criteria_import": (year, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "scoring:criteria_export_xlsx": (criteria_table, scoped(SEE), everyone(405)),
    "scoring:criteria_export_csv": (criteria_table, scoped(SEE), everyone(405)),
    # No earlier year to copy from: the refusal is shown on the table's page.
    "scoring:criteria_copy": (criteria_table, scoped(RUN), scoped(RUN, 302)),
    "scoring:criteria_settings": (criteria_table, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "scoring:criterion_edit": (criterion, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "scoring:assessment_open": (criteria_table, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "scoring:assessment_overview": (criteria_table, scoped(SEE), everyone(405)),
    # Nothing chosen: the refusal is shown on the list of sheets.
    "scoring:assessment_send_unchanged": (criteria_table, scoped(RUN), scoped(RUN, 302)),
    "scoring:assessment_finalise_settled": (criteria_table, scoped(RUN), scoped(RUN, 302)),
    "scoring:sheet_detail": (own_sheet, scoped(SEE), everyone(405)),
    # An incomplete sheet: the leader is sent back to it with the reason.
    "scoring:sheet_submit": (own_sheet, scoped({"leader"}), scoped({"leader"}, 302)),
    "scoring:sheet_reopen": (own_sheet, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "scoring:sheet_reviewer": (own_sheet, scoped(RUN), scoped(RUN, 302)),
    "scoring:sheet_review": (own_sheet, scoped(REVIEW), everyone(405)),
    "scoring:sheet_send": (own_sheet, scoped(REVIEW), scoped(REVIEW, 302)),
    "scoring:sheet_accept": (returned_sheet, scoped({"leader"}), scoped({"leader"}, 302)),
    "scoring:sheet_respond": (returned_sheet, scoped({"leader"}), scoped({"leader"}, FORM_ERRORS)),
    "scoring:sheet_finalise": (returned_sheet, scoped(RUN), scoped(RUN, 302)),
    "scoring:score_save": (own_score, everyone(405), scoped(OWN_UNIT, 302)),
    "scoring:score_review": (own_score, everyone(405), scoped(REVIEW, 302)),
    "scoring:evidence_upload": (own_score, everyone(405), scoped(OWN_UNIT, 302)),
    "scoring:evidence_download": (own_evidence, scoped(SEE), everyone(405)),
    "scoring:evidence_delete": (own_evidence, scoped(OWN_UNIT), scoped(OWN_UNIT, 302)),
    "scoring:ranking_detail": (published_year, scoped(SEE), everyone(405)),
    # Already published: the refusal is shown on the ranking's page.
    "scoring:ranking_publish": (published_year, scoped(RUN), scoped(RUN, 302)),
    "scoring:ranking_export": (published_year, scoped(SEE), everyone(405)),
    "scoring:ranking_explain": (published_year, scoped(SEE), everyone(405)),
    "scoring:ranking_unit": (published_unit, scoped(SEE), everyone(405)),
    **AWARDS_ROWS,
    **PROPOSAL_ROWS,
}

# The archived year -----------------------------------------------------------------------------

YEAR_APPS = ("blocks", "covenants", "scoring", "awards")

# name: (GET statuses, POST statuses) once the world's year is archived (after the arguments are
# made). Pages read as before; what acts answers 403 to everyone who sees the year.
ARCHIVED: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "blocks:blockyear_detail": (scoped(SEE), everyone(405)),
    "blocks:blockyear_edit": (read_only(), read_only()),
    "blocks:blockyear_deadlines": (read_only(), read_only()),
    "blocks:blockyear_leadership": (read_only(), read_only()),
    "blocks:membership_add": (read_only(), read_only()),
    "blocks:activity_create": (read_only(), read_only()),
    "blocks:membership_end": (read_only(), read_only()),
    "blocks:activity_detail": (scoped(SEE), everyone(405)),
    "blocks:activity_edit": (read_only(), read_only()),
    "blocks:contribution_record": (read_only(), read_only()),
    "covenants:document_list": (scoped(SEE), everyone(405)),
    "covenants:document_create": (read_only(), read_only()),
    "covenants:documents_copy": (read_only(), read_only()),
    "covenants:documents_consult": (read_only(), read_only()),
    "covenants:documents_adopt": (read_only(), read_only()),
    "covenants:registration_list": (scoped(SEE), read_only()),
    "covenants:registration_edit": (only(OWN_UNIT, 403, 404), only(OWN_UNIT, 403, 404)),
    "covenants:document_detail": (scoped(SEE), everyone(405)),
    "covenants:document_edit": (read_only(), read_only()),
    "covenants:document_diff": (scoped(SEE), everyone(405)),
    "covenants:document_consult": (read_only(), read_only()),
    "covenants:document_adopt": (read_only(), read_only()),
    "covenants:comment_create": (read_only(), read_only()),
    "covenants:comment_answer": (read_only(), read_only()),
    "covenants:signing_open": (read_only(), read_only()),
    "covenants:signing_remind": (read_only(), read_only()),
    "covenants:covenant_sign": (read_only(), read_only()),
    "covenants:signing_progress": (scoped(SEE), everyone(405)),
    "covenants:paper_signature": (read_only(), read_only()),
    "covenants:covenant_pdf": (scoped(SEE), everyone(405)),
    "covenants:signature_scan": (read_only(), everyone(405)),
    "scoring:criteria_detail": (scoped(SEE), everyone(405)),
    "scoring:criteria_import": (read_only(), read_only()),
    "scoring:criteria_export_xlsx": (scoped(SEE), everyone(405)),
    "scoring:criteria_export_csv": (scoped(SEE), everyone(405)),
    "scoring:criteria_copy": (read_only(), read_only()),
    "scoring:criteria_settings": (read_only(), read_only()),
    "scoring:criterion_edit": (read_only(), read_only()),
    "scoring:assessment_open": (read_only(), read_only()),
    "scoring:assessment_overview": (scoped(SEE), everyone(405)),
    "scoring:assessment_send_unchanged": (read_only(), read_only()),
    "scoring:assessment_finalise_settled": (read_only(), read_only()),
    "scoring:sheet_detail": (scoped(SEE), everyone(405)),
    "scoring:sheet_submit": (read_only(), read_only()),
    "scoring:sheet_reopen": (read_only(), read_only()),
    "scoring:sheet_reviewer": (read_only(), read_only()),
    "scoring:sheet_review": (read_only(), everyone(405)),
    "scoring:sheet_send": (read_only(), read_only()),
    "scoring:sheet_accept": (read_only(), read_only()),
    "scoring:sheet_respond": (read_only(), read_only()),
    "scoring:sheet_finalise": (read_only(), read_only()),
    "scoring:score_save": (everyone(405), read_only()),
    "scoring:score_review": (everyone(405), read_only()),
    "scoring:evidence_upload": (everyone(405), read_only()),
    "scoring:evidence_download": (scoped(SEE), everyone(405)),
    "scoring:evidence_delete": (read_only(), read_only()),
    "scoring:ranking_detail": (scoped(SEE), everyone(405)),
    "scoring:ranking_publish": (read_only(), read_only()),
    "scoring:ranking_export": (scoped(SEE), everyone(405)),
    "scoring:ranking_explain": (scoped(SEE), everyone(405)),
    "scoring:ranking_unit": (scoped(SEE), everyone(405)),
    **AWARDS_ARCHIVED,
    **PROPOSALS_ARCHIVED,
}

# What is not a year's: the accounts, the registry of blocks and units (and opening a new year),
# public pages, and the council's own sessions, decisions and statistics.
NOT_OF_A_YEAR = PROPOSALS_NOT_OF_A_YEAR | {
    "blocks:import_start",
    "blocks:import_preview",
    "blocks:import_confirm",
    "blocks:import_discard",
    "blocks:import_template_xlsx",
    "blocks:import_template_csv",
    "blocks:invitations_waiting",
    "blocks:invitation_accept",
    "home",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "set_language",
    "favicon",
    "login_verify",
    "two_factor_setup",
    "two_factor_backup_codes",
    "two_factor_disable",
    "locked_accounts",
    "verify",
    "signed_copy_upload",
    "signed_copy_download",
    "blocks:block_list",
    "blocks:block_create",
    "blocks:block_detail",
    "blocks:block_edit",
    "blocks:blockyear_create",
    "blocks:authority_merge",
    "blocks:unit_list",
    "blocks:unit_create",
    "blocks:unit_detail",
    "blocks:unit_edit",
    "blocks:unit_rename",
    "blocks:unit_merge",
    "blocks:unit_split",
    "blocks:unitrole_add",
    "blocks:unitrole_remove",
    "blocks:person_create",
    "awards:unit_history",
    "awards:past_record_add",
    "awards:cap_base",
    "awards:council_index",
    "awards:session_list",
    "awards:session_create",
    "awards:session_detail",
    "awards:session_agenda",
    "awards:session_attendance",
    "awards:session_open",
    "awards:session_board",
    "awards:session_code",
    "awards:session_count",
    "awards:session_void",
    "awards:session_rerun",
    "awards:session_vote",
    "awards:session_receipt",
    "awards:session_close",
    "awards:session_paper",
    "awards:session_scan",
    "awards:session_minutes_issue",
    "awards:session_minutes_pdf",
    "awards:decision_list",
    "awards:decision_create",
    "awards:decision_detail",
    "awards:decision_edit",
    "awards:decision_issue",
    "awards:decision_publish",
    "awards:decision_discard",
    "awards:decision_pdf",
    "awards:submission_create",
    "awards:submission_detail",
    "awards:submission_pdf",
    "awards:awardee_revoke",
    "awards:revocation_pdf",
    "awards:certificate_pdf",
    "awards:statistics",
    "awards:statistics_xlsx",
    "awards:trends",
    "awards:trends_xlsx",
    "covenants:council_registrations",
    "awards:results_index",
    "awards:results",
}


# Django's own admin guards every one of its pages with `is_staff`; it is tested as a whole below.
DELEGATED_NAMESPACES = {"admin"}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in DELEGATED_NAMESPACES:
                continue
            names |= _names(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{prefix}{pattern.name}")
    return names


def test_every_url_of_the_project_is_in_the_matrix() -> None:
    names = _names(get_resolver())
    assert names - MATRIX.keys() == set(), "URLs missing from the permission matrix"
    assert MATRIX.keys() - names == set(), "matrix rows for URLs that no longer exist"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_the_matrix_says(name: str, world: World) -> None:
    args, get_expected, post_expected = MATRIX[name]
    url = reverse(name, args=args(world))
    check_roles(name, url, world, get_expected, post_expected)


def test_admin_is_for_site_administrators_only(world: World) -> None:
    url = reverse("admin:index")
    expected = {role: (200 if role == "admin" else 302) for role in ROLES}
    check_roles("admin:index", url, world, expected, post=None)


def test_every_url_is_either_of_a_year_or_not() -> None:
    assert ARCHIVED.keys() | NOT_OF_A_YEAR == MATRIX.keys()
    assert ARCHIVED.keys() & NOT_OF_A_YEAR == set()


@pytest.mark.parametrize("name", sorted(ARCHIVED))
def test_url_of_an_archived_year_answers_each_role_as_the_matrix_says(
    name: str, world: World, client: Any
) -> None:
    """Every role in turn on one archived world: nothing a request does may change it."""
    url = reverse(name, args=MATRIX[name][0](world))
    archive(world)
    before = rows(*YEAR_APPS)
    expected = {role: (ARCHIVED[name][0][role], ARCHIVED[name][1][role]) for role in ROLES}
    got = {}
    for role in ROLES:
        client.logout()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        status = client.get(url).status_code
        assert client.head(url).status_code == status, f"HEAD {name} as {role}"
        got[role] = (status, client.post(url, {}).status_code)
    assert got == expected, name
    assert rows(*YEAR_APPS) == before
