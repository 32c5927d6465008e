"""Every URL of the project × every role × GET and POST, with the expected status.

Deny by default: anonymous people are sent to sign in; objects outside a person's scope are 404;
what a person may see but not change is 403. A URL added without a row here fails the suite.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.awards.matrix import AWARDS_ROWS
from tests.factories import World
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
    scoped,
    unit,
    year,
)


def membership(w: World) -> list[Any]:
    return [w.block_year.memberships.get(unit=w.units[3]).pk]


def unit_role(w: World) -> list[Any]:
    return [w.leader.unit_roles.get().pk]


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
    """An issued document's record (the page never opens its file)."""
    from django.utils import timezone

    from emulation.models import IssuedDocument, new_verification_code

    code = new_verification_code()
    IssuedDocument.objects.create(
        code=code,
        kind="covenant",
        title="Giao ước thi đua năm 2026",
        issuer_name=w.block.name,
        issued_by=w.secretariat,
        issued_at=timezone.now(),
        sha256="0" * 64,
        file=f"issued/2026/{code}.pdf",
        size=1000,
    )
    return [code]


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
    "blocks:blockyear_leadership": (year, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    "blocks:membership_add": (year, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
    "blocks:activity_create": (year, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "blocks:membership_end": (membership, scoped(MANAGE), scoped(MANAGE, FORM_ERRORS)),
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
    "covenants:document_list": (year, scoped(SEE), everyone(405)),
    "covenants:document_create": (year, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "covenants:documents_copy": (year, scoped(RUN), scoped(RUN, 302)),
    "covenants:registration_list": (year, scoped(SEE), everyone(405)),
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
