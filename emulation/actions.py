"""What the apps' views share: the permission checks, the form and confirmation pages, acting
through a service with a message, and serving a private file.

Views parse, authorise, call one service and redirect with a message; these keep that shape the
same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from emulation.errors import DomainError
from emulation.http import AuthedRequest


def require(request: AuthedRequest, permission: str, obj: Any) -> None:
    """403 unless the person holds the permission. Site administrators hold them all, except
    where the rule itself says no to everyone (an archived year is read-only even for them; see
    `User.has_perm`)."""
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def require_for_unit(request: AuthedRequest, permission: str, obj: Any) -> None:
    """403 unless the person may act for the unit themselves: what is done for a unit by its own
    people (signing, voting, submitting, attesting) is never done by virtue of a higher role."""
    if not rules.has_perm(permission, request.user, obj):
        raise PermissionDenied


def form_page(request: AuthedRequest, form: Any, **context: Any) -> HttpResponse:
    return render(request, "emulation/form_page.html", {"form": form, **context})


def confirm_page(request: AuthedRequest, **context: Any) -> HttpResponse:
    return render(request, "emulation/confirm.html", {"no_reason": True, **context})


def act(request: AuthedRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service; say what happened (its refusal, or `success`); tell whether it worked."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def private_download(
    file: FieldFile, *, name: str, content_type: str | None = None
) -> FileResponse:
    """A stored file as an attachment that browsers neither sniff nor keep (its type guessed
    from the name when not given)."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
