"""Permission-matrix rows for the council's sessions pages: name -> (arguments, GET statuses, POST
statuses), and the set-up the session tests share.

Seen by the authority's council staff and members (and site administrators); everyone else,
the block's people included, gets 404. Run by the staff (members 403); voted in only by a member
recorded present (staff and administrators 403).
"""

from __future__ import annotations

import hashlib
from typing import Any

from tests import counting
from tests.factories import World, make_block, make_block_year, make_unit
from tests.matrix import LOGIN, Args, everyone

# Set-up shared by the session tests ---------------------------------------------------------------


def published_blocks(world: World, count: int) -> list[Any]:
    """`count` more blocks of the province, each with one unit leading a published ranking this
    year (written directly: only their existence counts for the caps)."""
    from django.utils import timezone

    from scoring.models import CriteriaTable, Ranking

    years = []
    for _ in range(count):
        unit = make_unit(world.authority)
        block_year = make_block_year(make_block(world.authority), [unit], head=unit)
        table = CriteriaTable.objects.create(block_year=block_year)
        Ranking.objects.create(
            table=table, published_at=timezone.now(), published_by=world.staff, sha256="0" * 64
        )
        years.append(block_year)
    return years


def nominate(block_year: Any, unit: Any, award_code: str, status: str = "appraised") -> Any:
    """A nomination at a council status, written directly (the services that bring it there
    are tested on their own)."""
    from awards.models import AwardType, Nomination

    return Nomination.objects.create(
        block_year=block_year,
        award_type=AwardType.objects.get(code=award_code),
        unit=unit,
        unit_name=unit.name,
        status=status,
    )


def appraised(world: World, award_code: str = "chairman-certificate") -> list[Any]:
    """Appraised nominations of the world's units 1, 2 and 4 for an award."""
    return [nominate(world.block_year, world.units[i], award_code) for i in (0, 1, 3)]


def prepared(
    world: World,
    *,
    nominations: list[Any] | None = None,
    present: list[Any] | None = None,
    method: str = "online",
    quorum: tuple[int, int] = (2, 3),
) -> Any:
    """A session being prepared by the staff with the nominations on its agenda (the world's
    appraised ones by default) and `present` recorded (the world's member by default)."""
    from awards.services import sessions

    session = sessions.create_session(
        world.authority,
        by=world.staff,
        year=world.block_year.year,
        title="Phiên họp xét khen thưởng năm 2026",
        held_on=world.block_year.last_day,
        place="Hội trường UBND tỉnh",
        method=method,
        quorum=quorum,
    )
    sessions.add_to_agenda(
        session, nominations if nominations is not None else appraised(world), by=world.staff
    )
    sessions.record_attendance(
        session, present if present is not None else [world.member], by=world.staff
    )
    session.refresh_from_db()
    return session


def opened(world: World, **options: Any) -> Any:

    return counting.open_session(prepared(world, **options), by=world.staff)


# Matrix rows -----------------------------------------------------------------------------------

# The stored file of an issued minutes: its SHA-256 is stored with it, for it is hashed again
# before it is served.
PDF = b"%PDF-1.4\n%%EOF\n"

SEE = {"admin", "staff", "member"}
RUN = {"admin", "staff"}


def council(see: set[str], act: set[str], ok: int = 200) -> dict[str, int]:
    """`act` get `ok`; those who see but may not act 403; everyone else 404."""
    roles = ["admin", "staff", "member", "secretariat", "leader", "officer", "outsider"]
    return {"anonymous": LOGIN} | {
        role: ok if role in act else (403 if role in see else 404) for role in roles
    }


def seen(status: int) -> dict[str, int]:
    return council(SEE, SEE, status)


def _year(w: World) -> list[Any]:
    return [w.authority.pk, w.block_year.year]


def _draft(w: World) -> list[Any]:
    return [prepared(w).pk]


def _open(w: World) -> list[Any]:
    return [opened(w).pk]


