"""Upload, preview, confirm: the preview saves nothing, the confirmed import creates everything
in one go and audits it, the same file again changes nothing, a second confirm does not double,
and invited people set their own password through a one-time link."""

from __future__ import annotations

import hashlib
import io
import re
from collections import defaultdict
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from blocks.imports import staging
from blocks.models import (
    Block,
    BlockYear,
    Membership,
    StagedImport,
    Succession,
    Unit,
    UnitRole,
)
from emulation.audit import verify_chain
from emulation.errors import DomainError
from emulation.models import AuditEvent, User
from tests.blocks.import_files import province, workbook
from tests.factories import World, registry_snapshot, rows


def stage(world: World, content: bytes, name: str = "tinh.xlsx") -> StagedImport:
    return staging.stage_import(world.authority, by=world.staff, name=name, content=content)


def test_the_preview_saves_nothing_but_the_staged_file(world: World) -> None:
    before = rows("blocks", "emulation")
    staged = stage(world, province())
    after = rows("blocks", "emulation")
    assert staged.summary == {"created": 18, "changed": 0, "unchanged": 0, "problems": 0}
    changed = {label for label in after if after[label] != before[label]}
    assert changed == {"blocks.StagedImport", "emulation.AuditEvent", "emulation.AuditHead"}
    assert bytes(staged.content) == province()
    assert staged.sha256 == hashlib.sha256(province()).hexdigest()


def test_confirming_creates_the_province_and_audits_each_change(world: World) -> None:
    staged = stage(world, province())
    events = AuditEvent.objects.count()
    counts = staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    assert counts == {"created": 18, "changed": 0, "unchanged": 0, "problems": 0}
    units = {u.code: u for u in Unit.objects.filter(authority=world.authority).exclude(code="")}
    assert len(units) == 5
    assert units["QT-U2"].parent == units["QT-U1"]
    assert Succession.objects.get(successor=units["QT-U1"]).predecessor == units["QT-OLD"]
    block = Block.objects.get(code="QT-K1")
    year = BlockYear.objects.get(block=block, year=2026)
    roles = dict(year.memberships.values_list("unit__code", "role"))
    assert roles == {"QT-U1": "head", "QT-U2": "deputy", "QT-U3": "member", "QT-U4": "member"}
    people = User.objects.filter(username__startswith="qtuser")
    assert people.count() == 4 and not any(p.has_usable_password() for p in people)
    assert UnitRole.objects.filter(user__in=people).count() == 4
    actions = list(
        AuditEvent.objects.filter(seq__gt=events).order_by("seq").values_list("action", flat=True)
    )
    # What is created by the hundred is listed, object by object, in one event per batch.
    listed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in AuditEvent.objects.filter(seq__gt=events).order_by("seq"):
        after = event.after or {}
        for key in ("units", "users", "roles", "memberships"):
            for row in after.get(key, []):
                listed[key].append(dict(zip(after["columns"], row, strict=True)))
    assert sorted(row["code"] for row in listed["units"]) == sorted(units)
    assert {row["pk"] for row in listed["units"]} == {u.pk for u in units.values()}
    assert {row["username"] for row in listed["users"]} == {p.username for p in people}
    assert len(listed["roles"]) == 4 and len(listed["memberships"]) == 4
    assert "blocks.succession.recorded" in actions
    assert "blocks.blockyear.leadership_set" in actions
    assert actions[-1] == "blocks.import.confirmed"
    assert verify_chain() is None
    staged.refresh_from_db()
    assert staged.status == StagedImport.Status.CONFIRMED


def test_importing_the_same_file_again_changes_nothing(world: World) -> None:
    first = stage(world, province())
    staging.confirm_import(first, by=world.staff, sha256=first.sha256)
    before = registry_snapshot()
    events = AuditEvent.objects.count()
    again = stage(world, province())
    counts = staging.confirm_import(again, by=world.staff, sha256=again.sha256)
    assert counts == {"created": 0, "changed": 0, "unchanged": 18, "problems": 0}
    # Only the import itself is recorded: staged, then confirmed.
    assert registry_snapshot() == {**before, "AuditEvent": before["AuditEvent"] + 2}
    new = AuditEvent.objects.filter(seq__gt=events).values_list("action", flat=True)
    assert set(new) == {"blocks.import.staged", "blocks.import.confirmed"}


