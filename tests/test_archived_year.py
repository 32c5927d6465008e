"""An archived year is read-only for everyone: every service that writes to a year, or to
anything in it, refuses once the year is archived, even when the site administrator calls it from
a view, the admin, a command or the shell, and nothing changes in the database or the storage.

Each row prepares what its service needs while the year is still open (so that the service would
otherwise have something to do), and returns the call to make once the year is archived.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from emulation.errors import DomainError
from tests.factories import YEAR, World, archive, make_unit

pytestmark = pytest.mark.django_db

D = datetime.date
Call = Callable[[], Any]
Case = Callable[[World], Call]
REFUSED = "The year {year} of {block} is archived: it can no longer change."
APPS = {"emulation", "blocks", "covenants", "scoring", "awards"}


def database() -> dict[str, list[dict[str, Any]]]:
    """Every row of the project's tables (many-to-many tables included)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in APPS
    }


def stored() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*")} if root.exists() else set()


# The registry ---------------------------------------------------------------------------------


def update_block_year(w: World) -> Call:
    from blocks import services

    return lambda: services.update_block_year(w.block_year, by=w.admin, theme="Đoàn kết")


def add_member(w: World) -> Call:
    from blocks import services

    newcomer = make_unit(w.authority)
    return lambda: services.add_member(w.block_year, newcomer, by=w.admin, joined_on=D(YEAR, 3, 1))


def end_membership(w: World) -> Call:
    from blocks import services

    membership = w.block_year.memberships.get(unit=w.units[3])
    return lambda: services.end_membership(
        membership, by=w.admin, left_on=D(YEAR, 6, 30), reason="Giải thể"
    )


def set_leadership(w: World) -> Call:
    from blocks import services

    return lambda: services.set_leadership(
        w.block_year, by=w.admin, head=w.units[2], deputies=[w.units[3]]
    )


def create_activity(w: World) -> Call:
    from blocks import services

    return lambda: services.create_activity(
        w.block_year, by=w.admin, title="Hội thao", date=D(YEAR, 5, 1)
    )


def update_activity(w: World) -> Call:
    from blocks import services

    return lambda: services.update_activity(w.activity, by=w.admin, title="Hội thao khối")


def record_contribution(w: World) -> Call:
    from blocks import services

    return lambda: services.record_contribution(
        w.activity, w.units[2], by=w.admin, books=10, money_vnd=1_000_000
    )


# The year's documents, registrations and signatures ------------------------------------------


def create_document(w: World) -> Call:
    from covenants import services

    return lambda: services.create_document(
        w.block_year, by=w.admin, kind="rules", title="Quy chế hoạt động", body="Điều 1."
    )


def revise_document(w: World) -> Call:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w)
    return lambda: services.revise_document(
        document, by=w.admin, change_note="Sửa lời nói đầu", preamble="Lời nói đầu mới."
    )


def copy_last_years_documents(w: World) -> Call:
    from covenants import services
    from tests.factories import make_block_year

    last_year = make_block_year(w.block, w.units, year=YEAR - 1, head=w.units[0])
    services.create_document(last_year, by=w.staff, kind="rules", title="Quy chế", body="Điều 1.")
    return lambda: services.copy_last_years_documents(w.block_year, by=w.admin)


def open_consultation(w: World) -> Call:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w)
    return lambda: services.open_consultation(document, by=w.admin, until=D(2100, 1, 1))


def _in_consultation(w: World) -> Any:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w)
    services.open_consultation(document, by=w.secretariat, until=D(2100, 1, 1))
    return document


def add_comment(w: World) -> Call:
    from covenants import services

    document = _in_consultation(w)
    return lambda: services.add_comment(document, w.units[2], by=w.admin, text="Góp ý")


def answer_comment(w: World) -> Call:
    from covenants import services

    comment = services.add_comment(_in_consultation(w), w.units[2], by=w.leader, text="Góp ý")
    return lambda: services.answer_comment(comment, by=w.admin, answer="accepted", text="")


def adopt_document(w: World) -> Call:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w)
    return lambda: services.adopt_document(document, by=w.admin)


def register_targets(w: World) -> Call:
    from covenants import services

    return lambda: services.register_targets(
        w.block_year, w.units[2], by=w.admin, targets="Hoàn thành nhiệm vụ", aims=["excellent"]
    )


def open_signing(w: World) -> Call:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w, status="adopted")
    return lambda: services.open_signing(document, by=w.admin, deadline=D(2100, 1, 1))


def sign_covenant(w: World) -> Call:
    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w, status="signing")
    return lambda: services.sign_covenant(document, w.units[2], by=w.admin, password="demo12345")