def _paper(w: World) -> list[Any]:
    return [prepared(w, method="paper").pk]


def _with_scan(w: World) -> list[Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from awards.services import sessions

    session = prepared(w, method="paper")
    counts = {item.pk: (1, 0) for item in session.items.all()}
    scan = SimpleUploadedFile("bb.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    sessions.record_paper_counts(session, by=w.staff, present=1, counts=counts, scan=scan)
    return [session.pk]


def _with_minutes(w: World) -> list[Any]:
    """A closed session with an issued minutes record (the file is a stand-in: the page serves
    whatever was stored)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from awards.services import sessions
    from emulation.models import IssuedDocument, new_verification_code

    session = prepared(w, method="paper")
    counts = {item.pk: (1, 0) for item in session.items.all()}
    sessions.record_paper_counts(session, by=w.staff, present=1, counts=counts, scan=None)
    code = new_verification_code()
    document = IssuedDocument(
        code=code,
        kind="council_minutes",
        title="Biên bản phiên họp",
        issuer_name=w.authority.name,
        issued_by=w.staff,
        issued_at=timezone.now(),
        sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF),
    )
    document.file.save(f"{code}.pdf", ContentFile(PDF), save=False)
    document.save()
    session.minutes = document
    session.save(update_fields=["minutes"])
    return [session.pk]


def _counting(w: World) -> list[Any]:
    """The member voted and voting is closed: the board has not counted yet."""
    from awards.services import sessions

    session = opened(w)
    choices = {item.pk: True for item in session.items.all()}
    sessions.cast_council_vote(session, by=w.member, choices=choices)
    return [sessions.close_session(session, by=w.staff).pk]


def _void(w: World) -> list[Any]:
    """Closed with nobody voting: void, quorum not reached."""
    from awards.services import sessions

    return [sessions.close_session(opened(w), by=w.staff).pk]


ROWS: dict[str, tuple[Args, dict[str, int], dict[str, int]]] = {
    "awards:session_list": (_year, seen(200), everyone(405)),
    "awards:session_create": (_year, council(SEE, RUN), council(SEE, RUN)),  # errors shown
    "awards:session_detail": (_draft, seen(200), everyone(405)),
    "awards:session_agenda": (_draft, council(SEE, RUN), council(SEE, RUN)),  # errors shown
    # An empty attendance is an attendance: recorded, back to the session.
    "awards:session_attendance": (_draft, council(SEE, RUN), council(SEE, RUN, 302)),
    "awards:session_open": (_draft, council(SEE, RUN), council(SEE, RUN, 302)),
    "awards:session_vote": (_open, council(SEE, {"member"}), council(SEE, {"member"})),
    "awards:session_receipt": (_open, seen(200), seen(200)),
    "awards:session_close": (_open, council(SEE, RUN), council(SEE, RUN, 302)),
    "awards:session_paper": (_paper, council(SEE, RUN), council(SEE, RUN)),  # errors shown
    "awards:session_scan": (_with_scan, seen(200), everyone(405)),
    # Not closed yet: the refusal is shown on the session's page.
    "awards:session_minutes_issue": (_draft, council(SEE, RUN), council(SEE, RUN, 302)),
    "awards:session_minutes_pdf": (_with_minutes, seen(200), everyone(405)),
    # The voting core: the world's one member is the council's board; a code is theirs alone;
    # the count is for the board and the staff; void and rerun need a reason.
    "awards:session_board": (_draft, council(SEE, RUN), council(SEE, RUN)),  # errors shown
    "awards:session_code": (_draft, council(SEE, {"member"}), council(SEE, {"member"})),
    "awards:session_count": (
        _counting,
        council(SEE, RUN | {"member"}),
        council(SEE, RUN | {"member"}),
    ),
    "awards:session_void": (_counting, council(SEE, RUN), council(SEE, RUN)),  # errors shown
    "awards:session_rerun": (_void, council(SEE, RUN), council(SEE, RUN)),  # errors shown
}
