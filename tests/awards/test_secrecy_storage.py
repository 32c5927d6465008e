"""The database observer: someone who reads the database's files while people vote, commit by
commit (SQLite's write-ahead log) or page by page with dead rows (PostgreSQL), sees that a unit or
member voted and a ciphertext, never a choice linked to them; and never the box's private key, its
secret or a teller's code, without which the ciphertexts say nothing (docs/ballot-secrecy.md).

The tests hold the tellers' codes, as the board would, and rebuild the key from them to show that
what the observer saw are the ballots, readable only with the board's codes."""

from __future__ import annotations

import sqlite3
import struct
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from Crypto.Protocol.SecretSharing import Shamir
from django.db import connection, connections
from nacl.public import PrivateKey, SealedBox

from awards.models import Ballot, CouncilSession
from awards.services import ballots, sessions, voting
from awards.services.voting import _box_key, _teller_key
from tests import counting
from tests.awards.matrix_sessions import prepared
from tests.conftest import ensure_default_award_types
from tests.factories import make_ballot, make_council_members, make_leaders, make_world

LINK_TARGETS = {"awards_ballotcandidate", "awards_agendaitem"}
# All that a vote writes: the roll, the sealed ballot, and the audit event that it voted.
VOTE_WRITES = {
    "awards_rollentry",
    "awards_sealedballot",
    "emulation_auditevent",
    "emulation_audithead",
}
KINDS = ["ballot", "session"]


# The vote watched ---------------------------------------------------------------------------------


@dataclass
class Watched:
    """A vote opened by its board, ready for its voters: what the test knows that the observer
    does not (the codes, and who chose what)."""

    vote: Ballot | CouncilSession
    codes: list[str]
    totals_table: str
    cast_all: Callable[[], None]
    finish: Callable[[], None]
    papers: list[bytes] = field(default_factory=list)  # the ballots in clear, in voting order
    totals: dict[int, tuple[int, int]] = field(default_factory=dict)


def _patterns(options: list[int], voters: int) -> list[dict[int, bool]]:
    patterns = [{pk: bool((i >> bit) & 1) for bit, pk in enumerate(options)} for i in range(voters)]
    assert len({tuple(p.items()) for p in patterns}) == voters, "each voter chooses differently"
    return patterns


def _record(watched: Watched, options: list[int], choices: dict[int, bool]) -> None:
    watched.papers.append(voting.encode(choices, options))
    for pk, agree in choices.items():
        agreed, disagreed = watched.totals.get(pk, (0, 0))
        watched.totals[pk] = (agreed + agree, disagreed + (not agree))


def watched_vote(kind: str) -> Watched:
    """A block ballot (4 leaders) or a council vote (4 members present), opened by a board whose
    codes the test keeps."""
    world = make_world()
    if kind == "ballot":
        leaders = make_leaders(world)
        ballot = make_ballot(world, opened=False)
        codes = counting.seat_board(ballot)
        ballot = ballots.open_ballot(ballot, by=world.secretariat)
        options = sorted(ballot.candidates.values_list("pk", flat=True))

        def cast_ballots() -> None:
            for leader, choices in zip(leaders, _patterns(options, 4), strict=True):
                ballots.cast_vote(ballot, by=leader, choices=choices)
                _record(watched, options, choices)

        def count_ballot() -> None:
            closed = ballots.close_ballot(ballot, by=world.secretariat)
            ballots.count_ballot(closed, by=world.secretariat, codes=codes[:2])

        watched = Watched(ballot, codes, "awards_ballotcandidate", cast_ballots, count_ballot)
        return watched
    members = [world.member, *make_council_members(world, 3)]
    session = prepared(world, present=members)
    codes = counting.seat_board(session)
    session = sessions.open_session(session, by=world.staff)
    items = sorted(session.items.values_list("pk", flat=True))

    def cast_votes() -> None:
        for member, choices in zip(members, _patterns(items, 4), strict=True):
            sessions.cast_council_vote(session, by=member, choices=choices)
            _record(watched, items, choices)

    def count_session() -> None:
        closed = sessions.close_session(session, by=world.staff)
        sessions.count_session(closed, by=world.staff, codes=codes[1:])

    watched = Watched(session, codes, "awards_agendaitem", cast_votes, count_session)
    return watched


