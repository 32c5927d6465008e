from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from awards.models import Handover
from awards.services.handover import apply_due_handovers


class Command(BaseCommand):
    help = (
        "Hand the block over to next year's head and deputies on the date the council confirmed"
        " (daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = apply_due_handovers()
        self.stdout.write(f"{count} hand-overs carried out.")
        stuck = Handover.objects.filter(
            status=Handover.Status.CONFIRMED, handover_on__lte=timezone.localdate()
        ).select_related("from_year__block")
        for handover in stuck:
            self.stderr.write(
                f"Not carried out: {handover} (an elected unit is not a member of the new year)."
            )
