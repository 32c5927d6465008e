"""The sheet's and the review's rows and the ranking's chart, written in Python
(scoring.sheet_html, scoring.charts.totals_svg), are the markup their template loops wrote: the
former loops are kept here and rendered beside them on the same rows."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.template import engines
from django.utils import translation

from scoring import charts, services, sheet_html
from scoring.models import Criterion, ScoreSheet
from scoring.views import _rows, _sheet_rows, _url_for_any
from tests.factories import World, fill_sheet, open_assessment

# The loops of templates/scoring/sheet_detail.html and sheet_review.html before they moved to
# scoring.sheet_html (the rows carry their files as `score.evidence` did).
DETAIL = """{% load scoring %}
      {% for row in rows %}{% with c=row.criterion score=row.score %}
      {% if not c.is_leaf %}
        <tr class="{% if c.depth == 0 %}table-light fw-semibold{% endif %}"><td>{{ c.code }}</td><td colspan="{% if shows_review %}5{% else %}4{% endif %}">{{ c.title_vi }} <span class="text-secondary small fw-normal">({% if c.kind == "bonus" %}+{% elif c.kind == "deduction" %}−{% endif %}{{ c.max_points|points }})</span></td></tr>
      {% else %}
        <tr id="row-{{ row.key }}"{% if c.depth == 0 %} class="table-light"{% endif %}>
          <td class="text-nowrap align-top">{{ c.code }}</td>
          <td class="align-top">{{ c.title_vi }}{% if c.guidance %}<div class="small text-secondary">{{ c.guidance }}</div>{% endif %}
            {% if row.needs_evidence %}<span class="badge text-bg-light border"><i class="bi bi-paperclip" aria-hidden="true"></i> {% translate "evidence required" %}</span>{% endif %}
            {% if editable %}
            <label class="visually-hidden" for="explanation-{{ row.key }}">{% blocktranslate with code=c.code %}Explanation for {{ code }}{% endblocktranslate %}</label>
            <textarea id="explanation-{{ row.key }}" name="explanation" form="save-{{ row.key }}" class="form-control form-control-sm mt-1" rows="2" maxlength="5000" placeholder="{% translate 'Explanation' %}"
                      hx-post="{{ row.save_url }}" hx-trigger="input changed delay:1200ms, change" hx-include="[form='save-{{ row.key }}']" hx-target="#status-{{ row.key }}" hx-swap="innerHTML">{{ score.explanation }}</textarea>
            {% elif score.explanation %}<div class="small text-prewrap mt-1 border-start ps-2">{{ score.explanation }}</div>{% endif %}
          </td>
          <td class="text-end text-nowrap align-top">{% if c.kind == "bonus" %}+{% elif c.kind == "deduction" %}−{% endif %}{{ c.max_points|points }}</td>
          {% if editable %}
          <td class="points-cell align-top">
            <label class="visually-hidden" for="points-{{ row.key }}">{% blocktranslate with code=c.code %}Points for {{ code }}{% endblocktranslate %}</label>
            <input id="points-{{ row.key }}" name="self_points" form="save-{{ row.key }}" class="form-control form-control-sm text-end" size="6" inputmode="decimal" autocomplete="off" maxlength="12" value="{{ score.self_points|points_input }}"
                   hx-post="{{ row.save_url }}" hx-trigger="input changed delay:700ms, change" hx-include="[form='save-{{ row.key }}']" hx-target="#status-{{ row.key }}" hx-swap="innerHTML">
            <form id="save-{{ row.key }}" method="post" action="{{ row.save_url }}" class="mt-1">{% csrf_token %}
              <button type="submit" class="btn btn-sm btn-outline-secondary">{% translate "Save" %}</button>
            </form>
            <div id="status-{{ row.key }}" class="mt-1" aria-live="polite"></div>
          </td>
          {% else %}
          <td class="text-end align-top">{{ score.self_points|points|default:"—" }}</td>
          {% endif %}
          <td class="small align-top">
            {% for file in score.evidence.all %}
              <div class="text-nowrap"><a href="{% url 'scoring:evidence_download' file.pk %}"><i class="bi bi-file-earmark" aria-hidden="true"></i> {{ file.name|truncatechars:28 }}</a>
                {% if editable %}<a class="text-danger ms-1" href="{% url 'scoring:evidence_delete' file.pk %}" aria-label="{% translate 'Remove' %}"><i class="bi bi-x-lg" aria-hidden="true"></i></a>{% endif %}</div>
            {% endfor %}
            {% if editable %}
            <form method="post" action="{{ row.upload_url }}" enctype="multipart/form-data" class="evidence-form mt-1">{% csrf_token %}
              <label class="form-label small mb-0" for="file-{{ row.key }}">{% translate "Add a file" %}</label>
              <input id="file-{{ row.key }}" type="file" name="file" class="form-control form-control-sm" accept=".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.pptx,.doc,.xls">
              <button type="submit" class="btn btn-sm btn-outline-secondary mt-1"><i class="bi bi-upload" aria-hidden="true"></i> {% translate "Upload" %}</button>
            </form>
            {% endif %}
          </td>
          {% if shows_review %}
          <td class="text-end align-top{% if score.is_changed %} fw-semibold{% endif %}">{{ score.final_points|points }}
            {% if score.is_changed %}<div class="small text-start fw-normal text-danger">{{ score.review_reason }}</div>{% endif %}</td>
          {% endif %}
        </tr>
      {% endif %}
      {% endwith %}{% endfor %}