@dataclass
class Secrets:
    key: PrivateKey
    secret: bytes
    shares: list[bytes]
    codes: list[str]

    def needles(self) -> list[bytes]:
        """Every form in which the board's secrets could be written down."""
        found = [bytes(self.key), self.secret, *self.shares]
        found += [bytes(self.key).hex().encode(), self.secret.hex().encode()]
        for code in self.codes:
            raw = voting.parse_code(code)
            assert raw is not None
            plain = code.replace("-", "")
            found += [
                raw,
                code.encode(),
                plain.encode(),
                plain.lower().encode(),
                raw.hex().encode(),
            ]
        return found


def rebuild(public_key: bytes, tellers: list[tuple[bytes, bytes]], codes: list[str]) -> Secrets:
    """The box's key rebuilt from the tellers' sealed shares (their public key, sealed share) and
    their codes, as the counting table does; the test checks it is the box's."""
    by_public = {bytes(_teller_key(voting.parse_code(c) or b"").public_key): c for c in codes}
    opened = []
    for public, sealed in tellers:
        code = voting.parse_code(by_public[public])
        assert code is not None
        opened.append(SealedBox(_teller_key(code)).decrypt(sealed))
    secret = Shamir.combine([(o[0], o[1:]) for o in opened], ssss=False)
    key = _box_key(secret)
    assert bytes(key.public_key) == public_key, "the codes rebuild the box's key"
    return Secrets(key, secret, [o[1:] for o in opened], codes)


def assert_no_secret_in(data: bytes, secrets: Secrets, where: str) -> None:
    for needle in secrets.needles():
        assert needle not in data, (where, needle)


def opened_papers(secrets: Secrets, sealed: list[bytes], papers: list[bytes]) -> None:
    """The ciphertexts seen are exactly the voters' ballots: each opens with the rebuilt key (and
    with nothing less) to one of them, none of them written in clear."""
    assert len(sealed) == len(papers)
    for ciphertext in sealed:
        assert not any(paper in ciphertext for paper in papers)
        assert len(ciphertext) == len(papers[0]) + 48  # an X25519 key and a MAC: sealed
    opener = SealedBox(secrets.key)
    assert Counter(opener.decrypt(c) for c in sealed) == Counter(papers)


# SQLite: the write-ahead log, commit by commit ----------------------------------------------------


@pytest.fixture
def wal_database(django_db_setup: None, django_db_blocker: Any, tmp_path: Path) -> Iterator[Path]:
    """The test database copied to a file this test's connection uses in WAL mode (as the site
    runs), then put back."""
    if connection.vendor != "sqlite":
        pytest.skip("the write-ahead log read here is SQLite's")
    path = tmp_path / "observed.sqlite3"
    with django_db_blocker.unblock():
        memory = connections["default"]
        with memory.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        on_file = memory.__class__({**memory.settings_dict, "NAME": str(path)}, alias="default")
        connections["default"] = on_file
        try:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal", "the site's init_command puts it in WAL"
            ensure_default_award_types()
            yield path
        finally:
            on_file.close()
            connections["default"] = memory


