"""A backup restores: the README's pg_dump, pg_restore and tar commands, run against the test
database and media folder, give a fresh database with every row, issued documents whose files
still match their SHA-256, and an audit chain that `verify_audit` accepts."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from blocks.models import Unit
from emulation import audit
from emulation.models import User

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="backups are taken with PostgreSQL's own tools"
)


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI_REQUIRE_PG_TOOLS") == "1":
            pytest.fail(f"{name} is missing (apt-get install postgresql-client)")
        pytest.skip(f"{name} is not installed")
    return path


def libpq_args(database: str) -> list[str]:
    """Where the test database lives, as pg_dump and pg_restore take it."""
    params = connection.settings_dict
    args = ["--dbname", database]
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    return args


def libpq_env() -> dict[str, str]:
    env = {**os.environ}
    if connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(connection.settings_dict["PASSWORD"])
    return env


def connect(database: str) -> psycopg.Connection[Any]:
    params = connection.settings_dict
    return psycopg.connect(
        dbname=database,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        autocommit=True,
    )


def database_url(database: str) -> str:
    params = connection.settings_dict
    auth = params.get("USER") or ""
    if params.get("PASSWORD"):
        auth += f":{params['PASSWORD']}"
    host = f"{params.get('HOST') or 'localhost'}:{params.get('PORT') or 5432}"
    return f"postgres://{auth}@{host}/{database}"


@pytest.fixture
def restored_name(transactional_db: None) -> Iterator[str]:
    """A fresh, empty database for the restore; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connect("postgres") as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with connect("postgres") as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def row_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def test_a_backup_restores_with_every_row_every_document_and_an_intact_audit_chain(
    restored_name: str, tmp_path: Path
) -> None:
    pg_dump, pg_restore, tar = pg_tool("pg_dump"), pg_tool("pg_restore"), pg_tool("tar")
    call_command("seed_demo")
    staff = User.objects.get(username="bantdkt")
    unit = Unit.objects.order_by("pk").first()
    assert unit is not None
    audit.record("test.backup", actor=staff, obj=unit, after={"name": unit.name}, reason="sao lưu")
    audit.record("test.backup", actor=None, label="system", after={"ghi chú": "Đã kiểm tra"})
    assert audit.verify_chain() is None

    source = str(connection.settings_dict["NAME"])
    dump = tmp_path / "emulation.dump"
    subprocess.run(
        [pg_dump, "--format=custom", "--file", str(dump), *libpq_args(source)],
        env=libpq_env(),
        check=True,
        capture_output=True,
    )
    assert dump.stat().st_size > 0
    media_backup = tmp_path / "media.tar.gz"
    subprocess.run(
        [tar, "-czf", str(media_backup), "-C", str(settings.MEDIA_ROOT), "."],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [pg_restore, "--no-owner", "--exit-on-error", *libpq_args(restored_name), str(dump)],
        env=libpq_env(),
        check=True,
        capture_output=True,
    )

    tables = sorted(connection.introspection.table_names())
    with connection.cursor() as cursor:
        expected = row_counts(cursor, tables)
        cursor.execute("SELECT seq, hash, prev_hash FROM emulation_auditevent ORDER BY seq")
        expected_chain = cursor.fetchall()
    with connect(restored_name) as restored, restored.cursor() as cursor:
        assert row_counts(cursor, tables) == expected
        cursor.execute("SELECT seq, hash, prev_hash FROM emulation_auditevent ORDER BY seq")
        assert cursor.fetchall() == expected_chain
    assert expected["emulation_auditevent"] >= 2 and expected["blocks_unit"] > 0

    # Issued documents: the files restored from the media backup match the restored hashes.
    media = tmp_path / "restored-media"
    media.mkdir()
    subprocess.run(
        [tar, "-xzf", str(media_backup), "-C", str(media)], check=True, capture_output=True
    )
    with connect(restored_name) as restored, restored.cursor() as cursor:
        cursor.execute("SELECT file, sha256 FROM emulation_issueddocument ORDER BY id")
        documents = cursor.fetchall()
    assert documents, "the demo issues at least its signed covenant"
    for path, sha256 in documents:
        assert hashlib.sha256((media / path).read_bytes()).hexdigest() == sha256, path

    # The README's check after a restore, run against the restored database.
    env = {**libpq_env(), "DATABASE_URL": database_url(restored_name)}
    env.pop("DATABASE_TEST_TEMPLATE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(expected_chain)} events verified" in result.stdout