"""

REVIEW = """{% load scoring %}
      {% for row in rows %}{% with c=row.criterion score=row.score %}
      {% if not c.is_leaf %}
        <tr class="{% if c.depth == 0 %}table-light fw-semibold{% endif %}"><td>{{ c.code }}</td><td colspan="4">{{ c.title_vi }} <span class="text-secondary small fw-normal">({% if c.kind == "bonus" %}+{% elif c.kind == "deduction" %}−{% endif %}{{ c.max_points|points }})</span></td></tr>
      {% else %}
        <tr id="row-{{ row.key }}"{% if score.is_changed %} class="table-warning"{% endif %}>
          <td class="text-nowrap align-top">{{ c.code }}</td>
          <td class="align-top">{{ c.title_vi }}{% if c.guidance %}<div class="small text-secondary">{{ c.guidance }}</div>{% endif %}
            {% if score.explanation %}<div class="small text-prewrap mt-1 border-start ps-2">{{ score.explanation }}</div>{% endif %}
            <div class="small mt-1">
            {% for file in score.evidence.all %}<span class="text-nowrap me-2"><a href="{% url 'scoring:evidence_download' file.pk %}"><i class="bi bi-file-earmark" aria-hidden="true"></i> {{ file.name|truncatechars:32 }}</a> <span class="text-secondary">{{ file.size|filesizeformat }}</span></span>{% endfor %}
            {% if row.needs_evidence and not score.evidence.all and score.self_points %}<span class="badge text-bg-warning">{% translate "evidence missing" %}</span>{% endif %}
            </div>
          </td>
          <td class="text-end text-nowrap align-top">{% if c.kind == "bonus" %}+{% elif c.kind == "deduction" %}−{% endif %}{{ c.max_points|points }}</td>
          <td class="text-end fw-semibold align-top">{{ score.self_points|points|default:"—" }}</td>
          {% if can_review %}
          <td class="align-top review-cell">
            <label class="visually-hidden" for="reviewed-{{ row.key }}">{% blocktranslate with code=c.code %}Reviewed points for {{ code }}{% endblocktranslate %}</label>
            <input id="reviewed-{{ row.key }}" name="reviewed_points" form="review-{{ row.key }}" class="form-control form-control-sm text-end" size="6" inputmode="decimal" autocomplete="off" maxlength="12" value="{{ score.reviewed_points|points_input }}" placeholder="{{ score.self_points|points_input }}"
                   hx-post="{{ row.review_url }}" hx-trigger="input changed delay:900ms, change" hx-include="[form='review-{{ row.key }}']" hx-target="#status-{{ row.key }}" hx-swap="innerHTML">
            <label class="visually-hidden" for="reason-{{ row.key }}">{% blocktranslate with code=c.code %}Reason for {{ code }}{% endblocktranslate %}</label>
            <textarea id="reason-{{ row.key }}" name="review_reason" form="review-{{ row.key }}" class="form-control form-control-sm mt-1" rows="2" maxlength="2000" placeholder="{% translate 'Reason for the change' %}"
                      hx-post="{{ row.review_url }}" hx-trigger="input changed delay:1200ms, change" hx-include="[form='review-{{ row.key }}']" hx-target="#status-{{ row.key }}" hx-swap="innerHTML">{{ score.review_reason }}</textarea>
            <form id="review-{{ row.key }}" method="post" action="{{ row.review_url }}" class="mt-1">{% csrf_token %}
              <button type="submit" class="btn btn-sm btn-outline-secondary">{% translate "Save" %}</button>
            </form>
            <div id="status-{{ row.key }}" class="mt-1" aria-live="polite"></div>
          </td>
          {% else %}
          <td class="align-top"><span class="{% if score.is_changed %}fw-semibold{% endif %}">{{ score.final_points|points }}</span>
            {% if score.is_changed %}<div class="small text-danger">{{ score.review_reason }}</div>{% endif %}</td>
          {% endif %}
        </tr>
      {% endif %}
      {% endwith %}{% endfor %}
