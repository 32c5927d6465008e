from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covenants.services import send_signing_reminders


class Command(BaseCommand):
    help = "Remind the leaders of units that have not signed a covenant whose deadline is near (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=3, help="Remind this many days before the deadline."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = send_signing_reminders(days_before=options["days"])
        self.stdout.write(f"{count} units reminded.")
