"""The registry's list of units: who may see which units, and how a unit's status reads."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import translation

from blocks.models import Unit
from tests.factories import World


def test_a_ceased_unit_shows_when_it_ceased_and_the_others_read_active(
    as_user: Any, world: World
) -> None:
    Unit.objects.filter(pk=world.units[3].pk).update(active_to=datetime.date(2025, 6, 30))
    page = as_user("staff").get(reverse("blocks:unit_list")).content.decode()
    with translation.override("vi"):
        ceased, active = translation.gettext("Ceased"), translation.gettext("Active")
    assert f'<td><span class="badge text-bg-secondary">{ceased} 30/06/2025</span></td>' in page
    assert page.count(f"<td>{active}</td>") == 3