def record_paper_signature(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from covenants import services
    from tests.factories import make_covenant

    document = make_covenant(w, status="signing")
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return lambda: services.record_paper_signature(
        document,
        w.units[3],
        by=w.admin,
        signer_name="Bùi Văn Toàn",
        signer_title="Tổng Biên tập",
        signed_on=D(YEAR, 1, 15),
        scan=scan,
    )


# Scoring ------------------------------------------------------------------------------------


def _sample_table(w: World) -> Any:
    from tests.factories import make_criteria_table

    return make_criteria_table(w, adopted=False)


def replace_table(w: World) -> Call:
    from scoring import services

    table = _sample_table(w)
    data = services.table_data(table)
    return lambda: services.replace_table(w.block_year, data, by=w.admin, change_note="Sửa")


def import_table(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring import services
    from tests.factories import SAMPLE_CRITERIA

    content = (Path(__file__).resolve().parents[1] / SAMPLE_CRITERIA).read_bytes()
    upload = SimpleUploadedFile("tieu-chi.csv", content, content_type="text/csv")
    return lambda: services.import_table(w.block_year, upload, by=w.admin)


def copy_previous_table(w: World) -> Call:
    from covenants.models import Document
    from scoring import services
    from scoring.models import CriteriaTable
    from tests.factories import make_block_year

    last_year = make_block_year(w.block, w.units, year=YEAR - 1, head=w.units[0])
    table = _sample_table(w)
    CriteriaTable.objects.filter(pk=table.pk).update(block_year=last_year)
    Document.objects.filter(pk=table.document_id).update(block_year=last_year)
    return lambda: services.copy_previous_table(w.block_year, by=w.admin)


def update_criterion(w: World) -> Call:
    from decimal import Decimal

    from scoring import services

    criterion = _sample_table(w).criteria.get(code="I.1")
    return lambda: services.update_criterion(
        criterion,
        by=w.admin,
        title_vi="Tiêu chí mới",
        title_en="",
        guidance="",
        max_points=Decimal(criterion.max_points),
        evidence_required=True,
    )


def update_settings(w: World) -> Call:
    from scoring import services

    table = _sample_table(w)
    data = services.table_data(table)
    return lambda: services.update_settings(
        table,
        by=w.admin,
        scale=data.scale,
        tie_break=data.tie_break,
        bands=data.bands,
        response_days=table.response_days + 2,
    )


def open_self_assessment(w: World) -> Call:
    from scoring import services
    from tests.factories import make_covenant_in_force, make_criteria_table

    make_covenant_in_force(w)
    table = make_criteria_table(w)
    return lambda: services.open_self_assessment(table, by=w.admin, deadline=D(2100, 1, 1))


def _sheet(w: World, status: str = "draft") -> Any:
    from scoring.models import ScoreSheet
    from tests.factories import open_assessment

    sheet = open_assessment(w).sheets.get(unit=w.units[2])
    ScoreSheet.objects.filter(pk=sheet.pk).update(status=status)
    sheet.refresh_from_db()
    return sheet


def save_self_score(w: World) -> Call:
    from decimal import Decimal

    from scoring import services

    score = _sheet(w).scores.get(criterion__code="I.1")
    return lambda: services.save_self_score(
        score, by=w.admin, points=Decimal(5), explanation="Hoàn thành"
    )


def add_evidence(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring import services

    score = _sheet(w).scores.get(criterion__code="I.1")
    pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return lambda: services.add_evidence(score, by=w.admin, uploaded=pdf)


def remove_evidence(w: World) -> Call:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring import services

    score = _sheet(w).scores.get(criterion__code="I.1")
    pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    evidence = services.add_evidence(score, by=w.officer, uploaded=pdf)
    return lambda: services.remove_evidence(evidence, by=w.admin)


def submit_sheet(w: World) -> Call:
    from scoring import services
    from tests.factories import fill_sheet

    sheet = _sheet(w)
    fill_sheet(sheet, w.officer)
    return lambda: services.submit_sheet(sheet, by=w.admin)


def reopen_sheet(w: World) -> Call:
    from scoring import services

    sheet = _sheet(w, "submitted")
    return lambda: services.reopen_sheet(
        sheet, by=w.admin, reason="Bổ sung minh chứng", until=D(2100, 1, 1)
    )


def assign_reviewer(w: World) -> Call:
    from scoring import services

    sheet = _sheet(w, "submitted")
    return lambda: services.assign_reviewer(sheet, by=w.admin, reviewer_unit=w.units[3])


def review_score(w: World) -> Call:
    from decimal import Decimal

    from scoring import services

    score = _sheet(w, "submitted").scores.get(criterion__code="I.1")
    return lambda: services.review_score(score, by=w.admin, points=Decimal(0), reason="Thiếu")


def send_review_results(w: World) -> Call:
    from scoring import services

    sheet = _sheet(w, "submitted")
    return lambda: services.send_review_results(sheet, by=w.admin)


def accept_review(w: World) -> Call:
    from scoring import services

    sheet = _sheet(w, "returned")
    return lambda: services.accept_review(sheet, by=w.admin)


def respond_to_review(w: World) -> Call:
    from scoring import services

    sheet = _sheet(w, "returned")
    return lambda: services.respond_to_review(sheet, by=w.admin, text="Đề nghị xem lại")


def finalise_sheet(w: World) -> Call:
    from scoring import services

    sheet = _sheet(w, "accepted")
    return lambda: services.finalise_sheet(sheet, by=w.admin)


def _final_sheets(w: World) -> Any:
    from scoring.models import ScoreSheet
    from tests.factories import open_assessment

    table = open_assessment(w)
    ScoreSheet.objects.filter(table=table).update(status=ScoreSheet.Status.FINAL)
    return table


def freeze_ranking(w: World) -> Call:
    from django.utils import timezone

    from scoring import services

    table = _final_sheets(w)
    return lambda: services.freeze_ranking(table, by=w.admin, when=timezone.now())


def publish_ranking(w: World) -> Call:
    from scoring import services

    table = _final_sheets(w)
    return lambda: services.publish_ranking(table, by=w.admin)


SERVICES: dict[str, Case] = {
    "blocks.services.update_block_year": update_block_year,
    "blocks.services.add_member": add_member,
    "blocks.services.end_membership": end_membership,
    "blocks.services.set_leadership": set_leadership,
    "blocks.services.create_activity": create_activity,
    "blocks.services.update_activity": update_activity,
    "blocks.services.record_contribution": record_contribution,
    "covenants.services.create_document": create_document,
    "covenants.services.revise_document": revise_document,
    "covenants.services.copy_last_years_documents": copy_last_years_documents,
    "covenants.services.open_consultation": open_consultation,
    "covenants.services.add_comment": add_comment,
    "covenants.services.answer_comment": answer_comment,
    "covenants.services.adopt_document": adopt_document,
    "covenants.services.register_targets": register_targets,
    "covenants.services.open_signing": open_signing,
    "covenants.services.sign_covenant": sign_covenant,
    "covenants.services.record_paper_signature": record_paper_signature,
    "scoring.services.replace_table": replace_table,
    "scoring.services.import_table": import_table,
    "scoring.services.copy_previous_table": copy_previous_table,
    "scoring.services.update_criterion": update_criterion,
    "scoring.services.update_settings": update_settings,
    "scoring.services.open_self_assessment": open_self_assessment,
    "scoring.services.save_self_score": save_self_score,
    "scoring.services.add_evidence": add_evidence,
    "scoring.services.remove_evidence": remove_evidence,
    "scoring.services.submit_sheet": submit_sheet,
    "scoring.services.reopen_sheet": reopen_sheet,
    "scoring.services.assign_reviewer": assign_reviewer,
    "scoring.services.review_score": review_score,
    "scoring.services.send_review_results": send_review_results,
    "scoring.services.accept_review": accept_review,
    "scoring.services.respond_to_review": respond_to_review,
    "scoring.services.finalise_sheet": finalise_sheet,
    "scoring.services.freeze_ranking": freeze_ranking,
    "scoring.services.publish_ranking": publish_ranking,
}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_not_even_the_site_administrator_changes_an_archived_year(name: str, world: World) -> None:
    call = SERVICES[name](world)
    archived = archive(world)
    before, files = database(), stored()
    with translation.override("en"), pytest.raises(DomainError) as refused:
        call()
    assert refused.value.message == REFUSED.format(year=YEAR, block=archived.block.name)
    assert database() == before
    assert stored() == files


# Reminders -----------------------------------------------------------------------------------


def signing_reminders(w: World) -> Call:
    from django.utils import timezone

    from covenants import services
    from covenants.models import Document
    from tests.factories import make_covenant

    document = make_covenant(w, status="signing")
    Document.objects.filter(pk=document.pk).update(
        signing_deadline=timezone.localdate() + datetime.timedelta(days=2)
    )
    return services.send_signing_reminders


def assessment_reminders(w: World) -> Call:
    from scoring import services
    from tests.factories import open_assessment

    open_assessment(w, days=2)
    return services.send_assessment_reminders


REMINDERS: dict[str, Case] = {
    "covenants.services.send_signing_reminders": signing_reminders,
    "scoring.services.send_assessment_reminders": assessment_reminders,
}


@pytest.mark.parametrize("name", sorted(REMINDERS))
def test_nobody_is_reminded_of_a_step_of_an_archived_year(
    name: str, world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    send = REMINDERS[name](world)
    archive(world)
    before = database()
    with django_capture_on_commit_callbacks(execute=True):
        assert send() == 0
    assert database() == before
    assert mailoutbox == []
