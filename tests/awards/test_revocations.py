"""Revoking an award by a later decision (Law 06/2022/QH15, Chapter VII): the service's guards,
the audit, the revoking decision read back from its PDF, and the award marked revoked on the
decision's page and the public results (and left out by `Awardee.objects.in_force()`)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import Awardee, Decision, Revocation
from awards.services import revocations
from emulation.errors import DomainError
from emulation.models import AuditEvent
from tests.awards.matrix_decisions import SIGNED_ON, draft, issued, published
from tests.awards.test_decisions_documents import text_of
from tests.factories import YEAR, World

pytestmark = pytest.mark.django_db
LATER = SIGNED_ON + datetime.timedelta(days=30)


def revoke(awardee: Awardee, by: Any, **extra: Any) -> Revocation:
    fields = {
        "number": "310/QĐ-UBND",
        "signed_on": LATER,
        "signer_name": "Hoàng Nam",
        "ground": "fraud",
        "reason": "Kê khai thành tích không đúng sự thật.",
        **extra,
    }
    return revocations.revoke_award(awardee, by=by, **fields)


def test_staff_revoke_an_award_by_a_later_decision_issued_as_a_pdf(world: World) -> None:
    decision = published(world, units=[world.units[0], world.units[1]])
    first, second = decision.awardees.order_by("position")
    revocation = revoke(first, world.staff)
    assert list(Awardee.objects.in_force()) == [second]
    assert list(Awardee.objects.revoked()) == [first]
    assert revocation.document is not None and revocation.document.kind == "revocation"
    text = text_of(revocation.document)
    for expected in (
        "Số: 310/QĐ-UBND",
        "QUYẾT ĐỊNH",
        "Về việc hủy bỏ quyết định tặng",
        f"Căn cứ Quyết định số {decision.number}",
        "Hủy bỏ việc tặng",
        "có hành vi gian dối trong việc kê khai công trạng, thành tích",
        "Kê khai thành tích không đúng sự thật.",
        "Hoàng Nam",
    ):
        assert expected in text, expected
    event = AuditEvent.objects.get(action="awards.award.revoked")
    assert event.actor == world.staff and event.reason == "Kê khai thành tích không đúng sự thật."
    assert event.before == {"awardee": first.pk, "unit": first.unit_name, "revoked": False}
    assert event.after is not None and event.after["number"] == "310/QĐ-UBND"


def test_an_award_is_revoked_once(world: World) -> None:
    awardee = published(world).awardees.get()
    revoke(awardee, world.staff)
    with pytest.raises(DomainError, match="already revoked"):
        revoke(awardee, world.staff, number="311/QĐ-UBND")
    assert Revocation.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": "  "}, "Give the reason"),
        ({"ground": "dislike"}, "Choose the ground"),
        ({"number": "310 QĐ"}, "digits, a slash"),
        ({"number": "125/QĐ-UBND"}, "already has a document numbered"),  # the revoked one's
        ({"signed_on": SIGNED_ON - datetime.timedelta(days=1)}, "comes after"),
        ({"signer_name": ""}, "who signs"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    world: World, fields: dict[str, Any], message: str
) -> None:
    awardee = published(world).awardees.get()
    with pytest.raises(DomainError, match=message):
        revoke(awardee, world.staff, **fields)
    assert not Revocation.objects.exists()
    assert not AuditEvent.objects.filter(action="awards.award.revoked").exists()


@pytest.mark.parametrize("role", ["member", "secretariat", "leader", "outsider"])
def test_only_the_authoritys_staff_revoke(world: World, role: str) -> None:
    awardee = published(world).awardees.get()
    with pytest.raises(DomainError, match="Only the council's staff"):
        revoke(awardee, getattr(world, role))
    assert not Revocation.objects.exists()


def test_a_draft_or_a_proposal_is_not_revoked(world: World) -> None:
    with pytest.raises(DomainError, match="issued decision"):
        revoke(draft(world).awardees.get(), world.staff)
    proposal = issued(
        world, award_code="government-flag", number="12/TTr-UBND", units=[world.units[1]]
    )
    assert proposal.kind == Decision.Kind.PROPOSAL
    with pytest.raises(DomainError, match="issued decision"):
        revoke(proposal.awardees.get(), world.staff)


# The pages ---------------------------------------------------------------------------------------


def test_the_revoked_award_is_marked_on_the_decision_and_the_public_results(
    world: World, client: Client
) -> None:
    decision = published(world)
    awardee = decision.awardees.get()
    results = reverse("awards:results", args=[world.authority.pk, YEAR])
    assert "data-revoked" not in Client().get(results).content.decode()  # cached before
    client.force_login(world.staff)
    revoke_url = reverse("awards:awardee_revoke", args=[awardee.pk])
    assert revoke_url in client.get(decision.get_absolute_url()).content.decode()
    response = client.post(
        revoke_url,
        {
            "number": "310/QĐ-UBND",
            "signed_on": LATER.isoformat(),
            "signer_name": "Hoàng Nam",
            "signer_title": "CHỦ TỊCH",
            "ground": "false_records",
            "reason": "Hồ sơ có giấy tờ giả.",
        },
    )
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
    revocation = Revocation.objects.get()
    page = client.get(decision.get_absolute_url()).content.decode()
    assert f'data-revoked="{awardee.pk}"' in page and revoke_url not in page
    assert "310/QĐ-UBND" in page
    public = Client().get(results).content.decode()
    assert f'data-revoked="{awardee.pk}"' in public and "310/QĐ-UBND" in public
    pdf = client.get(reverse("awards:revocation_pdf", args=[revocation.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_refused_revocation_keeps_the_form(world: World, client: Client) -> None:
    awardee = published(world).awardees.get()
    client.force_login(world.staff)
    response = client.post(
        reverse("awards:awardee_revoke", args=[awardee.pk]),
        {
            "number": "310/QĐ-UBND",
            "signed_on": LATER.isoformat(),
            "signer_name": "Hoàng Nam",
            "ground": "fraud",
            "reason": "",
        },
    )
    assert response.status_code == 200 and not Revocation.objects.exists()


def test_the_revoke_page_runs_a_fixed_number_of_queries(
    world: World, client: Client, django_assert_num_queries: Any
) -> None:
    awardee = published(world).awardees.get()
    client.force_login(world.staff)
    url = reverse("awards:awardee_revoke", args=[awardee.pk])
    client.get(url)  # warm the session and the person's roles
    # The session, the user and their roles, the award with its decision and authority.
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


def test_a_revoked_award_leaves_the_units_history_and_the_rules_that_read_it(
    world: World,
) -> None:
    from awards import history

    decision = published(world, units=[world.units[0], world.units[1]])
    first, _second = decision.awardees.order_by("position")
    unit = first.nomination.unit_id
    assert [a.year for a in history.of_unit(unit).awards] == [decision.year]
    revoke(first, world.staff)
    assert history.of_unit(unit).awards == []


def test_a_new_decision_cannot_take_the_number_of_a_revoking_decision(world: World) -> None:
    """Award decisions and the decisions revoking awards share the authority's register."""
    from awards.services import decisions

    decision = published(world, units=[world.units[0], world.units[1]])
    first, _second = decision.awardees.order_by("position")
    revoke(first, world.staff)
    with pytest.raises(DomainError, match="310/QĐ-UBND") as refused:
        decisions.check_number(world.authority, "310/QĐ-UBND")
    assert refused.value.field == "number"
    with pytest.raises(DomainError, match="such as 310/QĐ-UBND"):
        revoke(_second, world.staff, number="310 QĐ")
