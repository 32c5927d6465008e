from typing import Any

from django.core.management.base import BaseCommand, CommandError

from emulation.records import mismatches


class Command(BaseCommand):
    help = (
        "Compare signatures, final scores, published rankings and issued documents (their stored "
        "SHA-256 and their files' bytes) with the audit events that recorded them; list every "
        "record that disagrees and exit non-zero."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = mismatches()
        for mismatch in found:
            self.stderr.write(f"Mismatch: {mismatch}.")
        if found:
            raise CommandError(f"{len(found)} records disagree with the audit log.")
        self.stdout.write(self.style.SUCCESS("Every checked record agrees with the audit log."))
