"""The public results: for each authority and year, the units its published decisions award or
propose, with the decisions' numbers and dates. Anyone may read them without signing in.

Only published decisions appear: drafts, issued but unpublished decisions, vote counts and
people's data (beyond the signer's name printed on the decision) never do. Each page shows the
audit log's head as it is now (never cached), for anyone to save as an anchor of the chain. What the pages show is
cached under a SHA-256 of the published decisions' documents: publishing another changes it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from awards.models import Decision
from awards.services import decisions as services
from blocks.models import Authority
from emulation.audit import current_head
from emulation.published import cached


@login_not_required
@require_safe
def results_index(request: HttpRequest) -> HttpResponse:
    rows = cached("awards.results_index", services.published_sha256(), services.results_years)
    return render(
        request, "awards/public/results_index.html", {"rows": rows, "chain": current_head()}
    )


@login_not_required
@require_safe
def results(request: HttpRequest, authority: int, year: int) -> HttpResponse:
    council = get_object_or_404(Authority, pk=authority)
    decisions = cached(
        "awards.results",
        services.published_sha256(council, year),
        lambda: services.published_results(council, year),
    )
    if not decisions:
        raise Http404
    return render(
        request,
        "awards/public/results.html",
        {
            "authority": council,
            "year": year,
            "awarded": [d for d in decisions if d.kind == Decision.Kind.DECISION],
            "proposed": [d for d in decisions if d.kind == Decision.Kind.PROPOSAL],
            "chain": current_head(),
        },
    )


urlpatterns: list[URLPattern] = [
    path("results/", results_index, name="results_index"),
    path("results/<id:authority>/<int:year>/", results, name="results"),
]
