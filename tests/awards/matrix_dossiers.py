"""Permission-matrix rows for nominations and the dossier: name -> (arguments, GET statuses, POST
statuses).

The nomination is unit 3's (the `leader` and `officer` personas): its own people write the report
and attach documents, its leader approves and attests; the secretariat (`RUN`) withdraws and sends
again; council staff (`MANAGE`) return. Everyone who sees the year sees the rest.
"""

from __future__ import annotations

from typing import Any

from tests.factories import World
from tests.matrix import (
    FORM_ERRORS,
    MANAGE,
    OWN_UNIT,
    RUN,
    SEE,
    Args,
    everyone,
    read_only,
    scoped,
    year,
)


def _own(w: World) -> Any:
    from tests.factories import make_award_type, make_nominations

    award = make_award_type()
    nominations = make_nominations(w, award.code, units=[w.units[2], w.units[3]])
    return next(n for n in nominations if n.unit_id == w.units[2].pk)


def own_nomination(w: World) -> list[Any]:
    return [_own(w).pk]


def approved_nomination(w: World) -> list[Any]:
    from awards.services import dossiers
    from tests.factories import REPORT_TEXT

    nomination = _own(w)
    dossiers.save_report(nomination, by=w.officer, **REPORT_TEXT)
    dossiers.approve_report(nomination, by=w.leader)
    return [nomination.pk]


def own_file(w: World) -> list[Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from awards.services import dossiers

    pdf = SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return [dossiers.add_file(_own(w), by=w.officer, uploaded=pdf).pk]


def submitted_nomination(w: World) -> list[Any]:
    from awards.models import Nomination

    nomination = _own(w)
    Nomination.objects.filter(pk=nomination.pk).update(status=Nomination.Status.SUBMITTED)
    return [nomination.pk]


def returned_nomination(w: World) -> list[Any]:
    from awards.models import Nomination

    nomination = _own(w)
    Nomination.objects.filter(pk=nomination.pk).update(
        status=Nomination.Status.RETURNED, return_reason="Thiếu quyết định khen thưởng năm trước."
    )
    return [nomination.pk]


def letter_issued(w: World) -> list[Any]:
    from awards.documents import ballot_minutes
    from awards.services import dossiers
    from tests.factories import make_nominations

    make_nominations(w)
    ballot_minutes.issue_minutes(w.block_year, by=w.secretariat)
    dossiers.issue_proposal_letter(
        w.block_year,
        by=w.secretariat,
        number="05/TTr-KTĐ",
        signer_name="Nguyễn Văn An",
        signer_title="",
    )
    return [w.block_year.pk]


def submitted_dossier(w: World) -> list[Any]:
    """A dossier as sent (written directly: the manifest page only reads it)."""
    from awards.models import Dossier
    from awards.services import dossiers

    manifest = {"block_year": {"id": w.block_year.pk}, "documents": []}
    Dossier.objects.create(
        block_year=w.block_year,
        status=Dossier.Status.SUBMITTED,
        manifest=manifest,
        manifest_sha256=dossiers.manifest_sha256(manifest),
    )
    return [w.block_year.pk]


CHECKS = RUN | OWN_UNIT  # the secretariat, and the unit's own people

ROWS: dict[str, tuple[Args, dict[str, int], dict[str, int]]] = {
    "awards:dossier_detail": (year, scoped(SEE), everyone(405)),
    "awards:proposal_letter_issue": (year, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "awards:proposal_letter_pdf": (letter_issued, scoped(SEE), everyone(405)),
    # Not complete: the refusal is shown on the dossier's page.
    "awards:dossier_submit": (year, scoped(RUN), scoped(RUN, 302)),
    "awards:dossier_manifest": (submitted_dossier, scoped(SEE), everyone(405)),
    "awards:nomination_detail": (own_nomination, scoped(SEE), everyone(405)),
    # An empty report changes nothing: back to the nomination.
    "awards:nomination_report": (own_nomination, scoped(OWN_UNIT), scoped(OWN_UNIT, 302)),
    # Sections still empty: the refusal is shown on the nomination's page.
    "awards:nomination_report_approve": (
        own_nomination,
        scoped({"leader"}),
        scoped({"leader"}, 302),
    ),
    "awards:nomination_report_pdf": (approved_nomination, scoped(SEE), everyone(405)),
    "awards:nomination_attest": (
        own_nomination,
        scoped({"leader"}),
        scoped({"leader"}, FORM_ERRORS),
    ),
    "awards:nomination_eligibility": (own_nomination, scoped(CHECKS), scoped(CHECKS, 302)),
    "awards:nomination_file_upload": (
        own_nomination,
        scoped(OWN_UNIT),
        scoped(OWN_UNIT, FORM_ERRORS),
    ),
    "awards:nomination_file_download": (own_file, scoped(SEE), everyone(405)),
    "awards:nomination_file_delete": (own_file, scoped(OWN_UNIT), scoped(OWN_UNIT, 302)),
    "awards:nomination_withdraw": (own_nomination, scoped(RUN), scoped(RUN, FORM_ERRORS)),
    "awards:nomination_return": (
        submitted_nomination,
        scoped(MANAGE),
        scoped(MANAGE, FORM_ERRORS),
    ),
    # Nothing changed since it was returned: the refusal is shown on the nomination's page.
    "awards:nomination_resubmit": (returned_nomination, scoped(RUN), scoped(RUN, 302)),
}

# Once the year is archived: name -> (GET statuses, POST statuses).
ARCHIVED: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "awards:dossier_detail": (scoped(SEE), everyone(405)),
    "awards:proposal_letter_issue": (read_only(), read_only()),
    "awards:proposal_letter_pdf": (scoped(SEE), everyone(405)),
    "awards:dossier_submit": (read_only(), read_only()),
    "awards:dossier_manifest": (scoped(SEE), everyone(405)),
    "awards:nomination_detail": (scoped(SEE), everyone(405)),
    "awards:nomination_report": (read_only(), read_only()),
    "awards:nomination_report_approve": (read_only(), read_only()),
    "awards:nomination_report_pdf": (scoped(SEE), everyone(405)),
    "awards:nomination_attest": (read_only(), read_only()),
    "awards:nomination_eligibility": (read_only(), read_only()),
    "awards:nomination_file_upload": (read_only(), read_only()),
    "awards:nomination_file_download": (scoped(SEE), everyone(405)),
    "awards:nomination_file_delete": (read_only(), read_only()),
    "awards:nomination_withdraw": (read_only(), read_only()),
    "awards:nomination_return": (read_only(), read_only()),
    "awards:nomination_resubmit": (read_only(), read_only()),
}
