"""Random and hostile input through every scoring form: errors on the form (nothing saved) or
the change it asks for; never a server error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from emulation.models import AuditEvent
from emulation.uploads import validate_upload
from scoring.models import Band, CriteriaTable, Criterion, Evidence, Score, ScoreSheet
from tests.factories import World, make_criteria_table, open_assessment
from tests.security.test_hostile_input import HYPOTHESIS, dates, numbers, text


def snapshot() -> dict[str, Any]:
    return {
        "scores": list(
            Score.objects.order_by("pk").values_list(
                "self_points", "explanation", "reviewed_points", "review_reason"
            )
        ),
        "sheets": list(
            ScoreSheet.objects.order_by("pk").values_list("status", "reopened_until", "response")
        ),
        "criteria": list(
            Criterion.objects.order_by("pk").values_list("title_vi", "max_points", "guidance")
        ),
        "bands": Band.objects.count(),
        "tables": list(CriteriaTable.objects.values_list("scale", "tie_break", "response_days")),
        "evidence": Evidence.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def post(client: Client, url: str, data: dict[str, Any], **extra: Any) -> Any:
    before = snapshot()
    response = client.post(url, data, **extra)
    assert response.status_code in {200, 302}, (response.status_code, data)
    context = response.context or {}
    if response.status_code == 200 and "form" in context and context["form"].errors:
        assert snapshot() == before, "nothing is saved when the form has errors"
    return response


points = st.one_of(
    numbers, st.sampled_from(["8,5", "8.5", "0", "20", "20,01", "1.000", "٣", "8,", ",5"])
)


@pytest.fixture
def opened(world: World) -> CriteriaTable:
    table = open_assessment(world)
    ScoreSheet.objects.filter(unit=world.units[3]).update(status=ScoreSheet.Status.SUBMITTED)
    ScoreSheet.objects.filter(unit=world.units[2]).update(status=ScoreSheet.Status.DRAFT)
    return table


def test_typed_points_and_explanations_never_fail(
    world: World, opened: CriteriaTable, client: Client
) -> None:
    score = Score.objects.get(sheet__unit=world.units[2], criterion__code="I.1")
    client.force_login(world.officer)

    @HYPOTHESIS
    @given(value=points, explanation=text, htmx=st.booleans())
    def run(value: str, explanation: str, htmx: bool) -> None:
        extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        post(
            client,
            reverse("scoring:score_save", args=[score.pk]),
            {"self_points": value, "explanation": explanation},
            **extra,
        )
        saved = Score.objects.get(pk=score.pk).self_points
        assert saved is None or 0 <= saved <= 20

    run()


def test_reviewed_points_and_reasons_never_fail(
    world: World, opened: CriteriaTable, client: Client
) -> None:
    score = Score.objects.get(sheet__unit=world.units[3], criterion__code="II.2")
    client.force_login(world.secretariat)

    @HYPOTHESIS
    @given(value=points, reason=text)
    def run(value: str, reason: str) -> None:
        post(
            client,
            reverse("scoring:score_review", args=[score.pk]),
            {"reviewed_points": value, "review_reason": reason},
            HTTP_HX_REQUEST="true",
        )
        row = Score.objects.get(pk=score.pk)
        assert row.reviewed_points is None or (0 <= row.reviewed_points <= 5 and row.review_reason)

    run()


FORMS: dict[str, tuple[Callable[[World, CriteriaTable], str], Callable[[World], Any], str]] = {
    "settings": (
        lambda w, t: reverse("scoring:criteria_settings", args=[w.block_year.pk]),
        lambda w: st.fixed_dictionaries(
            {
                "scale": points,
                "tie_break": text,
                "response_days": numbers,
                "band_1_label": text,
                "band_1_min": points,
                "band_1_floor": points,
                "band_2_label": text,
                "band_2_min": points,
                "band_2_floor": points,
            }
        ),
        "secretariat",
    ),
    "criterion": (
        lambda w, t: reverse("scoring:criterion_edit", args=[t.criteria.get(code="I.2").pk]),
        lambda w: st.fixed_dictionaries(
            {
                "title_vi": text,
                "title_en": text,
                "guidance": text,
                "max_points": points,
                "evidence_required": text,
            }
        ),
        "secretariat",
    ),
    "open": (
        lambda w, t: reverse("scoring:assessment_open", args=[w.block_year.pk]),
        lambda w: st.fixed_dictionaries({"deadline": dates}),
        "secretariat",
    ),
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_scoring_forms_survive_hostile_input(name: str, world: World, client: Client) -> None:
    table = make_criteria_table(world, adopted=False)
    url, strategy, role = FORMS[name]
    client.force_login(getattr(world, role))

    @HYPOTHESIS
    @given(data=strategy(world))
    def run(data: dict[str, Any]) -> None:
        post(client, url(world, table), data)

    run()


def test_reopening_and_answering_survive_hostile_input(
    world: World, opened: CriteriaTable, client: Client
) -> None:
    reopen = reverse("scoring:sheet_reopen", args=[opened.sheets.get(unit=world.units[3]).pk])
    returned = opened.sheets.get(unit=world.units[2])
    ScoreSheet.objects.filter(pk=returned.pk).update(status=ScoreSheet.Status.RETURNED)
    respond = reverse("scoring:sheet_respond", args=[returned.pk])

    @HYPOTHESIS
    @given(until=dates, reason=text, answer=text)
    def run(until: str, reason: str, answer: str) -> None:
        client.force_login(world.secretariat)
        post(client, reopen, {"until": until, "reason": reason})
        client.force_login(world.leader)
        post(client, respond, {"text": answer})

    run()


def test_any_file_offered_as_a_table_is_refused_or_imported(world: World, client: Client) -> None:
    client.force_login(world.secretariat)
    url = reverse("scoring:criteria_import", args=[world.block_year.pk])

    @HYPOTHESIS
    @given(
        content=st.one_of(
            st.binary(max_size=2000), text.map(lambda t: t.encode("utf-8", "surrogatepass"))
        ),
        name=st.sampled_from(["a.csv", "a.xlsx", "a", "../../a.csv", "a.CSV"]),
    )
    def run(content: bytes, name: str) -> None:
        response = post(client, url, {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 200 or CriteriaTable.objects.exists()

    run()


def test_any_evidence_upload_is_refused_or_stored(
    world: World, opened: CriteriaTable, client: Client
) -> None:
    score = Score.objects.get(sheet__unit=world.units[2], criterion__code="I.1")
    client.force_login(world.officer)

    @HYPOTHESIS
    @given(content=st.binary(max_size=500), name=text)
    def run(content: bytes, name: str) -> None:
        # The test client itself refuses names without a file part ("/", ".."): not our input.
        safe = name.replace("\x00", "").replace("/", "_").replace("\\", "_")[:200]
        safe = "x" if safe in {"", ".", ".."} else safe
        response = client.post(
            reverse("scoring:evidence_upload", args=[score.pk]),
            {"file": SimpleUploadedFile(safe, content)},
        )
        assert response.status_code == 302

    run()
    # Generated bytes can happen to start like a real file: whatever was kept must pass the same
    # check again, read back from storage, under the name it was stored with.
    for evidence in Evidence.objects.all():
        with evidence.file.open("rb") as stored:
            kept = SimpleUploadedFile(evidence.name, stored.read())
        checked = validate_upload(kept)
        assert (checked.sha256, checked.size) == (evidence.sha256, evidence.size)


def test_the_explain_and_filter_parameters_never_fail(
    world: World, opened: CriteriaTable, client: Client
) -> None:
    client.force_login(world.staff)
    explain = reverse("scoring:ranking_explain", args=[world.block_year.pk])
    ranking = reverse("scoring:ranking_detail", args=[world.block_year.pk])

    @HYPOTHESIS
    @given(a=st.one_of(text, numbers), b=st.one_of(text, numbers), q=text, sort=text)
    def run(a: str, b: str, q: str, sort: str) -> None:
        assert client.get(explain, {"a": a, "b": b}).status_code == 200
        assert client.get(ranking, {"q": q, "band": a, "tie": b, "sort": sort}).status_code == 200

    run()