def test_a_changed_row_is_changed_and_counted(world: World) -> None:
    first = stage(world, province())
    staging.confirm_import(first, by=world.staff, sha256=first.sha256)
    content = workbook(
        units=[{"code": "QT-U3", "name": "Đơn vị QT số 3 (mới)", "kind": "Cơ quan Đảng"}]
    )
    staged = stage(world, content)
    assert staged.summary["changed"] == 1
    staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    assert Unit.objects.get(code="QT-U3").name == "Đơn vị QT số 3 (mới)"
    assert AuditEvent.objects.filter(action="blocks.unit.changed").count() == 1


def test_an_existing_unit_without_a_code_is_adopted_by_its_name(world: World) -> None:
    row = {"code": "VPTU", "name": world.units[0].name, "kind": "Cơ quan Đảng"}
    staged = stage(world, workbook(units=[row]))
    assert staged.summary["changed"] == 1
    staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    world.units[0].refresh_from_db()
    assert world.units[0].code == "VPTU"
    assert Unit.objects.filter(authority=world.authority).count() == 4


def test_a_second_confirm_does_not_import_twice(world: World) -> None:
    staged = stage(world, province())
    staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    before = registry_snapshot()
    with translation.override("en"), pytest.raises(DomainError, match="already imported"):
        staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    assert registry_snapshot() == before


def test_a_file_altered_after_its_preview_is_refused(world: World) -> None:
    staged = stage(world, province())
    StagedImport.objects.filter(pk=staged.pk).update(content=province(code="XX"))
    before = registry_snapshot()
    with translation.override("en"), pytest.raises(DomainError, match="not the one previewed"):
        staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    with translation.override("en"), pytest.raises(DomainError, match="not the one previewed"):
        staging.confirm_import(staged, by=world.staff, sha256="0" * 64)
    assert registry_snapshot() == before


def test_a_file_with_problems_cannot_be_confirmed_and_saves_nothing(world: World) -> None:
    content = workbook(units=[{"code": "U", "name": "A", "kind": "?"}])
    staged = stage(world, content)
    assert staged.summary["problems"] == 1
    before = registry_snapshot()
    with translation.override("en"), pytest.raises(DomainError, match="1 problems"):
        staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    assert registry_snapshot() == before


def test_an_account_made_between_preview_and_confirm_is_left_as_it_is(world: World) -> None:
    staged = stage(world, province())
    # Between preview and confirm someone takes a username the file creates: the plan built
    # again at confirmation sees an existing account and leaves it alone; its role still fits.
    User.objects.create(username="qtuser2", full_name="Khác", email="other@example.vn")
    counts = staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    assert counts["created"] == 17 and counts["unchanged"] == 1


