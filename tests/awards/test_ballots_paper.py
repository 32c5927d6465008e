"""A ballot held on paper at the meeting, recorded from its counts with the scanned minutes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from awards.models import Ballot, BallotCandidate
from emulation.models import AuditEvent
from tests.factories import World, make_ballot

pytestmark = pytest.mark.django_db
SCAN = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def paper(world: World) -> Ballot:
    return make_ballot(world, method="paper")  # three candidates, agree or disagree


def pdf(name: str = "bien-ban.pdf", content: bytes = SCAN) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_data(
    ballot: Ballot,
    *,
    members: int = 4,
    cast: int = 4,
    counts: dict[str, tuple[int, int]] | None = None,
) -> dict[str, Any]:
    """The form as the secretariat fills it in: 3 agree and 1 disagree unless `counts` says."""
    data: dict[str, Any] = {"members": members, "cast": cast, "scan": pdf()}
    for c in ballot.candidates.order_by("position"):
        data[f"agree_{c.pk}"], data[f"disagree_{c.pk}"] = (counts or {}).get(c.unit_name, (3, 1))
    return data


def snapshot(ballot: Ballot, media: Path) -> tuple[Any, ...]:
    ballot.refresh_from_db()
    return (
        ballot.status,
        ballot.cast,
        ballot.members,
        bool(ballot.minutes_scan),
        list(BallotCandidate.objects.filter(ballot=ballot).values_list("approvals", "elected")),
        AuditEvent.objects.count(),
        sorted(p.name for p in media.rglob("*") if p.is_file()),
    )


def test_the_secretariat_records_the_counts_and_the_scan(
    world: World, paper: Ballot, client: Client, settings: Any
) -> None:
    client.force_login(world.secretariat)
    url = reverse("awards:ballot_paper", args=[paper.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"]["members"].value() == 4
    first = paper.candidates.order_by("position").first()
    assert first is not None
    data = form_data(paper, cast=4, counts={first.unit_name: (1, 3)})
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == paper.get_absolute_url()
    paper.refresh_from_db()
    assert (paper.status, paper.members, paper.cast, paper.quorum_reached) == ("closed", 4, 4, True)
    assert paper.minutes_scan_sha256 == hashlib.sha256(SCAN).hexdigest()
    results = {
        c.unit_name: (c.approvals, c.disapprovals, c.elected) for c in paper.candidates.all()
    }
    assert results[first.unit_name] == (1, 3, False)
    assert sum(1 for _a, _d, won in results.values() if won) == 2  # 3 of 4 agree: more than half
    download = client.get(reverse("awards:ballot_scan", args=[paper.pk]))
    assert b"".join(download.streaming_content) == SCAN  # type: ignore[attr-defined]
    assert download["Content-Disposition"].startswith("attachment")
    detail = client.get(paper.get_absolute_url()).content.decode()
    assert "Held on paper at the meeting" in detail and 'id="results"' in detail
    # Anyone who sees the year reads the scanned minutes, as the results are public.
    client.force_login(world.member)
    assert client.get(reverse("awards:ballot_scan", args=[paper.pk])).status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"counts": (4, 1)},
            "A candidate cannot have more votes than ballots cast.",
        ),
        ({"cast": 5}, "More ballots cast than units entitled to vote."),
        ({"members": 5, "cast": 4}, "The block has 4 member units entitled to vote."),
        ({"scan": None}, "Upload the scanned minutes signed at the meeting."),
        (
            {"scan": SimpleUploadedFile("bien-ban.pdf", b"hello, not a scan", "application/pdf")},
            "This kind of file is not accepted. Upload a PDF, an image",
        ),
        (
            {
                "scan": SimpleUploadedFile(
                    "virus.exe", b"MZ\x90\x00" + b"\x00" * 60, "application/x-msdownload"
                )
            },
            "This kind of file is not accepted. Upload a PDF, an image",
        ),
        ({"counts": (-1, 0)}, "greater than or equal to 0"),
        ({"cast": ""}, "This field is required."),
    ],
)
def test_bad_counts_or_files_are_refused_with_a_message_and_nothing_is_saved(
    world: World, paper: Ballot, client: Client, settings: Any, change: dict[str, Any], message: str
) -> None:
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    before = snapshot(paper, media)
    client.force_login(world.secretariat)
    first = paper.candidates.order_by("position").first()
    assert first is not None
    counts = {first.unit_name: change.pop("counts")} if "counts" in change else {}
    data = form_data(paper, counts=counts)
    for key, value in change.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    response = client.post(reverse("awards:ballot_paper", args=[paper.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(paper, media) == before


def test_choices_counted_beyond_what_the_ballots_allow_are_refused(
    world: World, client: Client
) -> None:
    election = make_ballot(world, kind="head", method="paper")  # choose one of four
    client.force_login(world.secretariat)
    data: dict[str, Any] = {"members": 4, "cast": 3, "scan": pdf()}
    for c in election.candidates.all():
        data[f"agree_{c.pk}"] = 2  # 8 choices on 3 ballots of one choice each
    response = client.post(reverse("awards:ballot_paper", args=[election.pk]), data)
    assert "More choices counted than the ballots allow." in response.content.decode()
    election.refresh_from_db()
    assert election.status == "draft"
    assert "disagree_" not in response.content.decode()


def test_without_quorum_a_paper_ballot_elects_nobody(
    world: World, paper: Ballot, client: Client
) -> None:
    client.force_login(world.secretariat)
    data = form_data(paper, cast=2, counts={c.unit_name: (2, 0) for c in paper.candidates.all()})
    client.post(reverse("awards:ballot_paper", args=[paper.pk]), data)
    paper.refresh_from_db()
    assert (paper.status, paper.quorum_reached) == ("closed", False)
    assert not paper.candidates.filter(elected=True).exists()


def test_a_recorded_or_online_ballot_takes_no_counts(
    world: World, paper: Ballot, client: Client
) -> None:
    client.force_login(world.secretariat)
    client.post(reverse("awards:ballot_paper", args=[paper.pk]), form_data(paper))
    again = client.post(reverse("awards:ballot_paper", args=[paper.pk]), form_data(paper))
    assert "Only a ballot held on paper, not yet recorded, takes counts." in again.content.decode()
    online = make_ballot(world, kind="head")
    page = client.get(reverse("awards:ballot_paper", args=[online.pk]))
    assert "Only a ballot held on paper" in page.content.decode()


def test_an_open_ballots_scan_is_not_found(world: World, client: Client) -> None:
    client.force_login(world.secretariat)
    online = make_ballot(world)
    assert client.get(reverse("awards:ballot_scan", args=[online.pk])).status_code == 404
