"""The rows of the scoring sheet and of the review page, written in Python.

A sheet has sixty-odd rows of a dozen fields, inputs and forms each. Through the template
language that was some 60 lookups, filters and tags a row, most of either page's time; here each
row is one string, with the page's words translated once. The markup is what the templates wrote
(tests/scoring/test_sheet_html.py renders the former template loop beside these functions and
compares them).

Every value from the database is escaped (`_e`); translated words are escaped as
`{% translate %}` escapes them, and a `{% blocktranslate %}` text keeps its own markup with the
code filled in escaped. The values are never marked safe already, so escaping them is what the
template did.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from scoring.models import Criterion
from scoring.templatetags.scoring import points, points_input

ACCEPTED_FILES = ".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.pptx,.doc,.xls"


def _e(value: Any) -> str:
    """What `{{ value }}` writes for a plain value (Django's `escape` is this, lazily wrapped)."""
    return html.escape(str(value))


class _Numbers:
    """Points as the `points` and `points_input` filters write them, escaped, each value
    formatted once a page: a sheet repeats the same few maxima and scores many times."""

    def __init__(self) -> None:
        self.read_as: dict[Any, str] = {}
        self.typed_as: dict[Any, str] = {}

    def read(self, value: Any) -> str:
        if value not in self.read_as:
            self.read_as[value] = _e(points(value))
        return self.read_as[value]

    def typed(self, value: Any) -> str:
        if value not in self.typed_as:
            self.typed_as[value] = _e(points_input(value))
        return self.typed_as[value]


def _sign(criterion: Criterion) -> str:
    if criterion.kind == Criterion.Kind.BONUS:
        return "+"
    return "−" if criterion.kind == Criterion.Kind.DEDUCTION else ""


def _heading(criterion: Criterion, columns: int, numbers: _Numbers) -> str:
    """A section or a criterion with sub-rows: its code, title and maximum across the row."""
    css = "table-light fw-semibold" if criterion.depth == 0 else ""
    return (
        f'<tr class="{css}"><td>{_e(criterion.code)}</td><td colspan="{columns}">'
        f"{_e(criterion.title_vi)} "
        f'<span class="text-secondary small fw-normal">({_sign(criterion)}'
        f"{numbers.read(criterion.max_points)})</span></td></tr>\n"
    )


def _title(criterion: Criterion) -> str:
    guidance = (
        f'<div class="small text-secondary">{_e(criterion.guidance)}</div>'
        if criterion.guidance
        else ""
    )
    return f"{_e(criterion.title_vi)}{guidance}"


def _maximum(criterion: Criterion, numbers: _Numbers) -> str:
    return (
        f'<td class="text-end text-nowrap align-top">{_sign(criterion)}'
        f"{numbers.read(criterion.max_points)}</td>"
    )


def _self_points(score: Any, numbers: _Numbers) -> str:
    """`{{ score.self_points|points|default:"—" }}`"""
    return (numbers.read(score.self_points) if score is not None else "") or "—"


def _with_code(text: str, code: str) -> str:
    """A `{% blocktranslate with code=... %}` text: its own markup, the code escaped."""
    return text % {"code": _e(code)}


def _csrf_input(token: str) -> str:
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(token)}">'