def _wal_commits(base: bytes, wal: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Replay the log on the main file: for each commit, the database as it was then (a whole
    file) and the frames of that commit."""
    magic, _version, page_size, _seq, salt1, salt2 = struct.unpack(">6I", wal[:24])
    assert magic in (0x377F0682, 0x377F0683), "a write-ahead log"
    pages = {
        n + 1: base[n * page_size : (n + 1) * page_size] for n in range(len(base) // page_size)
    }
    offset, frames = 32, b""
    while offset + 24 + page_size <= len(wal):
        number, size, s1, s2 = struct.unpack(">4I", wal[offset : offset + 16])
        assert (s1, s2) == (salt1, salt2), "the log was never restarted: every frame is read"
        page = wal[offset + 24 : offset + 24 + page_size]
        pages[number] = page
        frames += page
        offset += 24 + page_size
        if size:
            state = bytearray(b"".join(pages.get(n, bytes(page_size)) for n in range(1, size + 1)))
            state[18:20] = b"\x01\x01"  # read the copy without a log of its own
            yield bytes(state), frames
            frames = b""
    assert offset == len(wal)


def _tables(db: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]


def _dump(state: bytes, folder: Path) -> dict[str, Counter[tuple[Any, ...]]]:
    file = folder / "state.sqlite3"
    file.write_bytes(state)
    db = sqlite3.connect(file)
    try:
        return {t: Counter(db.execute(f'SELECT * FROM "{t}"').fetchall()) for t in _tables(db)}
    finally:
        db.close()


def _linked_tables(path: Path) -> set[str]:
    """The tables whose rows point to a candidate or an agenda item (and those two)."""
    db = sqlite3.connect(path)
    try:
        return LINK_TARGETS | {
            table
            for table in _tables(db)
            for fk in db.execute(f'PRAGMA foreign_key_list("{table}")')
            if fk[2] in LINK_TARGETS
        }
    finally:
        db.close()


@pytest.mark.parametrize("kind", KINDS)
def test_the_write_ahead_log_never_links_a_voter_to_a_choice(
    wal_database: Path, tmp_path: Path, kind: str
) -> None:
    watched = watched_vote(kind)
    box = watched.vote.box
    assert box is not None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert cursor.fetchone()[0] == 0, "every earlier write is in the main file"
    # A reader holding its snapshot keeps every later frame in the log: nothing is checkpointed.
    reader = sqlite3.connect(wal_database, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
    base = wal_database.read_bytes()
    try:
        watched.cast_all()
        watched.finish()
        wal = Path(f"{wal_database}-wal").read_bytes()
        assert wal_database.read_bytes() == base, "no frame was copied back: the log has all"
    finally:
        reader.close()

    (tmp_path / "base.sqlite3").write_bytes(base[:18] + b"\x01\x01" + base[20:])
    first = sqlite3.connect(tmp_path / "base.sqlite3")
    tellers = first.execute(
        "SELECT public_key, sealed_share FROM awards_teller WHERE box_id = ? ORDER BY position",
        [box.pk],
    ).fetchall()
    public_key = first.execute(
        "SELECT public_key FROM awards_ballotbox WHERE id = ?", [box.pk]
    ).fetchone()[0]
    first.close()
    secrets = rebuild(bytes(public_key), [(bytes(p), bytes(s)) for p, s in tellers], watched.codes)
    assert bytes(secrets.key.public_key) in base, "the files are read as stored"
    assert_no_secret_in(base, secrets, "the main file")
    assert_no_secret_in(wal, secrets, "the write-ahead log")

    linked = _linked_tables(wal_database)
    before = _dump(base, tmp_path)
    assert linked <= set(before), "the tables exist (no other table points to them any more)"
    sealed_seen: list[bytes] = []
    roll_commits = 0
    counted = False
    for number, (state, frames) in enumerate(_wal_commits(base, wal)):
        assert_no_secret_in(state, secrets, f"commit {number}")
        assert_no_secret_in(frames, secrets, f"the frames of commit {number}")
        after = _dump(state, tmp_path)
        changed = {t for t in after if after[t] != before.get(t, Counter())}
        added = {t: after[t] - before.get(t, Counter()) for t in changed}
        if sum(added.get("awards_rollentry", Counter()).values()):
            roll_commits += 1
            # What the old attack read: the rows a vote's commit wrote. A roll row, a sealed
            # ballot, an audit event: nothing that names a candidate or an item with a choice.
            assert not changed & linked, (number, changed & linked)
            assert changed <= VOTE_WRITES, (number, changed - VOTE_WRITES)
            new_ballots = list(added["awards_sealedballot"])
            assert len(new_ballots) == 1
            sealed_seen += [v for v in new_ballots[0] if isinstance(v, bytes) and len(v) > 32]
        if "awards_ballotbox" in changed and any(
            row[0] == box.pk and "counted" in row for row in after["awards_ballotbox"]
        ):
            counted = True
        if not counted:
            totals = _totals(state, watched.totals_table, tmp_path)
            assert totals == {None}, (number, "no count before the counting commit")
        before = after
    assert roll_commits == 4, "each vote was seen committed on its own"
    assert counted, "the count was seen too"
    assert _totals(state, watched.totals_table, tmp_path) != {None}
    opened_papers(secrets, sealed_seen, watched.papers)
    # After the count the box keeps no ciphertext, and the shares are gone.
    final = _dump(state, tmp_path)
    assert all(
        not any(isinstance(v, bytes) and len(v) > 32 for v in row)
        for row in final["awards_sealedballot"]
    )


def _totals(state: bytes, table: str, folder: Path) -> set[Any]:
    file = folder / "totals.sqlite3"
    file.write_bytes(state)
    db = sqlite3.connect(file)
    try:
        return {
            a for row in db.execute(f"SELECT approvals, disapprovals FROM {table}") for a in row
        }
    finally:
        db.close()


# PostgreSQL: the statements sent, and every page with its dead rows -------------------------------


def _pg_linked_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c"
            " WHERE c.contype = 'f' AND c.confrelid::regclass::text = ANY(%s)",
            [list(LINK_TARGETS)],
        )
        return LINK_TARGETS | {row[0] for row in cursor.fetchall()}


def _raw(value: Any) -> bytes:
    """A parameter as the driver sends it (psycopg wraps bytes in `Binary`)."""
    value = getattr(value, "obj", value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode()


def _xid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint % 4294967296")
        return int(cursor.fetchone()[0])


def _pages(relations_sql: str) -> Iterator[tuple[str, int, bytes]]:
    """Every page of the relations the query names, as stored (dead tuples and all)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.oid::regclass::text, pg_relation_size(c.oid)"
            " / current_setting('block_size')::int FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            f" WHERE {relations_sql}"
        )
        relations = cursor.fetchall()
        for name, blocks in relations:
            for block in range(blocks):
                cursor.execute("SELECT get_raw_page(%s, %s)", [name, block])
                yield name, block, bytes(cursor.fetchone()[0])


