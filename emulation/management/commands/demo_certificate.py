"""Make the demonstration's certificates once: a root marked as a demonstration, and the
certificate `make run` signs issued documents with, in var/demo-pki/.

Documents signed with it carry a real PAdES signature that pyHanko and `pdfsig` read, but it
chains only to this demonstration root, which nobody else trusts: it has no legal value. A real
deployment configures its bodies' own certificates (README, "Digital signatures")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from emulation import pki

ORGANISATION = "Bản trình diễn - không có giá trị pháp lý"
ROOT = "CA trình diễn Thi đua Khối"
SIGNER = "Ủy ban nhân dân tỉnh Quảng Trị (trình diễn)"
PASSWORD = "demo"


class Command(BaseCommand):
    help = "Make the demonstration's signing certificate in var/demo-pki/ unless it is there."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", default=str(Path(settings.VAR_DIR) / "demo-pki"))

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        p12, roots = directory / "signer.p12", directory / "roots"
        if p12.exists() and (roots / "root.pem").exists():
            self.stdout.write(f"The demonstration certificate is in {directory}.")
            return
        roots.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.UTC)
        start, end = now - dt.timedelta(days=1), now.replace(year=now.year + 10)
        root = pki.make_ca(
            ROOT, organisation=ORGANISATION, key=pki.new_key(), valid_from=start, valid_to=end
        )
        signer = pki.issue(
            root,
            SIGNER,
            organisation=ORGANISATION,
            key=pki.new_key(),
            valid_from=start,
            valid_to=end,
        )
        root.write_pem(roots / "root.pem")
        p12.write_bytes(pki.p12_bytes(signer, root, PASSWORD.encode()))
        p12.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Made the demonstration certificate in {directory}."))
