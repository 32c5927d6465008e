from typing import Any

from django.core.management.base import BaseCommand, CommandError

from emulation import timestamps


class Command(BaseCommand):
    help = (
        "Time-stamp the audit chain's head with the RFC 3161 authority named in AUDIT_TSA_URL and "
        "store the token (an anchor that verify_audit checks). Does nothing when the head has not "
        "moved since the last stamp. Run it on a schedule (see the README)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not timestamps.is_configured():
            raise CommandError(
                "No time-stamping authority is configured: set AUDIT_TSA_URL to its address."
            )
        try:
            stamp = timestamps.stamp_head()
        except timestamps.TimestampUnavailable as error:
            raise CommandError(
                f"{error}. Nothing was stored; run the command again later."
            ) from error
        if stamp is None:
            self.stdout.write("The audit chain's head has not moved since its last time-stamp.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Time-stamped event #{stamp.seq} ({stamp.chain_hash[:16]}) at "
                f"{stamp.gen_time.isoformat()} by {stamp.tsa_name}."
            )
        )
