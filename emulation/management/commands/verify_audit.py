from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from emulation.audit import (
    Anchor,
    check_anchors,
    document_anchors,
    read_heads,
    verify_chain,
)
from emulation.models import AuditEvent
from emulation.timestamps import timestamp_anchors


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain, then check it against every anchor found outside the "
        "database (the heads printed on issued documents, the RFC 3161 time-stamps of the head, each "
        "token's signature checked, and files of heads given with --heads); "
        "exit non-zero naming the first event that fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--heads",
            action="append",
            default=[],
            metavar="FILE",
            help=(
                "A file of chain heads saved outside the database, one 'event-number hash' a line "
                "(as printed on documents and on the public results page; the hash may be cut to "
                "16 digits). May be given more than once."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors: list[Anchor] = []
        for name in options["heads"]:
            path = Path(name)
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as error:
                raise CommandError(f"Cannot read the heads file {name}: {error}.") from error
            try:
                anchors.extend(read_heads(lines, name))
            except ValueError as error:
                raise CommandError(f"{error}.") from error
        broken = verify_chain()
        if broken is None:
            anchors.extend(document_anchors())
            try:
                stamped, broken = timestamp_anchors()
            except (OSError, ValueError) as error:
                raise CommandError(
                    f"Cannot read the time-stamping authority's trust roots: {error}."
                ) from error
            anchors.extend(stamped)
        if broken is None:
            broken = check_anchors(anchors)
        if broken is not None:
            where = f"id {broken.event_id}" if broken.event_id is not None else "no row"
            raise CommandError(
                f"Audit chain broken at event #{broken.seq} ({where}): {broken.problem}."
            )
        count = AuditEvent.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {count} events verified, against {len(anchors)} anchors."
            )
        )
