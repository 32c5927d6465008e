"""The dossier and nomination pages, as people use them: what each sees, the forms, the
downloads, and a fixed number of queries whatever the size of the dossier."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.models import Dossier, Nomination, NominationFile
from awards.services import dossiers
from blocks.models import UnitRole
from tests.factories import (
    REPORT_TEXT,
    World,
    archive,
    grow,
    make_award_type,
    make_complete_dossier,
    make_nominations,
    make_unit,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def own(world: World) -> Nomination:
    award = make_award_type()
    nominations = make_nominations(world, award.code, units=[world.units[2], world.units[3]])
    return next(n for n in nominations if n.unit_id == world.units[2].pk)


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


# A nomination, from the unit's side -----------------------------------------------------------


def test_the_officer_writes_the_report_on_a_form_that_explains_each_section(
    world: World, own: Nomination, client: Client
) -> None:
    url = reverse("awards:nomination_report", args=[own.pk])
    page = text(signed_in(client, world.officer).get(url))
    assert "I. Characteristics and tasks of the unit" in page
    assert "figures against the targets it registered" in page  # the help of section II.1
    response = client.post(url, {**REPORT_TEXT, "report_awards": ""})
    assert response.status_code == 302 and response["Location"] == own.get_absolute_url()
    own.refresh_from_db()
    assert own.report_results == REPORT_TEXT["report_results"] and own.report_awards == ""
    page = text(client.get(own.get_absolute_url()))
    assert "1 section is still empty." in page
    assert "Write the achievement report: 1 section is still empty." in page


def test_the_report_form_warns_that_a_change_withdraws_the_approval(
    world: World, own: Nomination, client: Client
) -> None:
    dossiers.save_report(own, by=world.officer, **REPORT_TEXT)
    dossiers.approve_report(own, by=world.leader)
    page = text(
        signed_in(client, world.officer).get(reverse("awards:nomination_report", args=[own.pk]))
    )
    assert "saving a change withdraws the approval" in page


def test_the_leader_approves_the_report_and_anyone_in_the_year_downloads_it(
    world: World, own: Nomination, client: Client
) -> None:
    dossiers.save_report(own, by=world.officer, **REPORT_TEXT)
    signed_in(client, world.leader)
    page = text(client.get(own.get_absolute_url()))
    assert "Read the achievement report and approve it." in page
    url = reverse("awards:nomination_report_approve", args=[own.pk])
    assert "Approve the achievement report of Ban Tuyên giáo Tỉnh ủy?" in text(client.get(url))
    assert client.post(url)["Location"] == own.get_absolute_url()
    own.refresh_from_db()
    assert own.report_document is not None
    response = signed_in(client, world.member).get(
        reverse("awards:nomination_report_pdf", args=[own.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert isinstance(response, FileResponse)
    body = b"".join(response.streaming_content)  # type: ignore[arg-type]
    assert hashlib.sha256(body).hexdigest() == own.report_document.sha256


def test_approving_an_unfinished_report_says_what_is_missing(
    world: World, own: Nomination, client: Client
) -> None:
    url = reverse("awards:nomination_report_approve", args=[own.pk])
    signed_in(client, world.leader)
    assert "Still empty: I. Characteristics" in text(client.get(url))
    response = client.post(url, follow=True)
    assert "Write every section of the report first." in text(response)
    own.refresh_from_db()
    assert not own.report_is_approved


def test_the_leader_answers_the_attestations_yes_or_no(
    world: World, own: Nomination, client: Client
) -> None:
    url = reverse("awards:nomination_attest", args=[own.pk])
    signed_in(client, world.leader)
    page = text(client.get(url))
    assert "The unit is not under inspection or investigation." in page
    response = client.post(url, {"no_discipline": "yes", "no_inspection": "yes"})
    assert response.status_code == 200 and "This field is required." in text(response)
    own.refresh_from_db()
    assert own.attestations == {}
    client.post(url, {"no_discipline": "yes", "no_inspection": "no", "no_complaint": "yes"})
    own.refresh_from_db()
    assert own.attestations == {"no_discipline": True, "no_inspection": False, "no_complaint": True}
    page = text(client.get(own.get_absolute_url()))
    assert "The unit could not attest it." in page


def test_documents_are_attached_downloaded_and_removed(
    world: World, own: Nomination, client: Client
) -> None:
    signed_in(client, world.officer)
    upload = SimpleUploadedFile("Bằng khen 2025.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("awards:nomination_file_upload", args=[own.pk]),
        {"file": upload, "description": "Bằng khen năm 2025"},
    )
    assert response.status_code == 302
    attached = NominationFile.objects.get()
    page = text(client.get(own.get_absolute_url()))
    assert "Bằng khen 2025.pdf" in page and attached.sha256[:16] in page
    download = signed_in(client, world.member).get(
        reverse("awards:nomination_file_download", args=[attached.pk])
    )
    assert isinstance(download, FileResponse)
    assert b"".join(download.streaming_content) == PDF  # type: ignore[arg-type]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    signed_in(client, world.officer).post(
        reverse("awards:nomination_file_delete", args=[attached.pk])
    )
    assert not NominationFile.objects.exists()


def test_a_refused_upload_is_shown_on_the_form(
    world: World, own: Nomination, client: Client
) -> None:
    fake = SimpleUploadedFile("bao-cao.pdf", b"not a pdf at all", content_type="application/pdf")
    response = signed_in(client, world.officer).post(
        reverse("awards:nomination_file_upload", args=[own.pk]), {"file": fake}
    )
    assert response.status_code == 200
    assert "This kind of file is not accepted." in text(response)
    assert not NominationFile.objects.exists()


def test_the_nomination_page_explains_the_eligibility_rule_by_rule(
    world: World, own: Nomination, client: Client
) -> None:
    page = text(signed_in(client, world.member).get(own.get_absolute_url()))
    assert "The unit is a member of the block in 2026." in page
    assert "Member of Khối thi đua các cơ quan Đảng tỉnh Quảng Trị." in page
    assert "Basis:" in page and "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 25–27" in page
    assert "Decree 152/2025/NĐ-CP (01/07/2025" in page  # the version that judged it
    assert "Not yet attested." in page
    assert "4 agree, 0 disagree; 4 of 4 member units voted." in page
    assert "Waiting for the unit to write its achievement report" in page


def test_the_eligibility_is_checked_again_by_the_secretariat_and_the_units_people_only(
    world: World, own: Nomination, client: Client
) -> None:
    url = reverse("awards:nomination_eligibility", args=[own.pk])
    for person in (world.admin, world.staff, world.secretariat, world.leader, world.officer):
        assert signed_in(client, person).get(url).status_code == 200
    for person in (world.member, world.leader2):
        assert signed_in(client, person).get(url).status_code == 403
    checked = Nomination.objects.get(pk=own.pk).eligibility_checked_at
    archive(world)
    for person in (world.admin, world.staff, world.secretariat, world.leader, world.officer):
        assert signed_in(client, person).post(url).status_code == 403
    assert Nomination.objects.get(pk=own.pk).eligibility_checked_at == checked


def test_editing_links_appear_only_for_those_who_may_act(
    world: World, own: Nomination, client: Client
) -> None:
    report = reverse("awards:nomination_report", args=[own.pk])
    attest = reverse("awards:nomination_attest", args=[own.pk])
    withdraw = reverse("awards:nomination_withdraw", args=[own.pk])
    as_officer = text(signed_in(client, world.officer).get(own.get_absolute_url()))
    assert report in as_officer and attest not in as_officer and withdraw not in as_officer
    as_leader = text(signed_in(client, world.leader).get(own.get_absolute_url()))
    assert report in as_leader and attest in as_leader
    as_secretariat = text(signed_in(client, world.secretariat).get(own.get_absolute_url()))
    assert report not in as_secretariat and withdraw in as_secretariat


def test_a_sent_nomination_cannot_be_edited_from_its_forms(
    world: World, own: Nomination, client: Client
) -> None:
    Nomination.objects.filter(pk=own.pk).update(status=Nomination.Status.SUBMITTED)
    response = signed_in(client, world.officer).get(
        reverse("awards:nomination_report", args=[own.pk]), follow=True
    )
    assert "it can change again only if the council returns it" in text(response)


def test_the_secretariat_withdraws_a_nomination_with_a_reason(
    world: World, own: Nomination, client: Client
) -> None:
    url = reverse("awards:nomination_withdraw", args=[own.pk])
    signed_in(client, world.secretariat)
    assert client.post(url, {"reason": ""}).status_code == 200
    assert Nomination.objects.filter(pk=own.pk).exists()
    response = client.post(url, {"reason": "Đơn vị xin rút"})
    assert response["Location"] == reverse("awards:dossier_detail", args=[world.block_year.pk])
    assert not Nomination.objects.filter(pk=own.pk).exists()


# The dossier, from the secretariat's side -----------------------------------------------------


def test_the_dossier_page_shows_the_checklist_and_the_deadline(
    world: World, client: Client
) -> None:
    make_nominations(world)
    world.block_year.dossier_deadline = timezone.localdate() + datetime.timedelta(days=12)
    world.block_year.save(update_fields=["dossier_deadline"])
    page = text(
        signed_in(client, world.secretariat).get(
            reverse("awards:dossier_detail", args=[world.block_year.pk])
        )
    )
    assert "12 days left" in page
    assert "Minutes of the deliberation meeting issued" in page
    assert "Sections still empty: 5." in page
    assert 'id="checklist-done">2<' in page  # no ballot open; at least one nomination
    assert reverse("awards:proposal_letter_issue", args=[world.block_year.pk]) in page
    assert reverse("awards:dossier_submit", args=[world.block_year.pk]) not in page


def test_the_letter_form_is_prefilled_with_the_head_units_leader(
    world: World, client: Client
) -> None:
    make_nominations(world)
    role = UnitRole.objects.get(unit=world.units[0], role=UnitRole.Role.LEADER)
    role.title = "Chánh Văn phòng Tỉnh ủy"
    role.save(update_fields=["title"])
    url = reverse("awards:proposal_letter_issue", args=[world.block_year.pk])
    page = text(signed_in(client, world.secretariat).get(url))
    assert 'value="Chánh Văn phòng Tỉnh ủy"' in page
    assert f'value="{role.user.get_full_name()}"' in page
    response = client.post(url, {"number": "05/TTr-KTĐ", "signer_name": "Nguyễn Văn An"})
    assert response.status_code == 200
    assert "Issue the minutes of the deliberation meeting first" in text(response)
    assert not Dossier.objects.exists()  # nothing half-saved, not even an empty dossier


def test_a_complete_dossier_is_sent_and_its_manifest_downloaded(
    world: World, client: Client
) -> None:
    make_complete_dossier(world)
    detail = reverse("awards:dossier_detail", args=[world.block_year.pk])
    signed_in(client, world.secretariat)
    page = text(client.get(detail))
    submit = reverse("awards:dossier_submit", args=[world.block_year.pk])
    assert submit in page and "Complete" in page
    assert "Send the dossier for" in text(client.get(submit))
    assert client.post(submit)["Location"] == detail
    dossier = Dossier.objects.get()
    assert dossier.status == Dossier.Status.SUBMITTED
    page = text(client.get(detail))
    assert dossier.manifest_sha256 in page and "Manifest of the package sent" in page
    assert submit not in page
    response = signed_in(client, world.member).get(
        reverse("awards:dossier_manifest", args=[world.block_year.pk])
    )
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert hashlib.sha256(response.content).hexdigest() == dossier.manifest_sha256
    assert response["X-Manifest-SHA256"] == dossier.manifest_sha256


def test_the_nominations_status_icons_are_read_out_as_text(world: World, client: Client) -> None:
    make_complete_dossier(world)
    signed_in(client, world.secretariat)
    page = text(client.get(reverse("awards:dossier_detail", args=[world.block_year.pk])))
    table = page.split('id="nominations"', 1)[1].split("</table>", 1)[0]
    for said in ("approved", "given", "passes"):
        assert f'<span class="visually-hidden">{said}</span>' in table
    assert "aria-label" not in table


def test_an_incomplete_dossier_is_refused_with_what_is_missing(
    world: World, client: Client
) -> None:
    make_nominations(world)
    response = signed_in(client, world.secretariat).post(
        reverse("awards:dossier_submit", args=[world.block_year.pk]), follow=True
    )
    assert "The dossier is not complete. Still to do:" in text(response)
    assert Dossier.objects.filter(status=Dossier.Status.SUBMITTED).count() == 0


def test_council_staff_return_a_nomination_and_the_secretariat_sends_it_again(
    world: World, client: Client
) -> None:
    nominations = make_complete_dossier(world)
    dossiers.submit_dossier(world.block_year, by=world.secretariat)
    nomination = nominations[0]
    url = reverse("awards:nomination_return", args=[nomination.pk])
    signed_in(client, world.staff)
    assert client.post(url, {"reason": ""}).status_code == 200
    response = client.post(url, {"reason": "Thiếu quyết định khen thưởng năm trước."})
    assert response["Location"] == reverse("awards:intake_detail", args=[nomination.pk])
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.RETURNED
    page = text(signed_in(client, world.secretariat).get(nomination.get_absolute_url()))
    assert "Thiếu quyết định khen thưởng năm trước." in page
    resubmit = reverse("awards:nomination_resubmit", args=[nomination.pk])
    assert resubmit in page
    response = client.post(resubmit, follow=True)
    assert "Nothing changed since the council returned it" in text(response)
    leader = nomination.unit.roles.get(role="leader").user
    dossiers.add_file(
        nomination, by=leader, uploaded=SimpleUploadedFile("qd.pdf", PDF, "application/pdf")
    )
    response = client.post(resubmit, follow=True)
    assert "The nomination was sent to the council again." in text(response)


# Queries --------------------------------------------------------------------------------------


def grow_dossier(world: World, nominations: list[Nomination]) -> None:
    """More blocks and people, more nominations (with the attached documents of each), more
    documents on the nomination shown."""
    grow(world)
    award = make_award_type("grown-award")
    for _ in range(4):
        unit = make_unit(world.authority)
        world.block_year.memberships.create(
            unit=unit, position=20, joined_on=world.block_year.first_day
        )
        nomination = Nomination.objects.create(
            block_year=world.block_year, award_type=award, unit=unit, unit_name=unit.name
        )
        attach(nomination, world, 2)
    attach(nominations[1], world, 4)


def attach(nomination: Nomination, world: World, count: int) -> None:
    for i in range(count):
        attached = NominationFile(
            nomination=nomination,
            name=f"tai-lieu-{i}.pdf",
            content_type="application/pdf",
            size=len(PDF),
            sha256=hashlib.sha256(PDF).hexdigest(),
            uploaded_by=world.secretariat,
        )
        attached.file.save(attached.name, ContentFile(PDF), save=False)
        attached.save()


PAGES = {
    "awards:dossier_detail": ("secretariat", lambda w, n: [w.block_year.pk], 7),
    "awards:nomination_detail": ("leader2", lambda w, n: [n[1].pk], 6),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_dossier_pages_do_not_grow_with_the_dossier(
    name: str, world: World, client: Client, count_queries: Any
) -> None:
    nominations = make_complete_dossier(world)
    role, args, pinned = PAGES[name]
    signed_in(client, world.user(role))
    url = reverse(name, args=args(world, nominations))

    def load() -> None:
        assert client.get(url).status_code == 200

    load()
    small = count_queries(load)
    grow_dossier(world, nominations)
    large = count_queries(load)
    assert (small, large) == (pinned, pinned), f"{name}: {small} queries small, {large} large"
