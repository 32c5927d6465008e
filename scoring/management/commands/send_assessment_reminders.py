from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scoring.services import send_assessment_reminders


class Command(BaseCommand):
    help = "Remind units whose self-assessment is still a draft when the deadline is near (daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=3, help="How many days before the deadline."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = send_assessment_reminders(days_before=options["days"])
        self.stdout.write(f"{count} units reminded.")