"""

CHART = """{% load l10n %}{% localize off %}<svg class="chart img-fluid" viewBox="0 0 {{ chart.width }} {{ chart.height }}" width="{{ chart.width }}" height="{{ chart.height }}" role="img" aria-labelledby="chart-totals-title">
  <title id="chart-totals-title">{% translate "Totals by unit" %}</title>
  {% for tick in chart.ticks %}
  <line x1="{{ tick.x }}" x2="{{ tick.x }}" y1="0" y2="{{ chart.plot_height }}" stroke="#dee2e6" stroke-width="1"/>
  <text x="{{ tick.x }}" y="{{ chart.height|add:'-6' }}" text-anchor="middle" font-size="11" fill="#6c757d">{{ tick.label }}</text>
  {% endfor %}
  {% for bar in chart.bars %}
  <g>
    <title>{{ bar.title }}</title>
    <text x="{{ chart.label_width|add:'-8' }}" y="{{ bar.text_y }}" text-anchor="end" font-size="12" fill="#212529">{{ bar.label }}</text>
    <rect x="{{ chart.label_width }}" y="{{ bar.y|add:'4' }}" width="{{ bar.width }}" height="18" fill="{{ bar.fill }}" rx="2"/>
    <text x="{{ bar.value_x }}" y="{{ bar.text_y }}" font-size="12" fill="#212529">{{ bar.value }}</text>
  </g>
  {% endfor %}
  <line x1="{{ chart.scale_x }}" x2="{{ chart.scale_x }}" y1="0" y2="{{ chart.plot_height }}" stroke="#212529" stroke-width="1" stroke-dasharray="4 3"/>
</svg>{% endlocalize %}"""

CSRF = "t0ken"


def _page(source: str, **context: Any) -> str:
    return engines["django"].from_string(source).render({"csrf_token": CSRF, **context})


def _same(markup: str) -> str:
    """Markup with its runs of white space made one space (the loops indented their lines)."""
    return re.sub(r"\s+", " ", markup).strip()


@pytest.fixture
def sheet(world: World) -> ScoreSheet:
    """Unit 3's sheet filled in with evidence, a guidance and an explanation with markup in
    them, one row left without points."""
    table = open_assessment(world)
    Criterion.objects.filter(table=table, code="I.1").update(guidance='Ghi <rõ> & "đủ"')
    sheet = table.sheets.get(unit=world.units[2])
    fill_sheet(sheet, world.leader, {"I.2": "7.5", "IV.1": "2"})
    row = sheet.scores.get(criterion__code="I.3")
    services.save_self_score(row, by=world.leader, points=None, explanation='<b>x</b> & "y"\nz')
    return ScoreSheet.objects.select_related("table__block_year").get(pk=sheet.pk)


def _reviewed(sheet: ScoreSheet, world: World) -> None:
    row = sheet.scores.get(criterion__code="I.3")
    services.save_self_score(row, by=world.leader, points=Decimal("3.25"), explanation="x")
    services.submit_sheet(sheet, by=world.leader)
    for code, points in (("I.2", Decimal(5)), ("II.1", None)):
        services.review_score(
            sheet.scores.get(criterion__code=code),
            by=world.secretariat,
            points=points,
            reason="Thiếu <minh chứng>",
        )


def _context(sheet: ScoreSheet) -> list[dict[str, Any]]:
    criteria, scores = _sheet_rows(sheet)
    return _rows(criteria, scores)


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize(
    ("editable", "shows_review"), [(True, False), (False, False), (False, True)]
)
def test_the_sheets_rows_are_the_templates(
    world: World, sheet: ScoreSheet, language: str, editable: bool, shows_review: bool
) -> None:
    if shows_review:
        _reviewed(sheet, world)
    rows = _context(sheet)
    with translation.override(language):
        written = sheet_html.sheet_rows(
            rows,
            editable=editable,
            shows_review=shows_review,
            csrf_token=CSRF,
            download=_url_for_any("scoring:evidence_download"),
            remove=_url_for_any("scoring:evidence_delete"),
        )
        former = _page(DETAIL, rows=rows, editable=editable, shows_review=shows_review)
    assert 'type="file"' in written if editable else 'type="file"' not in written
    assert _same(written) == _same(former)


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("can_review", [True, False])
def test_the_reviews_rows_are_the_templates(
    world: World, sheet: ScoreSheet, language: str, can_review: bool
) -> None:
    _reviewed(sheet, world)
    rows = _context(sheet)
    with translation.override(language):
        written = sheet_html.review_rows(
            rows,
            can_review=can_review,
            csrf_token=CSRF,
            download=_url_for_any("scoring:evidence_download"),
        )
        former = _page(REVIEW, rows=rows, can_review=can_review)
    assert _same(written) == _same(former)


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_ranking_chart_is_the_templates(language: str) -> None:
    rows = [
        {"rank": 1, "unit_name": "Sở <Tư> & pháp", "total": Decimal("98.5"), "band": "A"},
        {"rank": 2, "unit_name": "Báo " + "rất dài " * 8, "total": Decimal("-3"), "band": "B"},
        {"rank": 3, "unit_name": "Ban", "total": Decimal("1234.25"), "band": ""},
    ]
    with translation.override(language):
        for unit_rows, scale in ((rows, Decimal(100)), ([], Decimal("0.5"))):
            chart = charts.totals_by_unit(unit_rows, ["A", "B"], scale)
            written = charts.totals_svg(chart, translation.gettext("Totals by unit"))
            assert written == _page(CHART, chart=chart)
