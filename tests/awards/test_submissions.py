"""The Department of Home Affairs' submission to the Chairman: the step between the council's vote
and the decision; its PDF read back; the decision that follows cites it in its preamble."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import AwardType, Decision, Submission
from awards.services import decisions, submissions
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests.awards.matrix_decisions import SIGNED_ON, approved_nominations, submitted
from tests.awards.test_decisions_documents import text_of
from tests.factories import YEAR, World

pytestmark = pytest.mark.django_db


def issue(world: World, number: str = "45/TTr-SNV", **extra: Any) -> Submission:
    return submissions.issue_submission(
        world.authority,
        YEAR,
        by=extra.pop("by", world.staff),
        number=number,
        signed_on=SIGNED_ON - datetime.timedelta(days=3),
        signer_name="Trần Văn Bình",
        **extra,
    )


def test_the_submission_lists_what_the_council_approved_and_is_issued_as_a_pdf(
    world: World,
) -> None:
    first, second = approved_nominations(world, [world.units[0], world.units[1]])
    approved_nominations(world, [world.units[3]], award_code="government-flag")
    submission = issue(world)
    assert set(submission.nominations.all()) == {first, second}  # not the Government's award
    assert submission.document is not None and submission.document.kind == "submission"
    text = text_of(submission.document)
    for expected in (
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
        "SỞ NỘI VỤ",
        "Số: 45/TTr-SNV",
        "TỜ TRÌNH",
        f"Về việc đề nghị khen thưởng phong trào thi đua năm {YEAR}",
        "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Quảng Trị",
        "GIÁM ĐỐC",
        "Trần Văn Bình",
        first.unit_name.split()[0],
        submission.document.display_code,
    ):
        assert expected in text, expected
    event = AuditEvent.objects.get(action="awards.submission.issued")
    assert event.actor == world.staff and event.after is not None
    assert sorted(event.after["nominations"]) == sorted([first.pk, second.pk])


def test_a_nomination_is_submitted_once(world: World) -> None:
    approved_nominations(world)
    issue(world)
    with pytest.raises(DomainError, match="waiting for the Department's submission"):
        issue(world, number="46/TTr-SNV")
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    ("number", "message"),
    [("", "digits, a slash"), ("45 TTr", "digits, a slash"), ("45/TTr-SNV", "already has")],
)
def test_a_bad_or_taken_number_is_refused_and_nothing_is_saved(
    world: World, number: str, message: str
) -> None:
    Submission.objects.create(
        authority=world.authority,
        year=YEAR - 1,
        number="45/TTr-SNV",
        signed_on=SIGNED_ON,
        signer_name="X",
        signer_title="GIÁM ĐỐC",
        created_by=world.staff,
    )
    approved_nominations(world)
    with pytest.raises(DomainError, match=message):
        issue(world, number=number)
    assert Submission.objects.count() == 1


@pytest.mark.parametrize("role", ["member", "secretariat", "leader"])
def test_only_council_staff_issue_the_submission(world: World, role: str) -> None:
    approved_nominations(world)
    with pytest.raises(DomainError, match="Only the council's staff"):
        issue(world, by=getattr(world, role))
    assert not Submission.objects.exists()


def test_the_decision_cites_the_submission_as_provinces_write_it(world: World) -> None:
    submission = submitted(world)
    award = AwardType.objects.get(code="chairman-certificate")
    world.authority.emulation_regulation = (
        "Quyết định số 15/2024/QĐ-UBND ngày 10 tháng 5 năm 2024 của Ủy ban nhân dân tỉnh ban"
        " hành Quy chế thi đua, khen thưởng"
    )
    world.authority.save(update_fields=["emulation_regulation"])
    bases = decisions.default_legal_bases(award, authority=world.authority, on=SIGNED_ON)
    decision = decisions.draft_decision(
        world.authority,
        YEAR,
        award,
        by=world.staff,
        number="125/QĐ-UBND",
        signed_on=SIGNED_ON,
        signer_name="Hoàng Nam",
        signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        legal_bases=bases,
    )
    assert decision.submission == submission
    client = Client()
    client.force_login(world.staff)
    page = client.get(decision.get_absolute_url()).content.decode()
    assert submission.get_absolute_url() in page  # the decision's page names what proposed it
    decision = decisions.issue_decision(decision, by=world.staff)
    assert decision.document is not None
    text = text_of(decision.document)
    assert "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15" in text
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15" in text
    assert "Căn cứ Nghị định số 152/2025/NĐ-CP" in text
    assert "ban hành Quy chế thi đua, khen thưởng" in text
    assert (
        "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 45/TTr-SNV ngày 02 tháng 3 năm"
        f" {YEAR + 1}" in text
    )
    assert "Xét đề nghị" not in text and "Quy chế hoạt động của Khối" not in text


@pytest.mark.parametrize(
    ("day", "local", "decree"),
    [
        (
            datetime.date(2025, 6, 15),
            "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6",
            "98/2023",
        ),
        (datetime.date(2025, 6, 16), "Luật Tổ chức chính quyền địa phương số 72/2025", "98/2023"),
        (datetime.date(2025, 6, 30), "Luật Tổ chức chính quyền địa phương số 72/2025", "98/2023"),
        (datetime.date(2025, 7, 1), "Luật Tổ chức chính quyền địa phương số 72/2025", "152/2025"),
    ],
)
def test_the_preamble_follows_the_laws_in_force_on_the_decisions_date(
    day: datetime.date, local: str, decree: str
) -> None:
    lines = decisions.default_legal_bases(on=day).splitlines()
    assert lines[0].startswith(local)
    assert lines[1].startswith("Luật Thi đua, khen thưởng số 06/2022/QH15")
    assert lines[2].startswith(f"Nghị định số {decree}/NĐ-CP")
    assert len(lines) == 3  # no regulation recorded, and never the block's own rules


# The pages ---------------------------------------------------------------------------------------


def test_the_staff_issue_the_submission_from_the_decisions_page(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    approved_nominations(world, [world.units[0], world.units[1]])
    client.force_login(world.staff)
    decisions_page = reverse("awards:decision_list", args=[world.authority.pk, YEAR])
    create = reverse("awards:submission_create", args=[world.authority.pk, YEAR])
    intake = client.get(reverse("awards:intake_list", args=[world.authority.pk, YEAR]))
    assert f'href="{decisions_page}#submission"' in intake.content.decode()  # the council's nav
    html = client.get(decisions_page).content.decode()
    assert 'id="submission-next"' in html and f'href="{create}"' in html
    home = client.get(reverse("home")).content.decode()
    assert f'href="{create}"' in home  # the staff's next action
    response = client.post(
        create,
        {
            "number": "45/TTr-SNV",
            "signed_on": SIGNED_ON.isoformat(),
            "signer_name": "Trần Văn Bình",
            "signer_title": "GIÁM ĐỐC",
        },
    )
    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == submission.get_absolute_url()
    with django_assert_max_num_queries(12):
        detail = client.get(submission.get_absolute_url())
    assert detail.status_code == 200
    assert reverse("awards:submission_pdf", args=[submission.pk]) in detail.content.decode()
    pdf = client.get(reverse("awards:submission_pdf", args=[submission.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    html = client.get(decisions_page).content.decode()
    assert 'id="submission-next"' not in html and submission.get_absolute_url() in html
    assert f'href="{create}"' not in client.get(reverse("home")).content.decode()


def test_a_refused_submission_keeps_the_form_and_saves_nothing(
    world: World, client: Client
) -> None:
    approved_nominations(world)
    client.force_login(world.staff)
    create = reverse("awards:submission_create", args=[world.authority.pk, YEAR])
    response = client.post(
        create, {"number": "45 TTr", "signed_on": SIGNED_ON.isoformat(), "signer_name": "X"}
    )
    assert response.status_code == 200 and not Submission.objects.exists()
    assert not Decision.objects.exists()