def sheet_rows(
    rows: list[dict[str, Any]],
    *,
    editable: bool,
    shows_review: bool,
    csrf_token: str,
    download: Callable[[int], str],
    remove: Callable[[int], str],
) -> SafeString:
    """The body of the unit's sheet: inputs and file forms while it can be edited, the points
    (and the reviewed points, once shown) otherwise."""
    words = {
        "required": _e(_("evidence required")),
        "explanation_for": _("Explanation for %(code)s"),
        "explanation": _e(_("Explanation")),
        "points_for": _("Points for %(code)s"),
        "save": _e(_("Save")),
        "remove": _e(_("Remove")),
        "add": _e(_("Add a file")),
        "upload": _e(_("Upload")),
    }
    csrf = _csrf_input(csrf_token)
    numbers = _Numbers()
    columns = 5 if shows_review else 4
    parts = []
    for row in rows:
        criterion, score = row["criterion"], row["score"]
        if not criterion.is_leaf:
            parts.append(_heading(criterion, columns, numbers))
            continue
        key = _e(row.get("key", ""))
        url = _e(row.get("save_url", ""))
        code = criterion.code
        explanation = _e(score.explanation) if score is not None else ""
        light = ' class="table-light"' if criterion.depth == 0 else ""
        parts.append(
            f'<tr id="row-{key}"{light}>\n<td class="text-nowrap align-top">{_e(code)}</td>\n'
            f'<td class="align-top">{_title(criterion)}\n'
        )
        if row["needs_evidence"]:
            parts.append(
                '<span class="badge text-bg-light border"><i class="bi bi-paperclip"'
                f' aria-hidden="true"></i> {words["required"]}</span>'
            )
        if editable:
            parts.append(
                f'\n<label class="visually-hidden" for="explanation-{key}">'
                f"{_with_code(words['explanation_for'], code)}</label>\n"
                f'<textarea id="explanation-{key}" name="explanation" form="save-{key}"'
                ' class="form-control form-control-sm mt-1" rows="2" maxlength="5000"'
                f' placeholder="{words["explanation"]}"\n{_htmx(url, "1200ms", "save", key)}>'
                f"{explanation}</textarea>"
            )
        elif explanation:
            parts.append(
                f'\n<div class="small text-prewrap mt-1 border-start ps-2">{explanation}</div>'
            )
        parts.append(f"\n</td>\n{_maximum(criterion, numbers)}\n")
        if editable:
            value = numbers.typed(score.self_points) if score is not None else ""
            parts.append(
                '<td class="points-cell align-top">\n'
                f'<label class="visually-hidden" for="points-{key}">'
                f"{_with_code(words['points_for'], code)}</label>\n"
                f'<input id="points-{key}" name="self_points" form="save-{key}"'
                ' class="form-control form-control-sm text-end" size="6" inputmode="decimal"'
                f' autocomplete="off" maxlength="12" value="{value}"\n'
                f"{_htmx(url, '700ms', 'save', key)}>\n"
                f'<form id="save-{key}" method="post" action="{url}" class="mt-1">{csrf}\n'
                '<button type="submit" class="btn btn-sm btn-outline-secondary">'
                f"{words['save']}</button>\n</form>\n"
                f'<div id="status-{key}" class="mt-1" aria-live="polite"></div>\n</td>'
            )
        else:
            parts.append(f'<td class="text-end align-top">{_self_points(score, numbers)}</td>')
        parts.append('\n<td class="small align-top">\n')
        for file in row["files"]:
            parts.append(
                f'<div class="text-nowrap"><a href="{download(file.pk)}">'
                '<i class="bi bi-file-earmark" aria-hidden="true"></i> '
                f"{_e(Truncator(file.name).chars(28))}</a>\n"
            )
            if editable:
                parts.append(
                    f'<a class="text-danger ms-1" href="{remove(file.pk)}"'
                    f' aria-label="{words["remove"]}"><i class="bi bi-x-lg"'
                    ' aria-hidden="true"></i></a>'
                )
            parts.append("</div>\n")
        if editable:
            parts.append(
                f'<form method="post" action="{_e(row.get("upload_url", ""))}"'
                ' enctype="multipart/form-data" class="evidence-form mt-1">'
                f'{csrf}\n<label class="form-label small mb-0" for="file-{key}">'
                f'{words["add"]}</label>\n<input id="file-{key}" type="file" name="file"'
                f' class="form-control form-control-sm" accept="{ACCEPTED_FILES}">\n'
                '<button type="submit" class="btn btn-sm btn-outline-secondary mt-1">'
                f'<i class="bi bi-upload" aria-hidden="true"></i> {words["upload"]}</button>\n'
                "</form>\n"
            )
        parts.append("</td>\n")
        if shows_review:
            changed = score is not None and score.is_changed
            final = numbers.read(score.final_points) if score is not None else ""
            reason = (
                '<div class="small text-start fw-normal text-danger">'
                f"{_e(score.review_reason)}</div>"
                if changed
                else ""
            )
            bold = " fw-semibold" if changed else ""
            parts.append(f'<td class="text-end align-top{bold}">{final}\n{reason}</td>\n')
        parts.append("</tr>\n")
    return mark_safe("".join(parts))


def _htmx(url: str, delay: str, form: str, key: str) -> str:
    """The attributes that save a field as it is typed into, answered in the row's status."""
    return (
        f'hx-post="{url}" hx-trigger="input changed delay:{delay}, change"'
        f' hx-include="[form=\'{form}-{key}\']" hx-target="#status-{key}" hx-swap="innerHTML"'
    )


