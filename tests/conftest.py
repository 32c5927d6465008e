from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tests.factories import World, make_world


def settings_for_tests(media_root: Path) -> dict[str, Any]:
    """What every test runs with: no collectstatic, plain HTTP, uploads and issued documents in
    `media_root` (out of var/), a fast password hasher, background work (e-mail) run at once, in
    the test, after the commit it waits for, and a cache in the test process's own memory, which
    each test empties: never one another process shares (CACHE_URL), which would be emptied under
    the feet of the other test processes, or of a running site."""
    return {
        "STORAGES": {
            **django_settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "SECURE_SSL_REDIRECT": False,
        # Staff sign in with a password alone in tests, as in the demo; the tests of two-factor
        # sign-in for site administrators turn it on.
        "REQUIRE_ADMIN_2FA": False,
        "MEDIA_ROOT": media_root,
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "tests",
            }
        },
    }


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    # A module seeded once keeps its files where the tests read them.
    media = request.getfixturevalue("demo") if "demo" in request.fixturenames else None
    for name, value in settings_for_tests(media or tmp_path / "media").items():
        setattr(settings, name, value)


def ensure_default_award_types() -> None:
    """The award types and the base salary the migrations seed are data every test of the
    database may rely on; a
    transactional test empties the tables after it, so they are put back where missing."""
    from django.apps import apps

    from awards.models import AwardType, BaseSalary

    if not AwardType.objects.exists():
        importlib.import_module("awards.migrations.0002_default_award_types").create(apps, None)
    if not AwardType.objects.filter(subject=AwardType.Subject.INDIVIDUAL).exists():
        importlib.import_module("awards.migrations.0016_individual_certificate").create(apps, None)
    if not BaseSalary.objects.exists():
        importlib.import_module("awards.migrations.0014_base_salary_2024").seed(apps, None)


@pytest.fixture(autouse=True)
def _empty_cache(_test_settings: None) -> None:
    """Each test starts with an empty cache: what another test cached (a published ranking, a
    two-factor check) never answers it."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_award_types(request: pytest.FixtureRequest) -> None:
    names = set(request.fixturenames)
    if "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names or request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("db")
    else:
        return
    ensure_default_award_types()


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction undone at the end, whatever happened in it (as Django's TestCase holds the
    data of `setUpTestData`): each test inside runs in a savepoint of its own."""
    atomic = transaction.atomic()
    # Marked as Django marks a test case's own blocks: it stands for the database as committed.
    atomic._from_testcase = True  # type: ignore[attr-defined]
    with atomic:
        yield
        transaction.set_rollback(True)


def _makes_documents(work: Any) -> bool:
    """Work left for after a commit that issues or renders documents (`makes_documents`)."""
    return bool(getattr(work, "makes_documents", False))


@pytest.fixture(autouse=True, scope="session")
def _documents_rendered_after_the_codes_commit() -> Iterator[None]:
    """Issued documents are rendered after the transaction that issued them commits
    (`emulation.issued.AfterIssue`, and a decision's certificates, through
    `transaction.on_commit`). A test wrapped in a
    transaction (the `db` fixture) never commits, so that work is run when the code's own
    outermost block ends without error, which is when it would have committed; the other
    on-commit work (mail) is left to `django_capture_on_commit_callbacks` as before."""
    original_exit = transaction.Atomic.__exit__

    def exit_then_render(self: Any, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        original_exit(self, exc_type, exc_value, traceback)
        if exc_type is not None or getattr(self, "_from_testcase", False):
            return
        connection = transaction.get_connection(self.using)
        if not connection.in_atomic_block or not all(
            getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
        ):
            return
        while ours := [e for e in connection.run_on_commit if _makes_documents(e[1])]:
            connection.run_on_commit = [
                e for e in connection.run_on_commit if not _makes_documents(e[1])
            ]
            for _savepoints, work, _robust in ours:
                work()

    transaction.Atomic.__exit__ = exit_then_render  # type: ignore[method-assign]
    yield
    transaction.Atomic.__exit__ = original_exit  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """The demo data (`seed_demo`), seeded once for the tests of a module and undone after them;
    each test's own changes are undone after it. The folder of the demo's files."""
    media = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(**settings_for_tests(media)),
        rolled_back(),
    ):
        ensure_default_award_types()
        call_command("seed_demo", stdout=io.StringIO())
        yield media


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def as_user(client: Client, world: World) -> Callable[[str], Client]:
    """A client signed in as one of the world's personas (or anonymous)."""

    def sign_in(role: str) -> Client:
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def count_queries() -> Callable[[Callable[[], Any]], int]:
    def run(action: Callable[[], Any]) -> int:
        with CaptureQueriesContext(connection) as context:
            action()
        return len(context.captured_queries)

    return run
