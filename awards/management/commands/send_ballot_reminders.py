from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from awards.services.ballots import send_ballot_reminders


class Command(BaseCommand):
    help = (
        "Remind the leaders of units that have not voted when an open ballot closes soon (daily)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=2, help="How many days before the ballot closes."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = send_ballot_reminders(days_before=options["days"])
        self.stdout.write(f"{count} units reminded.")
