from typing import Any

from django.core.management.base import BaseCommand, CommandError

from emulation.audit import verify_chain
from emulation.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit non-zero naming the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            where = f"id {broken.event_id}" if broken.event_id is not None else "no row"
            raise CommandError(
                f"Audit chain broken at event #{broken.seq} ({where}): {broken.problem}."
            )
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events verified."))