def test_invited_people_get_a_one_time_link_to_set_their_password(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    staged = stage(world, province(people=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    assert [m.to for m in mail.outbox] == [["qtuser1@example.vn"]]
    body = str(mail.outbox[0].body)
    assert "qtuser1" in body
    path = re.search(r"/accounts/invitation/\S+/", body)
    assert path is not None
    response = client.get(path.group(0))
    assert response.status_code == 302 and "set-password" in response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    done = client.post(
        response["Location"],
        {"new_password1": "Mật-khẩu-dài-2026", "new_password2": "Mật-khẩu-dài-2026"},
    )
    assert done.status_code == 302
    person = User.objects.get(username="qtuser1")
    assert person.check_password("Mật-khẩu-dài-2026")
    assert AuditEvent.objects.filter(action="accounts.password_set", actor=person).exists()
    client.logout()
    assert Client().get(path.group(0)).status_code == 404


def test_a_forged_invitation_link_is_refused(world: World, client: Client) -> None:
    url = reverse("blocks:invitation_accept", args=["MQ", "abc-def"])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("blocks:invitation_accept", args=["!!", "set-password"])).status_code
        == 404
    )


# Through the pages ---------------------------------------------------------------------------


def upload(client: Client, world: World, content: bytes, name: str = "tinh.xlsx") -> Any:
    return client.post(
        reverse("blocks:import_start"),
        {"authority": world.authority.pk, "file": SimpleUploadedFile(name, content)},
    )


def test_staff_upload_preview_and_confirm_through_the_pages(world: World, client: Client) -> None:
    client.force_login(world.staff)
    response = upload(client, world, province())
    assert response.status_code == 302
    staged = StagedImport.objects.get()
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert 'data-created="18"' in page and 'id="import-confirm"' in page
    assert page.count("<tr") >= 19
    done = client.post(
        reverse("blocks:import_confirm", args=[staged.pk]), {"sha256": staged.sha256}
    )
    assert done.status_code == 302
    assert Unit.objects.filter(code="QT-U1").exists()
    again = client.post(
        reverse("blocks:import_confirm", args=[staged.pk]), {"sha256": staged.sha256}
    )
    assert again.status_code == 302
    assert Membership.objects.filter(unit__code="QT-U1").count() == 1


def test_the_preview_lists_problems_by_line_and_offers_no_confirmation(
    world: World, client: Client
) -> None:
    client.force_login(world.staff)
    content = workbook(
        units=[
            {"code": "U", "name": "A", "kind": "Cơ quan Đảng", "parent": "ZZ"},
            {"code": "U", "name": "B", "kind": "Cơ quan Đảng"},
        ]
    )
    response = upload(client, world, content)
    page = client.get(response["Location"]).content.decode()
    assert 'data-problems="2"' in page
    assert 'id="import-confirm"' not in page
    assert "ZZ" in page and "Mã đơn vị cấp trên" in page


def test_a_broken_file_is_refused_on_the_upload_page(world: World, client: Client) -> None:
    client.force_login(world.staff)
    response = upload(client, world, b"PK\x03\x04 broken", name="tinh.xlsx")
    assert response.status_code == 200
    assert not StagedImport.objects.exists()


def test_the_discarded_import_forgets_its_file(world: World, client: Client) -> None:
    client.force_login(world.staff)
    upload(client, world, province())
    staged = StagedImport.objects.get()
    client.post(reverse("blocks:import_discard", args=[staged.pk]))
    staged.refresh_from_db()
    assert staged.status == StagedImport.Status.DISCARDED and bytes(staged.content) == b""


def test_the_templates_download_and_import_as_they_are(world: World, client: Client) -> None:
    client.force_login(world.staff)
    response = client.get(reverse("blocks:import_template_xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert "Đơn vị" in book.sheetnames and "Thành viên" in book.sheetnames
    staged = stage(world, response.content)
    assert staged.summary == {"created": 0, "changed": 0, "unchanged": 0, "problems": 0}
    csv_response = client.get(reverse("blocks:import_template_csv", args=["units"]))
    assert csv_response.content.decode("utf-8-sig").startswith("Mã đơn vị,Tên đơn vị")
    assert client.get(reverse("blocks:import_template_csv", args=["nope"])).status_code == 404


def test_a_csv_of_units_imports(world: World) -> None:
    from tests.blocks.import_files import csv_file

    content = csv_file("units", [{"code": "C1", "name": "Đơn vị CSV", "kind": "Cơ quan Đảng"}])
    staged = stage(world, content, name="don-vi.csv")
    staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    assert Unit.objects.get(code="C1").name == "Đơn vị CSV"


def test_another_authoritys_staff_cannot_see_the_staged_import(
    world: World, client: Client
) -> None:
    staged = stage(world, province())
    client.force_login(world.outsider)
    assert client.get(reverse("blocks:import_preview", args=[staged.pk])).status_code == 404


def test_the_example_of_the_guide_imports_as_it_says(world: World) -> None:
    content = workbook(
        units=[
            {
                "code": "QT-BTGDV",
                "name": "Ban Tuyên giáo và Dân vận",
                "kind": "Cơ quan Đảng",
                "predecessors": "QT-BTG, QT-BDV",
                "effective_date": "01/03/2025",
            },
            {"code": "QT-BTG", "name": "Ban Tuyên giáo Tỉnh ủy", "kind": "Cơ quan Đảng"},
            {"code": "QT-BDV", "name": "Ban Dân vận Tỉnh ủy", "kind": "Cơ quan Đảng"},
        ],
        blocks=[{"code": "QT-KDANG", "name": "Khối thi đua các cơ quan Đảng tỉnh"}],
        people=[
            {"username": "tran.thi.b", "full_name": "Trần Thị B", "email": "b@quangtri.gov.vn"}
        ],
        roles=[{"username": "tran.thi.b", "unit": "QT-BTGDV", "role": "Lãnh đạo"}],
        members=[{"block": "QT-KDANG", "year": 2026, "unit": "QT-BTGDV", "role": "Trưởng khối"}],
    )
    staged = stage(world, content)
    # The world already has "Ban Tuyên giáo Tỉnh ủy" without a code: the row takes it over.
    assert staged.summary == {"created": 6, "changed": 1, "unchanged": 0, "problems": 0}
    staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    assert Unit.objects.get(code="QT-BTG") == world.units[2]
    merged = Unit.objects.get(code="QT-BTGDV")
    assert set(merged.predecessions.values_list("predecessor__code", flat=True)) == {
        "QT-BTG",
        "QT-BDV",
    }
    again = stage(world, content)
    assert again.summary == {"created": 0, "changed": 0, "unchanged": 7, "problems": 0}


def test_authorities_under_ones_own_are_created_with_their_units(world: World) -> None:
    from blocks.models import Authority

    own = {
        "code": "QT",
        "name": world.authority.name,
        "short_name": world.authority.short_name,
        "level": "Cấp tỉnh",
        "place": "Quảng Trị",
    }
    child = {
        "code": "QT-X1",
        "name": "Hội đồng TĐKT xã Cửa Việt",
        "short_name": "HĐ Cửa Việt",
        "level": "Cấp tỉnh",
        "parent": "QT",
        "place": "Cửa Việt",
    }
    unit = {"code": "CV-1", "name": "UBND xã Cửa Việt", "kind": "Xã, phường", "authority": "QT-X1"}
    staged = stage(world, workbook(authorities=[own, child], units=[unit]))
    # Its own authority takes the code (matched by its name), the one under it is new.
    assert staged.summary == {"created": 2, "changed": 1, "unchanged": 0, "problems": 0}
    staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    created = Authority.objects.get(code="QT-X1")
    assert created.parent == world.authority
    assert Unit.objects.get(code="CV-1").authority == created
    world.authority.refresh_from_db()
    assert world.authority.code == "QT"
    assert AuditEvent.objects.filter(action="blocks.authority.created").count() == 1


def test_council_staff_find_the_import_in_the_navigation(world: World, client: Client) -> None:
    client.force_login(world.staff)
    assert 'id="nav-import"' in client.get(reverse("blocks:unit_list")).content.decode()
    client.force_login(world.member)
    assert 'id="nav-import"' not in client.get(reverse("blocks:unit_list")).content.decode()


def test_a_year_archived_between_preview_and_confirm_stops_the_whole_import(
    world: World,
) -> None:
    from tests.factories import archive

    world.block.code = "K"
    world.block.save()
    content = workbook(
        units=[{"code": "NEW", "name": "Đơn vị mới", "kind": "Cơ quan Đảng"}],
        members=[{"block": "K", "year": 2026, "unit": "VPTU"}],
    )
    world.units[0].code = "VPTU"
    world.units[0].save()
    staged = stage(world, content)
    assert staged.summary["problems"] == 0
    archive(world)
    before = registry_snapshot()
    with translation.override("en"), pytest.raises(DomainError, match="problems"):
        staging.confirm_import(staged, by=world.staff, sha256=staged.sha256)
    assert registry_snapshot() == before
    assert not Unit.objects.filter(code="NEW").exists()


def test_only_the_authoritys_staff_stage_confirm_or_discard(world: World) -> None:
    """The guard is in the services: no path around the views imports."""
    from django.core.exceptions import PermissionDenied

    for person in (world.leader, world.secretariat, world.member):
        with pytest.raises(PermissionDenied):
            staging.stage_import(world.authority, by=person, name="tinh.xlsx", content=province())
    staged = stage(world, province())
    for person in (world.leader, world.member):
        with pytest.raises(PermissionDenied):
            staging.confirm_import(staged, by=person, sha256=staged.sha256)
        with pytest.raises(PermissionDenied):
            staging.discard_import(staged, by=person)
    staged.refresh_from_db()
    assert staged.status == StagedImport.Status.STAGED
