"""Permission-matrix rows for the council's decisions pages: name -> (arguments, GET statuses, POST
statuses). Seen by the council's staff and members (404 for everyone else); drafted, issued and
published by its staff (403 for members). A published decision and its certificates are also
downloadable by the awardee units' own people.

The set-up helpers here are shared with the decision tests: approved nominations are put in place
directly (the council's sessions that approve them are tested on their own).
"""

from __future__ import annotations

import datetime
from typing import Any

from tests.factories import YEAR, World
from tests.matrix import FORM_ERRORS, LOGIN, MANAGE, ROLES, Args, everyone

COUNCIL = {"admin", "staff", "member"}
SIGNED_ON = datetime.date(YEAR + 1, 3, 5)


def approved_nominations(
    w: World, units: list[Any] | None = None, award_code: str = "chairman-certificate"
) -> list[Any]:
    """Nominations of the world's block year the council approved (unit 1 unless told)."""
    from awards.models import AwardType, Nomination

    award = AwardType.objects.get(code=award_code)
    return [
        Nomination.objects.create(
            block_year=w.block_year,
            award_type=award,
            unit=unit,
            unit_name=unit.name,
            status=Nomination.Status.APPROVED,
        )
        for unit in (units if units is not None else [w.units[0]])
    ]


def draft(
    w: World,
    *,
    number: str = "125/QĐ-UBND",
    award_code: str = "chairman-certificate",
    units: list[Any] | None = None,
) -> Any:
    from awards.models import AwardType
    from awards.services import decisions

    approved_nominations(w, units, award_code)
    return decisions.draft_decision(
        w.authority,
        YEAR,
        AwardType.objects.get(code=award_code),
        by=w.staff,
        number=number,
        signed_on=SIGNED_ON,
        signer_name="Hoàng Nam",
        signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        legal_bases="Luật Thi đua, khen thưởng số 06/2022/QH15",
    )


def issued(w: World, **options: Any) -> Any:
    from awards.services import decisions

    return decisions.issue_decision(draft(w, **options), by=w.staff)


def published(w: World, **options: Any) -> Any:
    from awards.services import decisions

    return decisions.publish_decision(issued(w, **options), by=w.staff)


def council_year(w: World) -> list[Any]:
    return [w.authority.pk, YEAR]


def approved_award(w: World) -> list[Any]:
    from awards.models import AwardType

    approved_nominations(w)
    return [w.authority.pk, YEAR, AwardType.objects.get(code="chairman-certificate").pk]


def draft_pk(w: World) -> list[Any]:
    return [draft(w).pk]


def issued_pk(w: World) -> list[Any]:
    return [issued(w).pk]


def published_pk(w: World) -> list[Any]:
    return [published(w).pk]


def published_certificate(w: World) -> list[Any]:
    """The certificate of unit 1, whose officer is the secretariat persona."""
    return [published(w).awardees.get().pk]


def submitted(w: World) -> Any:
    """The Department's submission listing unit 1's approved nomination, issued by the staff."""
    from awards.services import submissions

    approved_nominations(w)
    return submissions.issue_submission(
        w.authority,
        YEAR,
        by=w.staff,
        number="45/TTr-SNV",
        signed_on=SIGNED_ON - datetime.timedelta(days=3),
        signer_name="Trần Văn Bình",
    )


def submission_pk(w: World) -> list[Any]:
    return [submitted(w).pk]


def approved_year(w: World) -> list[Any]:
    approved_nominations(w)
    return [w.authority.pk, YEAR]


def published_awardee(w: World) -> list[Any]:
    return [published(w).awardees.get().pk]


def revoked(w: World) -> list[Any]:
    """Unit 1's award revoked by a later decision: its revocation."""
    from awards.services import revocations

    awardee = published(w).awardees.get()
    revocation = revocations.revoke_award(
        awardee,
        by=w.staff,
        number="310/QĐ-UBND",
        signed_on=SIGNED_ON + datetime.timedelta(days=30),
        signer_name="Hoàng Nam",
        ground="fraud",
        reason="Kê khai thành tích không đúng sự thật.",
    )
    return [revocation.pk]


def council(ok: int = 200, act: set[str] | None = None) -> dict[str, int]:
    """Seen by the council (`act` get `ok`, the other council people 403); 404 for the rest."""
    act = COUNCIL if act is None else act
    return {
        "anonymous": LOGIN,
        **{
            role: (ok if role in act else 403) if role in COUNCIL else 404
            for role in ROLES
            if role != "anonymous"
        },
    }


# The awardee unit's own people (the secretariat persona is an officer of unit 1) download once
# the decision is published.
DOWNLOAD = {**council(), "secretariat": 200}

ROWS: dict[str, tuple[Args, dict[str, int], dict[str, int]]] = {
    "awards:decision_list": (council_year, council(), everyone(405)),
    "awards:decision_create": (
        approved_award,
        council(act=MANAGE),
        council(FORM_ERRORS, act=MANAGE),
    ),
    "awards:decision_detail": (draft_pk, council(), everyone(405)),
    "awards:decision_edit": (draft_pk, council(act=MANAGE), council(FORM_ERRORS, act=MANAGE)),
    "awards:decision_issue": (draft_pk, council(act=MANAGE), council(302, act=MANAGE)),
    "awards:decision_publish": (issued_pk, council(act=MANAGE), council(302, act=MANAGE)),
    "awards:decision_discard": (draft_pk, council(act=MANAGE), council(302, act=MANAGE)),
    "awards:decision_pdf": (published_pk, DOWNLOAD, everyone(405)),
    "awards:certificate_pdf": (published_certificate, DOWNLOAD, everyone(405)),
    # The Department of Home Affairs' submission: issued by the staff, seen by the council.
    "awards:submission_create": (
        approved_year,
        council(act=MANAGE),
        council(FORM_ERRORS, act=MANAGE),
    ),
    "awards:submission_detail": (submission_pk, council(), everyone(405)),
    "awards:submission_pdf": (submission_pk, council(), everyone(405)),
    # Revoking an award by a later decision: the staff; the revoking decision of a published
    # award is for anyone signed in, as the results it changes are public.
    "awards:awardee_revoke": (
        published_awardee,
        council(act=MANAGE),
        council(FORM_ERRORS, act=MANAGE),
    ),
    "awards:revocation_pdf": (revoked, everyone(200), everyone(405)),
}
