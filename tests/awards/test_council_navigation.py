"""The navigation bar links to the council's pages for the people who sit on a council (kept in
the session when they sign in, so no page pays a query for it), and to the public results for
everyone."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import World


@pytest.mark.parametrize(
    ("username", "sees_council"),
    [("staff", True), ("member", True), ("leader", False), ("secretariat", False)],
)
def test_council_people_find_the_council_in_the_navigation_bar(
    world: World, client: Client, username: str, sees_council: bool
) -> None:
    client.force_login(getattr(world, username))
    page = client.get(reverse("home")).content.decode()
    assert (f'href="{reverse("awards:council_index")}"' in page) == sees_council
    assert f'href="{reverse("awards:results_index")}"' in page
