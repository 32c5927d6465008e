"""A unit's award history, the records council staff enter for the years before the app, and the
base of the Government flag's 20 per cent.

The history is seen by whoever may see the unit (`Unit.objects.for_user`; 404 otherwise); council
staff of the unit's authority enter its earlier awards, and set the base of the 20 per cent for a
year (`awards.run_council`; 403 for anyone else who may see the page).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from awards import history
from awards.caps import cap_base
from awards.forms.catalogue import CapBaseForm, PastRecordForm
from awards.services import catalogue as services
from blocks.models import Authority, Unit
from emulation.actions import form_page
from emulation.forms import post_data, run_form
from emulation.http import AuthedRequest

FORM_METHODS = ["GET", "HEAD", "POST"]


def _unit(request: AuthedRequest, pk: int) -> Unit:
    return get_object_or_404(Unit.objects.for_user(request.user).select_related("authority"), pk=pk)


@require_safe
def unit_history(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    return render(
        request,
        "awards/history/unit_history.html",
        {
            "unit": unit,
            "history": history.of_unit(unit),
            "can_enter": request.user.has_perm("awards.run_council", unit.authority),
        },
    )


@require_http_methods(FORM_METHODS)
def past_record_add(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    if not request.user.has_perm("awards.run_council", unit.authority):
        raise PermissionDenied
    form = PastRecordForm(post_data(request))
    done = run_form(
        request,
        form,
        lambda data: services.add_past_record(unit, by=request.user, **data),
        _("The earlier award or result was recorded."),
    )
    if done is not None:
        return redirect("awards:unit_history", pk=unit.pk)
    return form_page(
        request,
        form,
        title=_("Enter an earlier award or result of %(unit)s") % {"unit": unit.name},
        intro=_(
            "For the years before this app: the award or the year's result, with the number of"
            " the decision. The multi-year conditions and the achievement report read them."
        ),
        cancel_link=reverse("awards:unit_history", args=[unit.pk]),
    )


@require_http_methods(FORM_METHODS)
def cap_base_edit(request: AuthedRequest, authority: int, year: int) -> HttpResponse:
    council = get_object_or_404(Authority, pk=authority)
    if not request.user.has_perm("awards.see_council", council):
        raise Http404
    if not request.user.has_perm("awards.run_council", council):
        raise PermissionDenied
    base = cap_base(council, year)
    form = CapBaseForm(
        post_data(request),
        initial={
            "leading_units": base.leading_units,
            "rounding": base.rounding,
            "note": base.entered.note if base.entered else "",
        },
    )
    done = run_form(
        request,
        form,
        lambda data: services.set_cap_base(council, year, by=request.user, **data),
        _("The base of the 20 per cent was set."),
    )
    if done is not None:
        return redirect("awards:cap_base", authority=council.pk, year=year)
    return form_page(
        request,
        form,
        title=_("Base of the Government flag's 20 per cent, %(year)d") % {"year": year},
        intro=_(
            "Now: %(leading)d leading units (%(source)s), %(rounding)s. The app knows"
            " %(known)d blocks of %(authority)s this year."
        )
        % {
            "leading": base.leading_units,
            "source": base.source,
            "rounding": base.rounding_words,
            "known": services.prefilled_base(council, year),
            "authority": council.short_name,
        },
    )


urlpatterns: list[URLPattern] = [
    path("units/<id:pk>/awards/", unit_history, name="unit_history"),
    path("units/<id:pk>/awards/add/", past_record_add, name="past_record_add"),
    path("council/<id:authority>/<int:year>/cap-base/", cap_base_edit, name="cap_base"),
]
