from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from emulation import audit
from emulation.demo import seeders


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Demo accounts use the password 'demo12345'."

    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        with transaction.atomic():
            for seeder_class in seeders():
                seeder = seeder_class()
                seeder.seed()
                created += seeder.created
            if created:
                audit.record("demo.seeded", actor=None, label="seed_demo", after={"rows": created})
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} rows created)."))
