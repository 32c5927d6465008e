"""The council's pages: its home, the year's list with its filters and counts, one nomination as
the council sees it, and receiving and appraising through them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import Nomination
from awards.services import dossiers, intake
from emulation.models import AuditEvent
from tests.factories import World, at_council_status, make_block, make_sent_dossier

pytestmark = pytest.mark.django_db

S = Nomination.Status
REASON = "Thiếu quyết định khen thưởng năm trước."
ALL_TICKED = {code: "on" for code in intake.APPRAISAL_CHECKLIST}


@pytest.fixture
def sent(world: World) -> list[Nomination]:
    return make_sent_dossier(world)


def list_url(world: World, **query: str) -> str:
    url = reverse("awards:intake_list", args=[world.authority.pk, world.block_year.year])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def units_listed(client: Client, url: str) -> list[str]:
    table = client.get(url).context["table"]
    return sorted(row.record.unit_name for row in table.page.object_list)


def text(response: Any) -> str:
    return response.content.decode()


# The council's home ---------------------------------------------------------------------------


def test_the_council_home_shows_each_year_with_what_waits(
    world: World, sent: list[Nomination], client: Client
) -> None:
    intake.receive_nomination(sent[0], by=world.staff)
    client.force_login(world.staff)
    page = text(client.get(reverse("awards:council_index")))
    assert world.authority.name in page and world.other_authority.name not in page
    assert list_url(world) in page
    assert "Council staff" in page


def test_people_without_a_council_role_are_refused_the_council_home(
    world: World, client: Client
) -> None:
    client.force_login(world.secretariat)
    assert client.get(reverse("awards:council_index")).status_code == 403


# The year's list ------------------------------------------------------------------------------


def test_the_list_shows_the_nominations_with_their_counts_and_the_next_action(
    world: World, sent: list[Nomination], client: Client
) -> None:
    intake.receive_nomination(sent[0], by=world.staff)
    dossiers.return_nomination(sent[1], by=world.staff, reason=REASON)
    client.force_login(world.staff)
    response = client.get(list_url(world))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts.to_receive, counts.to_appraise, counts.returned, counts.total) == (1, 1, 1, 3)
    page = text(response)
    assert "1 to receive" in page  # the primary button
    assert "Chairman&#x27;s Certificate of Merit" in page or "Chairman's Certificate" in page
    for nomination in sent:
        assert reverse("awards:intake_detail", args=[nomination.pk]) in page


def test_the_list_links_each_unit_and_shows_its_status_and_deadline(
    world: World, sent: list[Nomination], client: Client
) -> None:
    received = intake.receive_nomination(sent[0], by=world.staff)
    sent_day = received.submitted_at
    assert sent_day is not None
    late_by = sent_day.date() - datetime.timedelta(days=2)
    world.block_year.dossier_deadline = late_by
    world.block_year.save(update_fields=["dossier_deadline"])
    client.force_login(world.staff)
    page = text(client.get(list_url(world)))
    detail = reverse("awards:intake_detail", args=[received.pk])
    assert f'<td><a class="fw-semibold" href="{detail}">{received.unit_name}</a></td>' in page
    assert '<td><span class="badge text-bg-secondary">Received by the council</span></td>' in page
    assert page.count('<td><span class="badge text-bg-info">Sent to the council</span></td>') == 2
    deadline = late_by.strftime("%d/%m/%Y")
    late = f'{deadline} <span class="badge text-bg-danger">sent late</span>'
    assert page.count(f'<td class="text-nowrap cell-pair" data-label="Deadline">{late}</td>') == 3


def test_the_list_filters_by_status_block_award_unit_and_lateness(
    world: World, sent: list[Nomination], client: Client
) -> None:
    received = intake.receive_nomination(sent[0], by=world.staff)
    client.force_login(world.member)
    assert units_listed(client, list_url(world, status="received")) == [received.unit_name]
    assert len(units_listed(client, list_url(world, block=str(world.block.pk)))) == 3
    quiet = make_block(world.authority, "Khối thi đua các sở, ban, ngành")
    assert units_listed(client, list_url(world, block=str(quiet.pk))) == []
    # Another province's block is not a choice.
    foreign = client.get(list_url(world, block=str(world.other_block.pk)))
    assert "block" in foreign.context["filter"].form.errors
    assert units_listed(client, list_url(world, q="bao quang")) == ["Báo Quảng Trị"]
    chairman = sent[0].award_type_id
    assert len(units_listed(client, list_url(world, award_type=str(chairman)))) == 3
    assert units_listed(client, list_url(world, sent="late")) == []
    sent_day = sent[0].submitted_at
    assert sent_day is not None
    world.block_year.dossier_deadline = sent_day.date() - datetime.timedelta(days=2)
    world.block_year.save(update_fields=["dossier_deadline"])
    assert len(units_listed(client, list_url(world, sent="late"))) == 3
    assert units_listed(client, list_url(world, sent="on_time")) == []
    assert "sent late" in text(client.get(list_url(world)))


def test_the_list_sorts_by_a_column(world: World, sent: list[Nomination], client: Client) -> None:
    client.force_login(world.staff)
    table = client.get(list_url(world, sort="-unit_name")).context["table"]
    names = [row.record.unit_name for row in table.page.object_list]
    assert names == sorted(names, reverse=True)


def test_the_list_answers_htmx_with_the_table_only(
    world: World, sent: list[Nomination], client: Client
) -> None:
    client.force_login(world.staff)
    response = client.get(list_url(world, status="submitted"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="results"' in text(response) and "<html" not in text(response)


def test_another_provinces_people_and_the_blocks_people_do_not_see_the_list(
    world: World, sent: list[Nomination], client: Client
) -> None:
    for person in (world.outsider, world.secretariat, world.leader):
        client.force_login(person)
        assert client.get(list_url(world)).status_code == 404


# One nomination -------------------------------------------------------------------------------


def test_the_nomination_page_shows_the_dossier_the_ballot_the_check_and_the_history(
    world: World, sent: list[Nomination], client: Client
) -> None:
    nomination = sent[0]
    client.force_login(world.member)
    response = client.get(reverse("awards:intake_detail", args=[nomination.pk]))
    assert response.status_code == 200
    page = text(response)
    assert nomination.unit_name in page and world.block.name in page
    for address in (
        reverse("awards:proposal_letter_pdf", args=[world.block_year.pk]),
        reverse("awards:minutes_pdf", args=[world.block_year.pk]),
        reverse("awards:nomination_report_pdf", args=[nomination.pk]),
        reverse("awards:dossier_manifest", args=[world.block_year.pk]),
    ):
        assert address in page
    assert "member units voted" in page
    assert response.context["passes_now"] is True
    assert all(row["sent_state"] == row["now_state"] == "pass" for row in response.context["rules"])
    assert "Sent to the council with the block&#x27;s dossier" in page
    # A member reads; acting is the staff's.
    assert reverse("awards:intake_receive", args=[nomination.pk]) not in page
    assert reverse("awards:nomination_return", args=[nomination.pk]) not in page


def test_staff_see_receive_as_the_next_action_then_appraise(
    world: World, sent: list[Nomination], client: Client
) -> None:
    nomination = sent[0]
    client.force_login(world.staff)
    detail = reverse("awards:intake_detail", args=[nomination.pk])
    response = client.get(detail)
    assert response.context["next_action"]["url"] == reverse(
        "awards:intake_receive", args=[nomination.pk]
    )
    assert reverse("awards:nomination_return", args=[nomination.pk]) in text(response)
    intake.receive_nomination(nomination, by=world.staff)
    response = client.get(detail)
    assert response.context["next_action"]["url"] == reverse(
        "awards:intake_appraise", args=[nomination.pk]
    )


def test_an_appraised_nomination_points_to_the_sessions_of_its_year(
    world: World, sent: list[Nomination], client: Client
) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    intake.appraise_nomination(
        nomination, by=world.staff, checklist=dict.fromkeys(ALL_TICKED, True), notes="Đạt."
    )
    client.force_login(world.staff)
    response = client.get(reverse("awards:intake_detail", args=[nomination.pk]))
    page = text(response)
    assert "Đạt." in page and "Appraised by Cán bộ Ban Thi đua" in page
    try:
        sessions = reverse("awards:session_list", args=[world.authority.pk, 2026])
    except Exception:  # the sessions' pages are not there yet
        assert response.context["next_action"] is None
    else:
        assert response.context["next_action"]["url"] == sessions


def test_the_nomination_page_shows_what_changed_since_it_was_returned(
    world: World, sent: list[Nomination], client: Client
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    nomination = sent[0]
    dossiers.return_nomination(nomination, by=world.staff, reason=REASON)
    leader = nomination.unit.roles.get(role="leader").user
    pdf = SimpleUploadedFile("qd-2025.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    dossiers.add_file(nomination, by=leader, uploaded=pdf)
    client.force_login(world.staff)
    detail = reverse("awards:intake_detail", args=[nomination.pk])
    page = text(client.get(detail))
    assert "Changed so far since it was returned" in page and "Document added: qd-2025.pdf" in page
    dossiers.resubmit_nomination(nomination, by=world.secretariat)
    page = text(client.get(detail))
    assert "What changed since it was returned" in page
    assert "Document added: qd-2025.pdf" in page and REASON in page
    assert "Sent again by the block" in page and "Returned to the block" in page


def test_a_draft_nomination_has_no_council_page(world: World, client: Client) -> None:
    from tests.factories import make_complete_dossier

    nomination = make_complete_dossier(world)[0]
    client.force_login(world.staff)
    assert client.get(reverse("awards:intake_detail", args=[nomination.pk])).status_code == 404


# Receiving and appraising ---------------------------------------------------------------------


def test_staff_receive_through_the_confirmation_page(
    world: World, sent: list[Nomination], client: Client
) -> None:
    nomination = sent[0]
    address = reverse("awards:intake_receive", args=[nomination.pk])
    client.force_login(world.staff)
    confirm = client.get(address)
    assert confirm.status_code == 200 and "Receive the nomination of" in text(confirm)
    assert Nomination.objects.get(pk=nomination.pk).status == S.SUBMITTED  # nothing on GET
    response = client.post(address, follow=True)
    assert response.redirect_chain[-1][0] == reverse("awards:intake_detail", args=[nomination.pk])
    assert "The nomination was received" in text(response)
    assert Nomination.objects.get(pk=nomination.pk).status == S.RECEIVED
    again = client.post(address, follow=True)
    assert "already received" in text(again)
    assert AuditEvent.objects.filter(action="awards.nomination.received").count() == 1


def test_members_may_not_receive_or_appraise(
    world: World, sent: list[Nomination], client: Client
) -> None:
    nomination = sent[0]
    client.force_login(world.member)
    assert client.post(reverse("awards:intake_receive", args=[nomination.pk])).status_code == 403
    at_council_status([nomination], S.RECEIVED)
    appraise = reverse("awards:intake_appraise", args=[nomination.pk])
    assert client.post(appraise, ALL_TICKED).status_code == 403
    assert Nomination.objects.get(pk=nomination.pk).status == S.RECEIVED


def test_outsiders_get_not_found_on_every_nomination_page(
    world: World, sent: list[Nomination], client: Client
) -> None:
    nomination = sent[0]
    client.force_login(world.outsider)
    for name in ("awards:intake_detail", "awards:intake_receive", "awards:intake_appraise"):
        assert client.get(reverse(name, args=[nomination.pk])).status_code == 404
        assert client.post(reverse(name, args=[nomination.pk])).status_code in (404, 405)


def test_staff_appraise_with_the_checklist_and_notes(
    world: World, sent: list[Nomination], client: Client
) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    address = reverse("awards:intake_appraise", args=[nomination.pk])
    client.force_login(world.staff)
    form = client.get(address)
    assert form.status_code == 200
    assert "Eligibility today" in text(form) and form.context["passes_now"] is True
    response = client.post(address, {**ALL_TICKED, "notes": "Hồ sơ đầy đủ, đúng mẫu."})
    assert response.status_code == 302
    stored = Nomination.objects.get(pk=nomination.pk)
    assert stored.status == S.APPRAISED and stored.appraisal_notes == "Hồ sơ đầy đủ, đúng mẫu."
    assert all(stored.appraisal.values()) and stored.appraisal_eligibility


def test_one_click_ticks_every_item_of_the_checklist_and_is_audited_as_one_appraisal(
    world: World, sent: list[Nomination], client: Client
) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    address = reverse("awards:intake_appraise", args=[nomination.pk])
    client.force_login(world.staff)
    assert 'name="all_checked" value="1"' in text(client.get(address))
    response = client.post(address, {"all_checked": "1", "notes": "Đã kiểm tra đủ 7 mục."})
    assert response.status_code == 302
    stored = Nomination.objects.get(pk=nomination.pk)
    assert stored.status == S.APPRAISED
    assert stored.appraisal == dict.fromkeys(intake.APPRAISAL_CHECKLIST, True)
    event = AuditEvent.objects.get(action="awards.nomination.appraised")
    assert event.actor == world.staff


def test_the_plain_button_still_needs_every_box(
    world: World, sent: list[Nomination], client: Client
) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    address = reverse("awards:intake_appraise", args=[nomination.pk])
    client.force_login(world.staff)
    response = client.post(address, {"all_checked": "", "notes": ""})
    assert "Not every item of the checklist is ticked" in text(response)
    assert Nomination.objects.get(pk=nomination.pk).status == S.RECEIVED


def test_an_incomplete_checklist_re_renders_the_form_and_saves_nothing(
    world: World, sent: list[Nomination], client: Client
) -> None:
    nomination = intake.receive_nomination(sent[0], by=world.staff)
    address = reverse("awards:intake_appraise", args=[nomination.pk])
    client.force_login(world.staff)
    ticks = {k: v for k, v in ALL_TICKED.items() if k != "meets_standard"}
    response = client.post(address, {**ticks, "notes": "Chưa đạt chuẩn."})
    assert response.status_code == 200
    page = text(response)
    assert "Not every item of the checklist is ticked" in page
    assert "return the nomination to the block" in page
    form = response.context["form"]  # kept as typed
    assert form["letter_lists_nominee"].value() is True and form["meets_standard"].value() is False
    stored = Nomination.objects.get(pk=nomination.pk)
    assert (stored.status, stored.appraisal_notes, stored.appraisal) == (S.RECEIVED, "", {})


def test_appraising_a_sent_nomination_sends_back_to_receive_it_first(
    world: World, sent: list[Nomination], client: Client
) -> None:
    client.force_login(world.staff)
    response = client.get(reverse("awards:intake_appraise", args=[sent[0].pk]), follow=True)
    assert "Receive the nomination first" in text(response)
