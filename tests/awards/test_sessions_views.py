"""The council session's pages: preparing, voting, closing, paper counts and minutes, as the staff
and members click through them; and the session page's fixed number of queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from awards.models import CouncilSession, Nomination, RollEntry
from awards.services import sessions
from awards.services.catalogue import set_cap_base
from tests import counting
from tests.awards.matrix_sessions import appraised, nominate, opened, prepared, published_blocks
from tests.factories import World, make_council_members, make_unit

pytestmark = pytest.mark.django_db


def page(client: Client, name: str, *args: Any) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_staff_prepare_a_session_from_the_list(world: World, client: Client) -> None:
    appraised(world)
    client.force_login(world.staff)
    listing = page(client, "awards:session_list", world.authority.pk, 2026)
    assert "3 appraised nominations wait for a session." in listing
    new = reverse("awards:session_create", args=[world.authority.pk, 2026])
    assert "Council session on the 2026 awards" in client.get(new).content.decode()
    response = client.post(
        new,
        {
            "title": "Phiên họp thứ nhất",
            "held_on": "15/12/2026",
            "place": "Hội trường",
            "method": "online",
            "quorum": "3/4",
        },
    )
    session = CouncilSession.objects.get()
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert (session.quorum_numerator, session.quorum_denominator) == (3, 4)
    agenda = reverse("awards:session_agenda", args=[session.pk])
    ids = list(Nomination.objects.values_list("pk", flat=True))
    assert client.post(agenda, {"nominations": ids[:2]}).status_code == 302
    assert session.items.count() == 2
    item = session.items.order_by("position").first()
    assert item is not None
    client.post(agenda, {"remove": item.pk})
    assert session.items.count() == 1
    attendance = reverse("awards:session_attendance", args=[session.pk])
    assert client.post(attendance, {"members": [world.member.pk]}).status_code == 302
    detail = page(client, "awards:session_detail", session.pk)
    assert "1 of 1 present; 1 needed." in detail
    assert reverse("awards:session_open", args=[session.pk]) in detail


def test_a_bad_quorum_is_refused_on_the_form(world: World, client: Client) -> None:
    client.force_login(world.staff)
    new = reverse("awards:session_create", args=[world.authority.pk, 2026])
    data = {"title": "P", "held_on": "15/12/2026", "method": "online", "quorum": "4/3"}
    response = client.post(new, data)
    assert "The quorum is a fraction such as 2/3, at most 1." in response.content.decode()
    assert not CouncilSession.objects.exists()


def test_a_member_votes_the_staff_close_and_everyone_sees_the_results(
    world: World, client: Client
) -> None:
    session = prepared(world)
    counting.seat_board(session)
    client.force_login(world.staff)
    client.post(reverse("awards:session_open", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == "open"
    client.force_login(world.member)
    detail = page(client, "awards:session_detail", session.pk)
    assert "0 of 1 present members voted." in detail
    assert "You are recorded present and have not voted yet." in detail
    data = {f"item_{i.pk}": "agree" for i in session.items.all()} | {"confirm": "on"}
    response = client.post(reverse("awards:session_vote", args=[session.pk]), data)
    receipt = response.context["receipt"]
    checked = client.post(reverse("awards:session_receipt", args=[session.pk]), {"code": receipt})
    assert 'data-result="recorded"' in checked.content.decode()
    detail = page(client, "awards:session_detail", session.pk)
    assert "1 of 1 present members voted." in detail and 'id="results"' not in detail
    assert "Results are counted and shown only when voting closes." in detail
    client.force_login(world.staff)
    assert "1 of 1 members present have voted" in page(client, "awards:session_close", session.pk)
    client.post(reverse("awards:session_close", args=[session.pk]))
    detail = page(client, "awards:session_detail", session.pk)
    assert "proposed 3, approved 3" not in detail, "nothing counted before the board's codes"
    count = reverse("awards:session_count", args=[session.pk])
    assert 'name="code_1"' in page(client, "awards:session_count", session.pk)
    client.post(count, {"code_1": counting.CODES[session.box_id][0]})
    detail = page(client, "awards:session_detail", session.pk)
    assert "proposed 3, approved 3" in detail
    assert "1 of 1 members voting agreed; more than 1/2 needed 1." in detail
    assert "<svg" in detail and "Votes by nomination" in detail
    # Drawn at its own size, narrow enough for a phone, its text never below 11 px.
    chart = re.search(r'<svg class="chart" viewBox="0 0 (\d+) \d+".*?</svg>', detail, re.S)
    assert chart is not None and int(chart.group(1)) <= 320
    assert min(int(size) for size in re.findall(r'font-size="(\d+)"', chart.group(0))) >= 11
    client.post(reverse("awards:session_minutes_issue", args=[session.pk]))
    pdf = client.get(reverse("awards:session_minutes_pdf", args=[session.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_member_not_present_cannot_open_the_ballot_paper(world: World, client: Client) -> None:
    absent = make_council_members(world, 1)[0]
    session = opened(world, quorum=(1, 2))
    client.force_login(absent)
    assert client.get(reverse("awards:session_vote", args=[session.pk])).status_code == 403


def test_the_caps_show_on_the_session_page_before_voting(world: World, client: Client) -> None:
    years = published_blocks(world, 5)
    # The council enters the base of the 20 per cent for the year (letter 5007/BNV-TĐKT).
    set_cap_base(world.authority, years[0].year, leading_units=5, rounding="floor", by=world.staff)
    flags = [nominate(y, y.memberships.get().unit, "government-flag") for y in years[:2]]
    session = prepared(world, nominations=flags)
    client.force_login(world.staff)
    detail = page(client, "awards:session_detail", session.pk)
    assert (
        "Government Emulation Flag: at most 20 per cent of 5 leading units = 1 (rounded down);"
        in detail
    )
    assert "More proposed than the cap allows" in detail


def test_bad_paper_counts_are_shown_and_nothing_is_saved(world: World, client: Client) -> None:
    session = prepared(world, method="paper")
    client.force_login(world.staff)
    address = reverse("awards:session_paper", args=[session.pk])
    data: dict[str, Any] = {"present": 1}
    for item in session.items.all():
        data[f"agree_{item.pk}"], data[f"disagree_{item.pk}"] = 1, 1
    response = client.post(address, data)
    assert "An item cannot have more votes than members present who voted." in (
        response.content.decode()
    )
    session.refresh_from_db()
    assert session.status == "draft"
    for item in session.items.all():
        data[f"agree_{item.pk}"], data[f"disagree_{item.pk}"] = 1, 0
    data["scan"] = SimpleUploadedFile(
        "bb.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
    )
    assert client.post(address, data).status_code == 302
    session.refresh_from_db()
    assert session.status == "closed" and session.minutes_scan


# Query counts ------------------------------------------------------------------------------------


def _measure(client: Client, address: str, count_queries: Any) -> int:
    assert client.get(address).status_code == 200
    return int(count_queries(lambda: client.get(address)))


def _bigger(world: World, session: CouncilSession) -> CouncilSession:
    """A second session on more blocks, nominations and members, all present and voting."""
    members = [world.member, *make_council_members(world, 6)]
    years = published_blocks(world, 4)
    more = [nominate(y, y.memberships.get().unit, "provincial-flag") for y in years]
    more += [
        nominate(world.block_year, make_unit(world.authority), "excellent-labour") for _ in range(3)
    ]
    bigger = prepared(world, nominations=more, present=members)
    if session.status != "draft":
        counting.open_session(bigger, by=world.staff)
        for member in members[:-1]:
            choices = {item.pk: True for item in bigger.items.all()}
            sessions.cast_council_vote(bigger, by=member, choices=choices)
    if session.status == "closed":
        counting.close_session(bigger, by=world.staff)
    return bigger


# A closed session's agenda with its counts comes from the cache on the second visit.
# A closed session's attendance, roll, results and caps come from the cache once rendered: what
# is left is the session, the person and their roles, and the session's own row.
# Draft and open: one more read for the counting board (who holds a share of the key).
# The caps come from the catalogue's versions (the awards and the authority's versions, then what
# earlier sessions approved): the per-block cap the versions carry is shown, 2 queries more.
DETAIL_PINS = {("staff", "draft"): 13, ("member", "open"): 13, ("member", "closed"): 4}


@pytest.mark.parametrize(("role", "state"), sorted(DETAIL_PINS))
def test_the_session_page_does_not_grow(
    role: str, state: str, world: World, client: Client, count_queries: Any
) -> None:
    session = prepared(world) if state == "draft" else opened(world)
    if state != "draft":
        choices = {item.pk: True for item in session.items.all()}
        sessions.cast_council_vote(session, by=world.member, choices=choices)
    if state == "closed":
        counting.close_session(session, by=world.staff)
    session.refresh_from_db()
    client.force_login(world.user(role))  # type: ignore[arg-type]
    small = _measure(client, session.get_absolute_url(), count_queries)
    bigger = _bigger(world, session)
    large = _measure(client, bigger.get_absolute_url(), count_queries)
    assert bigger.items.count() > session.items.count()
    if state != "draft":
        assert RollEntry.objects.filter(box__session=bigger).count() > 1
    assert (small, large) == (DETAIL_PINS[(role, state)],) * 2, (small, large)
