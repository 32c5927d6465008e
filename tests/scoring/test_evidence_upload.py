"""Evidence on the scoring sheet: several files per row in one upload, each checked and named
with its reason when refused, none kept unless all are; answered in place for htmx (the row's
evidence and the sheet's missing line), and by a redirect with messages without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from emulation.models import AuditEvent
from scoring import services
from scoring.models import CriteriaTable, Evidence, Score, ScoreSheet
from tests.factories import World, fill_sheet, open_assessment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def not_a_pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 not a pdf", content_type="application/pdf")


def own_sheet(world: World, table: CriteriaTable) -> ScoreSheet:
    return table.sheets.select_related("table").get(unit=world.units[2])


def i1(world: World) -> Score:
    return own_sheet(world, open_assessment(world)).scores.get(criterion__code="I.1")


def upload(client: Any, score: Score, files: list[SimpleUploadedFile], *, htmx: bool) -> Any:
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("scoring:evidence_upload", args=[score.pk]), {"file": files}, **extra
    )


def stored_files() -> int:
    root = Path(default_storage.path("evidence"))
    return sum(1 for path in root.rglob("*") if path.is_file()) if root.exists() else 0


def test_several_files_are_added_to_a_row_in_one_upload_and_the_row_answers_in_place(
    world: World, client: Any
) -> None:
    score = i1(world)
    client.force_login(world.officer)
    response = upload(client, score, [pdf("ke-hoach.pdf"), pdf("bao-cao.pdf")], htmx=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<div id="evidence-{score.pk}" class="evidence-cell">' in body
    assert "2 files were added to I.1." in body
    assert "ke-hoach.pdf" in body and "bao-cao.pdf" in body
    assert sorted(score.evidence.values_list("name", flat=True)) == ["bao-cao.pdf", "ke-hoach.pdf"]
    assert AuditEvent.objects.filter(action="scoring.evidence.added").count() == 2


def test_one_refused_file_keeps_every_file_of_the_upload_out_and_is_named_with_its_reason(
    world: World, client: Any
) -> None:
    score = i1(world)
    client.force_login(world.officer)
    before = stored_files()
    response = upload(
        client, score, [pdf("ke-hoach.pdf"), not_a_pdf("virus.pdf"), pdf("bao-cao.pdf")], htmx=True
    )
    body = response.content.decode()
    assert 'class="evidence-problems' in body
    assert "virus.pdf: This kind of file is not accepted" in body
    assert "ke-hoach.pdf:" not in body  # only the refused file is named
    assert "No file was added:" in body
    assert not Evidence.objects.exists()
    assert not AuditEvent.objects.filter(action="scoring.evidence.added").exists()
    assert stored_files() == before


def test_a_file_that_cannot_be_written_takes_the_files_already_written_with_it(
    world: World, monkeypatch: Any
) -> None:
    score = i1(world)
    before = stored_files()
    write = FileSystemStorage._save  # type: ignore[attr-defined]
    written: list[str] = []

    def full_after_the_first(self: FileSystemStorage, name: str, content: Any) -> str:
        if written:
            raise OSError("No space left on device")
        written.append(write(self, name, content))
        return written[-1]

    monkeypatch.setattr(FileSystemStorage, "_save", full_after_the_first)
    try:
        services.add_evidence_files(score, by=world.officer, files=[pdf("a.pdf"), pdf("b.pdf")])
    except OSError:
        pass
    else:
        raise AssertionError("the second file should have failed")
    assert len(written) == 1 and not default_storage.exists(written[0])
    assert not Evidence.objects.exists()
    assert stored_files() == before


def test_a_row_takes_at_most_ten_files_counting_those_already_there(
    world: World, client: Any
) -> None:
    score = i1(world)
    client.force_login(world.officer)
    upload(client, score, [pdf(f"{n}.pdf") for n in range(8)], htmx=True)
    response = upload(client, score, [pdf("8.pdf"), pdf("9.pdf"), pdf("10.pdf")], htmx=True)
    assert "A row takes at most 10 files." in response.content.decode()
    assert score.evidence.count() == 8


def test_without_javascript_the_upload_redirects_to_the_row_with_a_message_per_file(
    world: World, client: Any
) -> None:
    score = i1(world)
    client.force_login(world.officer)
    response = upload(client, score, [pdf("a.pdf"), pdf("b.pdf")], htmx=False)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#row-{score.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "2 files were added to I.1." in page
    response = upload(client, score, [not_a_pdf("x.pdf"), not_a_pdf("y.pdf")], htmx=False)
    page = client.get(response["Location"]).content.decode()
    assert "I.1: x.pdf: This kind of file is not accepted" in page
    assert "I.1: y.pdf: This kind of file is not accepted" in page
    assert score.evidence.count() == 2


def test_an_upload_with_no_file_says_so(world: World, client: Any) -> None:
    score = i1(world)
    client.force_login(world.officer)
    response = upload(client, score, [], htmx=True)
    assert "This field is required." in response.content.decode()


def test_the_upload_answer_updates_the_sheets_missing_line(world: World, client: Any) -> None:
    table = open_assessment(world)
    sheet = own_sheet(world, table)
    fill_sheet(sheet, world.officer, evidence=False)
    score = sheet.scores.get(criterion__code="I.1")
    client.force_login(world.officer)
    page = client.get(reverse("scoring:sheet_detail", args=[sheet.pk])).content.decode()
    assert re.search(r"(?<!I)I\.1 needs evidence", page)
    body = upload(client, score, [pdf("a.pdf")], htmx=True).content.decode()
    assert '<div id="missing" class="mt-1 text-danger-emphasis" data-hx-swap-oob="true"' in body
    assert re.search(r"(?<!I)I\.1 needs evidence", body) is None
    assert "II.1 needs evidence." in body  # still missing elsewhere


def test_saving_the_last_missing_row_empties_the_missing_line(world: World, client: Any) -> None:
    table = open_assessment(world)
    sheet = own_sheet(world, table)
    fill_sheet(sheet, world.officer)
    score = sheet.scores.get(criterion__code="II.3")
    services.save_self_score(score, by=world.officer, points=None, explanation="")
    client.force_login(world.officer)
    page = client.get(reverse("scoring:sheet_detail", args=[sheet.pk])).content.decode()
    assert "II.3 has no points yet." in page
    body = client.post(
        reverse("scoring:score_save", args=[score.pk]),
        {"self_points": "5", "explanation": ""},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert '<div id="missing" class="mt-1 text-danger-emphasis" data-hx-swap-oob="true"' in body
    assert "Not yet complete" not in body
    body = client.post(
        reverse("scoring:score_save", args=[score.pk]),
        {"self_points": "", "explanation": ""},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "II.3 has no points yet." in body