def review_rows(
    rows: list[dict[str, Any]],
    *,
    can_review: bool,
    csrf_token: str,
    download: Callable[[int], str],
) -> SafeString:
    """The body of the review page: the unit's points, explanation and files beside the
    reviewed points and reason (inputs while the sheet is under review)."""
    words = {
        "missing": _e(_("evidence missing")),
        "reviewed_for": _("Reviewed points for %(code)s"),
        "reason_for": _("Reason for %(code)s"),
        "reason": _e(_("Reason for the change")),
        "save": _e(_("Save")),
    }
    csrf = _csrf_input(csrf_token)
    numbers = _Numbers()
    parts = []
    for row in rows:
        criterion, score = row["criterion"], row["score"]
        if not criterion.is_leaf:
            parts.append(_heading(criterion, 4, numbers))
            continue
        key = _e(row.get("key", ""))
        url = _e(row.get("review_url", ""))
        code = criterion.code
        changed = score is not None and score.is_changed
        files = row["files"]
        warning = ' class="table-warning"' if changed else ""
        parts.append(
            f'<tr id="row-{key}"{warning}>\n<td class="text-nowrap align-top">{_e(code)}</td>\n'
            f'<td class="align-top">{_title(criterion)}\n'
        )
        if score is not None and score.explanation:
            parts.append(
                '<div class="small text-prewrap mt-1 border-start ps-2">'
                f"{_e(score.explanation)}</div>"
            )
        parts.append('\n<div class="small mt-1">\n')
        for file in files:
            parts.append(
                f'<span class="text-nowrap me-2"><a href="{download(file.pk)}">'
                '<i class="bi bi-file-earmark" aria-hidden="true"></i> '
                f"{_e(Truncator(file.name).chars(32))}</a> "
                f'<span class="text-secondary">{_e(filesizeformat(file.size))}</span></span>'
            )
        if row["needs_evidence"] and not files and score is not None and score.self_points:
            parts.append(f'\n<span class="badge text-bg-warning">{words["missing"]}</span>')
        parts.append(
            f"\n</div>\n</td>\n{_maximum(criterion, numbers)}\n"
            f'<td class="text-end fw-semibold align-top">{_self_points(score, numbers)}</td>\n'
        )
        if can_review:
            reviewed = numbers.typed(score.reviewed_points) if score is not None else ""
            own = numbers.typed(score.self_points) if score is not None else ""
            reason = _e(score.review_reason) if score is not None else ""
            parts.append(
                '<td class="align-top review-cell">\n'
                f'<label class="visually-hidden" for="reviewed-{key}">'
                f"{_with_code(words['reviewed_for'], code)}</label>\n"
                f'<input id="reviewed-{key}" name="reviewed_points" form="review-{key}"'
                ' class="form-control form-control-sm text-end" size="6" inputmode="decimal"'
                f' autocomplete="off" maxlength="12" value="{reviewed}" placeholder="{own}"\n'
                f"{_htmx(url, '900ms', 'review', key)}>\n"
                f'<label class="visually-hidden" for="reason-{key}">'
                f"{_with_code(words['reason_for'], code)}</label>\n"
                f'<textarea id="reason-{key}" name="review_reason" form="review-{key}"'
                ' class="form-control form-control-sm mt-1" rows="2" maxlength="2000"'
                f' placeholder="{words["reason"]}"\n{_htmx(url, "1200ms", "review", key)}>'
                f"{reason}</textarea>\n"
                f'<form id="review-{key}" method="post" action="{url}" class="mt-1">{csrf}\n'
                '<button type="submit" class="btn btn-sm btn-outline-secondary">'
                f"{words['save']}</button>\n</form>\n"
                f'<div id="status-{key}" class="mt-1" aria-live="polite"></div>\n</td>\n'
            )
        else:
            final = numbers.read(score.final_points) if score is not None else ""
            reason = (
                f'<div class="small text-danger">{_e(score.review_reason)}</div>' if changed else ""
            )
            parts.append(
                f'<td class="align-top"><span class="{"fw-semibold" if changed else ""}">'
                f"{final}</span>\n{reason}</td>\n"
            )
        parts.append("</tr>\n")
    return mark_safe("".join(parts))