def _tuples_written(table: str) -> list[tuple[int, int]]:
    """(xmin, xmax) of every tuple in the table's pages, dead ones included."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", [table]
        )
        for block in range(cursor.fetchone()[0]):
            cursor.execute(
                "SELECT t_xmin::text::bigint, t_xmax::text::bigint"
                " FROM heap_page_items(get_raw_page(%s, %s)) WHERE t_xmin IS NOT NULL",
                [table, block],
            )
            found += [(int(a), int(b)) for a, b in cursor.fetchall()]
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_postgres_statements_and_pages_never_link_a_voter_to_a_choice(
    transactional_db: None, settings: Any, tmp_path: Path, kind: str
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pageinspect and transaction ids are PostgreSQL's")
    settings.MEDIA_ROOT = tmp_path
    ensure_default_award_types()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    watched = watched_vote(kind)
    box = watched.vote.box
    assert box is not None
    tellers = [
        (bytes(t.public_key or b""), bytes(t.sealed_share or b"")) for t in box.tellers.all()
    ]
    secrets = rebuild(bytes(box.public_key or b""), tellers, watched.codes)
    linked = _pg_linked_tables()
    assert linked >= LINK_TARGETS

    statements: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    start = _xid()
    with connection.execute_wrapper(capture):
        watched.cast_all()
    end = _xid()
    voting_statements = list(statements)
    with connection.execute_wrapper(capture):
        watched.finish()

    # The statements: nothing sent names a candidate or an item while people vote, no secret is
    # ever sent, and the sealed ballots sent are the ballots, sealed.
    sealed_sent = []
    for sql, params in voting_statements:
        words = sql.split()
        verb = words[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE"}:
            target = words[2] if verb in {"INSERT", "DELETE"} else words[1]
            assert target.strip('"') not in linked, sql
            assert target.strip('"') in VOTE_WRITES, sql
        if verb == "INSERT" and '"awards_sealedballot"' in sql:
            sealed_sent += [
                _raw(p) for p in params if isinstance(getattr(p, "obj", p), bytes | memoryview)
            ]
    opened_papers(secrets, sealed_sent, watched.papers)
    for sql, params in statements:
        for value in params or ():
            assert_no_secret_in(_raw(value), secrets, sql)

    # The pages, before any VACUUM: no secret anywhere in the database, dead rows included.
    scanned, public_seen = 0, False
    for name, block, page in _pages(
        "n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 't', 'i', 'm')"
    ):
        assert_no_secret_in(page, secrets, f"{name} page {block}")
        public_seen |= bytes(secrets.key.public_key) in page
        scanned += 1
    assert scanned > 50 and public_seen, "the pages are read as stored"
    # No tuple of a table that points to a candidate or an item was written or deleted while
    # people voted; the roll and the box were (the test sees writes when there are some).
    during = range(start + 1, end)
    for table in sorted(linked):
        for xmin, xmax in _tuples_written(table):
            assert xmin not in during and xmax not in during, table
    assert sum(xmin in during for xmin, _x in _tuples_written("awards_rollentry")) == 4
    assert sum(xmin in during for xmin, _x in _tuples_written("awards_sealedballot")) == 4
    vote = type(watched.vote).objects.get(pk=watched.vote.pk)
    assert vote.status == "closed"
