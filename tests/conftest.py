from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import World, make_world


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    # Tests run without collectstatic and over plain HTTP.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads and issued documents stay out of var/
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background work (e-mail) runs at once, in the test, after the commit it waits for.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: what another test cached (a published ranking, a
    two-factor check) never answers it."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_award_types(request: pytest.FixtureRequest) -> None:
    """The award types a migration seeds are data every test of the database may rely on; a
    transactional test empties the tables after it, so they are put back where missing."""
    names = set(request.fixturenames)
    if "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from awards.models import AwardType

    if not AwardType.objects.exists():
        from django.apps import apps

        importlib.import_module("awards.migrations.0002_default_award_types").create(apps, None)


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
