"""What an import file would do: each row checked against the file and the database, and the
steps that would create or change what it describes.

A plan is built the same way for the preview and for the confirmation (then inside the
transaction, with the rows it writes locked), so the confirmed import does what the preview
showed, or refuses when the database changed under it in a way the file no longer fits.

Rules (docs/import.md): rows are matched by code (authorities, units, blocks) or username
(people); a row whose code is new but whose name is that of an existing record without a code
adopts that record. An empty optional cell leaves the stored value as it is. Nothing is ever
deleted. Existing accounts are never changed by an import (an import must not become a way to
take over someone's e-mail address). Reading is done in a fixed number of queries per sheet,
whatever the number of rows.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from blocks.imports.read import Parsed, Problem, Record, parse_date
from blocks.models import (
    Authority,
    Block,
    BlockYear,
    CouncilRole,
    Membership,
    Person,
    Succession,
    Unit,
    UnitRole,
)
from emulation.models import User
from emulation.text import search_key

CREATED, CHANGED, UNCHANGED = "created", "changed", "unchanged"

# A reference to a record: ("id", pk) for one in the database, ("new", code) for one the file
# creates. Steps resolve them when they run, after what they refer to was created.
Ref = tuple[str, Any]


@dataclass
class Row:
    """What one line of the file does, as the preview shows it."""

    sheet: str
    line: int
    key: str
    name: str
    action: str
    details: str = ""


@dataclass
class Step:
    order: tuple[int, int]
    run: Callable[[Any], None]


def _choices(choices: Iterable[tuple[str, Any]], extra: dict[str, str]) -> dict[str, str]:
    """Every way a choice may be written: its value, its English and Vietnamese labels, and the
    usual short forms; keyed accent- and case-free."""
    found: dict[str, str] = {}
    for value, label in choices:
        found[search_key(value)] = value
        for language in ("en", "vi"):
            with translation.override(language):
                found[search_key(str(label))] = value
    return found | {search_key(k): v for k, v in extra.items()}


def _parse_choice(value: str, options: dict[str, str]) -> str:
    return options[search_key(value)]


class Plan:
    """The file checked and turned into steps, for the authority whose staff imports it."""

    def __init__(self, authority: Authority, parsed: Parsed, *, by: User) -> None:
        self.authority = authority
        self.by = by
        self.problems: list[Problem] = list(parsed.problems)
        self.rows: list[Row] = []
        self.steps: list[Step] = []
        self.made: dict[tuple[str, Any], Any] = {}
        self.years_opened = 0
        self.new_units: dict[int, list[tuple[Ref, Ref, Ref | None, dict[str, Any]]]] = {}
        self._authorities(parsed.of("authorities"))
        self._units(parsed.of("units"))
        self._blocks(parsed.of("blocks"))
        self._people(parsed.of("people"))
        self._roles(parsed.of("roles"))
        self._personnel(parsed.of("personnel"))
        self._members(parsed.of("members"))

    # What the plan says -------------------------------------------------------------------

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        counted = Counter(row.action for row in self.rows)
        return {
            CREATED: counted[CREATED],
            CHANGED: counted[CHANGED],
            UNCHANGED: counted[UNCHANGED],
            "problems": len(self.problems),
        }

    def apply(self) -> dict[str, int]:
        """Run every step in order (the caller holds the transaction)."""
        if not self.ok:
            raise ValueError("a plan with problems is not applied")
        for step in sorted(self.steps, key=lambda s: s.order):
            step.run(self)
        return self.counts()

    def _problem(self, record: Record, column: str, message: str) -> None:
        header = record.sheet.header_of(column) if column else ""
        self.problems.append(Problem(record.sheet.title, record.line, header, message))

    def _row(self, record: Record, key: str, name: str, action: str, details: str = "") -> None:
        self.rows.append(Row(record.sheet.title, record.line, key, name, action, details))

    def _step(self, order: tuple[int, int], run: Callable[[Any], None]) -> None:
        self.steps.append(Step(order, run))

    def resolve(self, ref: Ref, model: type[Any]) -> Any:
        if ref[0] == "id":
            key = (model.__name__, ref[1])
            if key not in self.made:
                self.made[key] = model.objects.get(pk=ref[1])
            return self.made[key]
        return self.made[(model.__name__, ref)]

    def _duplicate(
        self, record: Record, column: str, key: Any, seen: dict[Any, int], what: str
    ) -> bool:
        if key in seen:
            self._problem(
                record,
                column,
                _("%(what)s “%(value)s” is already on line %(line)d.")
                % {"what": what, "value": record.text(column), "line": seen[key]},
            )
            return True
        seen[key] = record.line
        return False

    # Authorities ----------------------------------------------------------------------------

    def _authorities(self, records: list[Record]) -> None:
        everything = list(Authority.objects.all())
        children: dict[int | None, list[Authority]] = defaultdict(list)
        for a in everything:
            children[a.parent_id].append(a)
        scope: dict[int, Authority] = {}
        stack = [self.authority]
        while stack:
            current = stack.pop()
            scope[current.pk] = current
            stack += children[current.pk]
        by_code = {a.code: a for a in everything if a.code}
        by_name = {a.name: a for a in everything}
        # Authority codes the other sheets may name, and what they stand for.
        self.authority_refs: dict[str, Ref] = {
            a.code: ("id", a.pk) for a in scope.values() if a.code
        }
        self.scope_ids = set(scope)
        levels = _choices(Authority.Level.choices, {"tỉnh": "provincial", "tw": "central"})
        seen: dict[str, int] = {}
        good: list[tuple[Record, Authority | None, dict[str, Any]]] = []
        names: dict[str, int] = {}
        for record in records:
            code = record.text("code")
            if not code or self._duplicate(record, "code", code, seen, _("The code")):
                continue
            if self._duplicate(record, "name", record.text("name"), names, _("The name")):
                continue
            existing = by_code.get(code)
            if (
                existing is None
                and not self.authority.code
                and self.authority.name == record.text("name")
            ):
                existing = self.authority
            if existing is None and record.text("name") in by_name:
                named = by_name[record.text("name")]
                if named.pk in scope and not named.code:
                    existing = named
                else:
                    self._problem(
                        record,
                        "name",
                        _("An authority with this name already exists under another code."),
                    )
                    continue
            if existing is not None and existing.pk not in scope:
                self._problem(
                    record,
                    "code",
                    _("This authority is not yours or one under it; an import cannot change it."),
                )
                continue
            values: dict[str, Any] = {
                "code": code,
                "name": record.text("name"),
                "short_name": record.text("short_name"),
                "place": record.text("place"),
            }
            try:
                values["level"] = _parse_choice(record.text("level"), levels)
            except KeyError:
                self._problem(
                    record, "level", _("Write “Trung ương” (central) or “Cấp tỉnh” (provincial).")
                )
                continue
            self.authority_refs[code] = ("id", existing.pk) if existing else ("new", code)
            good.append((record, existing, values))
        # Parents, once every code of the file is known.
        parents: dict[str, str] = {}
        for record, existing, values in good:
            parent = record.text("parent")
            if existing is not None and existing.pk == self.authority.pk:
                above = self.authority.parent.code if self.authority.parent else ""
                if parent and parent != above:
                    self._problem(
                        record,
                        "parent",
                        _("The authority you import for cannot be moved under another one."),
                    )
                values["parent"] = ("keep", None)
                continue
            if not parent:
                self._problem(
                    record,
                    "parent",
                    _("Name the authority this one is under (yours, or one under it)."),
                )
                continue
            if parent not in self.authority_refs:
                self._problem(
                    record,
                    "parent",
                    _("No authority has the code “%(code)s” in this file or under yours.")
                    % {"code": parent},
                )
                continue
            if parent == values["code"]:
                self._problem(record, "parent", _("An authority cannot be under itself."))
                continue
            parents[values["code"]] = parent
            values["parent"] = self.authority_refs[parent]
        lines = {values["code"]: record for record, _e, values in good}
        for code in _in_cycles(parents):
            self._problem(
                lines[code],
                "parent",
                _("The authorities under one another go round in a circle."),
            )
        depth = _depths(parents)
        for record, existing, values in good:
            if "parent" not in values:
                continue
            self._plan_authority(record, existing, values, depth.get(values["code"], 0))

    def _plan_authority(
        self, record: Record, existing: Authority | None, values: dict[str, Any], depth: int
    ) -> None:
        parent_ref = values.pop("parent")
        fields = {k: v for k, v in values.items() if v != "" or existing is None}
        if existing is None:
            self._row(record, values["code"], values["name"], CREATED)

            def create(plan: Plan) -> None:
                from blocks.imports import services

                parent = plan.resolve(parent_ref, Authority)
                plan.made[("Authority", ("new", values["code"]))] = services.create_authority(
                    by=plan.by, parent=parent, **fields
                )

            self._step((0, depth), create)
            return
        changes = {k: v for k, v in fields.items() if getattr(existing, k) != v}
        if parent_ref[0] == "id" and existing.parent_id != parent_ref[1]:
            changes["parent_id"] = parent_ref[1]
        if parent_ref[0] == "new":
            changes["parent"] = parent_ref
        if not changes:
            self._row(record, values["code"], existing.name, UNCHANGED)
            return
        self._row(record, values["code"], existing.name, CHANGED, _describe(changes, Authority))

        def change(plan: Plan) -> None:
            from blocks.imports import services

            resolved = dict(changes)
            if "parent" in resolved:
                resolved["parent"] = plan.resolve(resolved["parent"], Authority)
            services.update_authority(existing, by=plan.by, **resolved)

        self._step((0, depth), change)

    def _authority_ref(self, record: Record, column: str = "authority") -> Ref | None:
        code = record.text(column)
        if not code:
            return ("id", self.authority.pk)
        ref = self.authority_refs.get(code)
        if ref is None:
            self._problem(
                record,
                column,
                _("No authority has the code “%(code)s” in this file or under yours.")
                % {"code": code},
            )
        return ref

    def _match_coded(
        self,
        record: Record,
        by_code: dict[tuple[Ref, str], Any],
        by_name: dict[tuple[Ref, str], Any],
        seen: dict[str, int],
        names: dict[tuple[Ref, str], int],
        taken: str,
    ) -> tuple[str, Ref, str, Any] | None:
        """A unit's or a block's row matched to what exists: by its code within its authority,
        else by its name when the named one has no code yet (it is given this one). None, with
        the problem noted, for a code or name given twice, an unknown authority, or a name taken
        by another code (`taken`, with %(code)s)."""
        code = record.text("code")
        if not code or self._duplicate(record, "code", code, seen, _("The code")):
            return None
        authority = self._authority_ref(record)
        if authority is None:
            return None
        name = record.text("name")
        if self._duplicate(record, "name", (authority, name), names, _("The name")):
            return None
        found = by_code.get((authority, code))
        if found is None:
            named = by_name.get((authority, name))
            if named is not None and named.code:
                self._problem(record, "name", taken % {"code": named.code})
                return None
            found = named
        return code, authority, name, found

    # Units ------------------------------------------------------------------------------

    def _units(self, records: list[Record]) -> None:
        existing = list(Unit.objects.filter(authority__in=self.scope_ids))
        self.existing_units = {u.pk: u for u in existing}
        by_code: dict[tuple[Ref, str], Unit] = {}
        by_name: dict[tuple[Ref, str], Unit] = {}
        codes: dict[str, list[Unit]] = defaultdict(list)
        for u in existing:
            ref: Ref = ("id", u.authority_id)
            if u.code:
                by_code[(ref, u.code)] = u
                codes[u.code].append(u)
            by_name[(ref, u.name)] = u
        kinds = _choices(Unit.Kind.choices, {})
        # Codes the other sheets may name: the file's first, then the database's (in scope).
        self.unit_refs: dict[str, tuple[Ref, Ref]] = {}  # code -> (unit, its authority)
        ambiguous = {code for code, units in codes.items() if len(units) > 1}
        for code, units in codes.items():
            if code not in ambiguous:
                self.unit_refs[code] = (("id", units[0].pk), ("id", units[0].authority_id))
        self.ambiguous_units = ambiguous
        self.unit_dates: dict[Ref, tuple[datetime.date | None, datetime.date | None]] = {
            ("id", u.pk): (u.active_from, u.active_to) for u in existing
        }
        seen: dict[str, int] = {}
        names: dict[tuple[Ref, str], int] = {}
        good: list[tuple[Record, Unit | None, Ref, dict[str, Any]]] = []
        for record in records:
            matched = self._match_coded(
                record,
                by_code,
                by_name,
                seen,
                names,
                _("A unit with this name already exists, with the code “%(code)s”."),
            )
            if matched is None:
                continue
            code, authority, name, unit = matched
            values: dict[str, Any] = {
                "code": code,
                "name": name,
                "short_name": record.text("short_name") or ("" if unit else name),
            }
            try:
                values["kind"] = _parse_choice(record.text("kind"), kinds)
            except KeyError:
                self._problem(
                    record,
                    "kind",
                    _("Write one of: %(choices)s.") % {"choices": _labels(Unit.Kind.choices)},
                )
                continue
            try:
                values["active_from"] = parse_date(record.cells.get("active_from"))
                values["active_to"] = parse_date(record.cells.get("active_to"))
                effective = parse_date(record.cells.get("effective_date"))
            except ValueError as error:
                self._problem(record, "", str(error))
                continue
            start = values["active_from"] or (unit.active_from if unit else None)
            end = values["active_to"] or (unit.active_to if unit else None)
            if start and end and end < start:
                self._problem(
                    record, "active_to", _("The end date cannot be before the start date.")
                )
                continue
            own: Ref = ("id", unit.pk) if unit else ("new", code)
            self.unit_refs[code] = (own, authority)
            self.ambiguous_units.discard(code)
            self.unit_dates[own] = (start, end)
            values["effective_date"] = effective
            good.append((record, unit, authority, values))
        # Parents and predecessors, once every code of the file is known.
        parents: dict[Ref, Ref] = {
            ("id", u.pk): ("id", u.parent_id) for u in existing if u.parent_id
        }
        lineage: dict[Ref, set[Ref]] = defaultdict(set)
        for succession in Succession.objects.filter(
            successor__authority__in=self.scope_ids
        ).values_list("successor", "predecessor"):
            lineage[("id", succession[0])].add(("id", succession[1]))
        planned: list[tuple[Record, Unit | None, Ref, dict[str, Any], list[Ref]]] = []
        line_of: dict[Ref, Record] = {}
        successions = _choices(
            Succession.Kind.choices, {"sáp nhập": "merge", "hợp nhất": "merge", "tách": "split"}
        )
        for record, unit, authority, values in good:
            own = self.unit_refs[values["code"]][0]
            line_of[own] = record
            parent_code = record.text("parent")
            if parent_code:
                parent = self._unit_ref(record, "parent")
                if parent is None:
                    continue
                if parent[0] == own:
                    self._problem(record, "parent", _("A unit cannot be under itself."))
                    continue
                if parent[1] != authority:
                    self._problem(
                        record,
                        "parent",
                        _("The unit above must belong to the same authority."),
                    )
                    continue
                parents[own] = parent[0]
                values["parent"] = parent[0]
            predecessors: list[Ref] = []
            bad = False
            for code in _codes(record.text("predecessors")):
                found = self._unit_ref(record, "predecessors", code)
                if found is None:
                    bad = True
                elif found[0] == own:
                    self._problem(record, "predecessors", _("A unit cannot succeed itself."))
                    bad = True
                else:
                    predecessors.append(found[0])
            if bad:
                continue
            if predecessors:
                try:
                    values["succession"] = _parse_choice(
                        record.text("succession") or "merge", successions
                    )
                except KeyError:
                    self._problem(
                        record, "succession", _("Write “Sáp nhập” (merge) or “Chia tách” (split).")
                    )
                    continue
                values["effective_date"] = values["effective_date"] or values["active_from"]
                if values["effective_date"] is None:
                    self._problem(
                        record,
                        "effective_date",
                        _("Give the date from which the unit continues its predecessors."),
                    )
                    continue
                lineage[own] |= set(predecessors)
            planned.append((record, unit, authority, values, predecessors))
        for ref in _in_cycles(parents):
            if ref in line_of:
                self._problem(
                    line_of[ref], "parent", _("The units above one another go round in a circle.")
                )
        for ref in _in_cycles_many(lineage):
            if ref in line_of:
                self._problem(
                    line_of[ref],
                    "predecessors",
                    _("The predecessors go round in a circle: a unit would precede itself."),
                )
        depth = _depths(parents)
        existing_pairs = set(
            Succession.objects.filter(successor__authority__in=self.scope_ids).values_list(
                "successor", "predecessor"
            )
        )
        for record, unit, authority, values, predecessors in planned:
            own = self.unit_refs[values["code"]][0]
            new_pairs = [
                p
                for p in predecessors
                if not (own[0] == "id" and p[0] == "id" and (own[1], p[1]) in existing_pairs)
            ]
            self._plan_unit(record, unit, authority, values, new_pairs, depth.get(own, 0))

    def _plan_unit(
        self,
        record: Record,
        unit: Unit | None,
        authority: Ref,
        values: dict[str, Any],
        predecessors: list[Ref],
        depth: int,
    ) -> None:
        succession = values.pop("succession", Succession.Kind.MERGE)
        effective = values.pop("effective_date")
        parent = values.pop("parent", None)
        own: Ref = ("id", unit.pk) if unit else ("new", values["code"])
        fields = {k: v for k, v in values.items() if v not in ("", None)}
        details: list[str] = []
        if unit is None:
            action = CREATED
            # New units are created together, a level of the tree at a time (parents first).
            if depth not in self.new_units:
                self.new_units[depth] = []
                batch = self.new_units[depth]

                def create(plan: Plan) -> None:
                    from blocks.imports import services

                    made = services.create_units(
                        [
                            {
                                "authority": plan.resolve(authority, Authority),
                                "parent": plan.resolve(parent, Unit) if parent else None,
                                **fields,
                            }
                            for _own, authority, parent, fields in batch
                        ],
                        by=plan.by,
                    )
                    for (own, *_rest), unit in zip(batch, made, strict=True):
                        plan.made[("Unit", own)] = unit

                self._step((1, depth), create)
            self.new_units[depth].append((own, authority, parent, fields))
        else:
            changes = {k: v for k, v in fields.items() if getattr(unit, k) != v}
            if parent is not None and (parent[0] == "new" or parent[1] != unit.parent_id):
                changes["parent"] = parent
            action = CHANGED if changes else UNCHANGED
            if changes:
                details.append(_describe(changes, Unit))

                def change(plan: Plan) -> None:
                    from blocks import services

                    resolved = dict(changes)
                    if "parent" in resolved:
                        resolved["parent"] = plan.resolve(resolved["parent"], Unit)
                    services.update_unit(plan.resolve(own, Unit), by=plan.by, **resolved)

                self._step((1, depth), change)
        if predecessors:
            if action == UNCHANGED:
                action = CHANGED
            details.append(_("predecessors: %(count)d") % {"count": len(predecessors)})

            def succeed(plan: Plan) -> None:
                from blocks.imports import services

                services.record_succession(
                    [plan.resolve(p, Unit) for p in predecessors],
                    plan.resolve(own, Unit),
                    by=plan.by,
                    kind=succession,
                    effective_date=effective,
                )

            self._step((2, 0), succeed)
        self._row(record, values["code"], values["name"], action, "; ".join(details))

    def _unit_ref(
        self, record: Record, column: str, code: str | None = None
    ) -> tuple[Ref, Ref] | None:
        """(unit, its authority) for a unit code named in a row, or None after a problem."""
        code = code if code is not None else record.text(column)
        if code in self.ambiguous_units:
            self._problem(
                record,
                column,
                _(
                    "Several units of different authorities have the code “%(code)s”; list the"
                    " unit in the units sheet to say which."
                )
                % {"code": code},
            )
            return None
        found = self.unit_refs.get(code)
        if found is None:
            self._problem(
                record,
                column,
                _("No unit has the code “%(code)s” in this file or under your authority.")
                % {"code": code},
            )
        return found

    # Blocks -----------------------------------------------------------------------------

    def _blocks(self, records: list[Record]) -> None:
        existing = list(Block.objects.filter(authority__in=self.scope_ids))
        by_code = {(("id", b.authority_id), b.code): b for b in existing if b.code}
        by_name = {(("id", b.authority_id), b.name): b for b in existing}
        self.block_refs: dict[str, tuple[Ref, Ref]] = {}
        codes = Counter(b.code for b in existing if b.code)
        for b in existing:
            if b.code and codes[b.code] == 1:
                self.block_refs[b.code] = (("id", b.pk), ("id", b.authority_id))
        kinds = _choices(Block.Kind.choices, {"khối": "block", "cụm": "cluster"})
        seen: dict[str, int] = {}
        names: dict[tuple[Ref, str], int] = {}
        for record in records:
            matched = self._match_coded(
                record,
                by_code,
                by_name,
                seen,
                names,
                _("A block with this name already exists, with the code “%(code)s”."),
            )
            if matched is None:
                continue
            code, authority, name, block = matched
            values: dict[str, Any] = {
                "code": code,
                "name": name,
                "short_name": record.text("short_name"),
                "description": record.text("description"),
            }
            try:
                values["kind"] = _parse_choice(record.text("kind") or "block", kinds)
            except KeyError:
                self._problem(record, "kind", _("Write “Khối” (block) or “Cụm” (cluster)."))
                continue
            own: Ref = ("id", block.pk) if block else ("new", code)
            self.block_refs[code] = (own, authority)
            self._plan_block(record, block, authority, values, own)

    def _plan_block(
        self, record: Record, block: Block | None, authority: Ref, values: dict[str, Any], own: Ref
    ) -> None:
        if block is None:
            fields = {k: v for k, v in values.items() if v != ""}
            if not record.text("kind"):
                fields["kind"] = Block.Kind.BLOCK
            self._row(record, values["code"], values["name"], CREATED)

            def create(plan: Plan) -> None:
                from blocks import services

                plan.made[("Block", own)] = services.create_block(
                    by=plan.by, authority=plan.resolve(authority, Authority), **fields
                )

            self._step((3, 0), create)
            return
        fields = {k: v for k, v in values.items() if v != ""}
        if not record.text("kind"):
            fields.pop("kind")
        changes = {k: v for k, v in fields.items() if getattr(block, k) != v}
        if not changes:
            self._row(record, values["code"], values["name"], UNCHANGED)
            return
        self._row(record, values["code"], values["name"], CHANGED, _describe(changes, Block))

        def change(plan: Plan) -> None:
            from blocks import services

            services.update_block(block, by=plan.by, **changes)

        self._step((3, 0), change)

    # People -----------------------------------------------------------------------------

    def _people(self, records: list[Record]) -> None:
        usernames = {r.text("username").casefold() for r in records}
        emails = {r.text("email").casefold() for r in records}
        found = User.objects.annotate(lower_name=Lower("username"), lower_email=Lower("email"))
        by_username = {u.lower_name: u for u in found.filter(lower_name__in=usernames)}  # type: ignore[attr-defined]
        by_email = {
            u.lower_email: u  # type: ignore[attr-defined]
            for u in found.filter(lower_email__in=emails - {""})
        }
        self.people: dict[str, Ref] = {}
        validator = UnicodeUsernameValidator()
        seen: dict[str, int] = {}
        seen_emails: dict[str, int] = {}
        invites: list[dict[str, str]] = []
        for record in records:
            username = record.text("username")
            if not username:
                continue
            if self._duplicate(record, "username", username.casefold(), seen, _("The username")):
                continue
            try:
                validator(username)
                if len(username) > 150:
                    raise ValidationError("")
            except ValidationError:
                self._problem(
                    record,
                    "username",
                    _(
                        "A username has at most 150 letters, digits and the signs @ . + - _,"
                        " without spaces."
                    ),
                )
                continue
            email = record.text("email")
            try:
                validate_email(email)
            except ValidationError:
                self._problem(
                    record, "email", _("“%(value)s” is not an e-mail address.") % {"value": email}
                )
                continue
            if self._duplicate(
                record, "email", email.casefold(), seen_emails, _("The e-mail address")
            ):
                continue
            person = by_username.get(username.casefold())
            owner = by_email.get(email.casefold())
            if owner is not None and (person is None or owner.pk != person.pk):
                self._problem(
                    record, "email", _("Another account already uses this e-mail address.")
                )
                continue
            full_name = record.text("full_name")
            if person is not None:
                self.people[username.casefold()] = ("id", person.pk)
                same = (person.full_name, person.email.casefold(), person.phone) == (
                    full_name,
                    email.casefold(),
                    record.text("phone") or person.phone,
                )
                self._row(
                    record,
                    username,
                    person.full_name,
                    UNCHANGED,
                    "" if same else _("The account exists; an import does not change accounts."),
                )
                continue
            own: Ref = ("new", username.casefold())
            self.people[username.casefold()] = own
            values = {
                "username": username,
                "full_name": full_name,
                "email": email,
                "phone": record.text("phone")[:20],
            }
            self._row(record, username, full_name, CREATED, _("an invitation will be e-mailed"))
            invites.append(values)
        if invites:

            def create(plan: Plan) -> None:
                from blocks.imports import services

                for person in services.invite_people(invites, by=plan.by):
                    plan.made[("User", ("new", person.username.casefold()))] = person

            self._step((4, 0), create)

    # Unit roles ---------------------------------------------------------------------------

    def _roles(self, records: list[Record]) -> None:
        roles = _choices(
            UnitRole.Role.choices,
            {"thủ trưởng": "leader", "lãnh đạo đơn vị": "leader", "cán bộ": "officer"},
        )
        names = {r.text("username").casefold() for r in records} - set(self.people)
        for user in User.objects.annotate(lower_name=Lower("username")).filter(
            lower_name__in=names
        ):
            self.people[user.lower_name] = ("id", user.pk)  # type: ignore[attr-defined]
        people = [ref[1] for ref in self.people.values() if ref[0] == "id"]
        existing = {
            (("id", r.user_id), ("id", r.unit_id), r.role): r
            for r in UnitRole.objects.filter(user__in=people, unit__authority__in=self.scope_ids)
        }
        councils = set(CouncilRole.objects.filter(user__in=people).values_list("user", "authority"))
        seen: dict[Any, int] = {}
        grants: list[tuple[Ref, Ref, str, str]] = []
        for record in records:
            username = record.text("username")
            person = self.people.get(username.casefold())
            if person is None:
                self._problem(
                    record,
                    "username",
                    _("No account has this username, in the people sheet or on the site."),
                )
                continue
            if username.casefold() == self.by.username.casefold():
                self._problem(
                    record,
                    "username",
                    _(
                        "No one can give a role to themselves. Ask another person who manages roles."
                    ),
                )
                continue
            found = self._unit_ref(record, "unit")
            if found is None:
                continue
            unit, authority = found
            try:
                role = _parse_choice(record.text("role"), roles)
            except KeyError:
                self._problem(
                    record,
                    "role",
                    _("Write one of: %(choices)s.") % {"choices": _labels(UnitRole.Role.choices)},
                )
                continue
            if self._duplicate(record, "role", (person, unit, role), seen, _("The role")):
                continue
            if person[0] == "id" and authority[0] == "id" and (person[1], authority[1]) in councils:
                self._problem(
                    record,
                    "username",
                    _(
                        "This person serves the unit's authority as council staff or member and"
                        " cannot also hold a role in one of its units."
                    ),
                )
                continue
            title = record.text("title")
            key = f"{username} – {record.text('unit')}"
            label = str(UnitRole.Role(role).label)
            current = existing.get((person, unit, role))
            if current is None:
                self._row(record, key, label, CREATED)
                grants.append((unit, person, role, title))
            elif title and current.title != title:
                self._row(record, key, label, CHANGED, _describe({"title": title}, UnitRole))

                def change(plan: Plan, current: UnitRole = current, title: str = title) -> None:
                    from emulation import audit

                    audit.change(
                        current, {"title": title}, by=plan.by, action="blocks.unitrole.changed"
                    )

                self._step((5, 0), change)
            else:
                self._row(record, key, label, UNCHANGED)
        if grants:

            def grant(plan: Plan) -> None:
                from blocks.imports import services

                services.grant_unit_roles(
                    [
                        (plan.resolve(unit, Unit), plan.resolve(person, User), role, title)
                        for unit, person, role, title in grants
                    ],
                    by=plan.by,
                )

            self._step((5, 0), grant)

    # The people of units (records, not accounts) ---------------------------------------------

    def _year_cell(self, record: Record, column: str) -> int | bool | None:
        """A year in a cell: None when empty, False (after a problem) when not a plausible year."""
        text = record.text(column)
        if not text:
            return None
        if not text.isdigit() or not 1900 <= int(text) <= 2100:
            self._problem(record, column, _("Write a year such as 1985."))
            return False
        return int(text)

    def _personnel(self, records: list[Record]) -> None:
        """People of units, matched by their unit and code: a new code is a new record, a known
        one is changed where the file differs (an empty optional cell changes nothing)."""
        if not records:
            return
        existing = {
            (("id", p.unit_id), p.code): p
            for p in Person.objects.filter(unit__authority__in=self.scope_ids).exclude(code="")
        }
        genders = _choices(Person.Gender.choices, {"nam": "male", "nữ": "female"})
        seen: dict[Any, int] = {}
        new: list[tuple[Ref, dict[str, Any]]] = []
        for record in records:
            found = self._unit_ref(record, "unit")
            if found is None:
                continue
            unit = found[0]
            code = record.text("code")
            if self._duplicate(record, "code", (unit, code), seen, _("The code")):
                continue
            values: dict[str, Any] = {
                "full_name": record.text("full_name"),
                "title": record.text("title"),
            }
            if record.text("gender"):
                try:
                    values["gender"] = _parse_choice(record.text("gender"), genders)
                except KeyError:
                    self._problem(record, "gender", _("Write “Nam” (male) or “Nữ” (female)."))
                    continue
            years = {
                name: self._year_cell(record, name) for name in ("birth_year", "serving_since")
            }
            if any(value is False for value in years.values()):
                continue
            values |= {name: value for name, value in years.items() if value is not None}
            key = f"{record.text('unit')} – {code}"
            person = existing.get((unit, code))
            if person is None:
                self._row(record, key, values["full_name"], CREATED)
                new.append((unit, {"code": code, **values}))
                continue
            changes = {k: v for k, v in values.items() if getattr(person, k) != v}
            if not changes:
                self._row(record, key, values["full_name"], UNCHANGED)
                continue
            self._row(record, key, values["full_name"], CHANGED, _describe(changes, Person))

            def change(
                plan: Plan, person: Person = person, changes: dict[str, Any] = changes
            ) -> None:
                from emulation import audit

                audit.change(person, changes, by=plan.by, action="blocks.person.changed")

            self._step((5, 1), change)
        if new:

            def create(plan: Plan) -> None:
                from blocks.imports import services

                services.create_unit_people(
                    [{"unit": plan.resolve(unit, Unit), **values} for unit, values in new],
                    by=plan.by,
                )

            self._step((5, 1), create)

    # Members of each year ---------------------------------------------------------------------

    def _members(self, records: list[Record]) -> None:
        roles = _choices(
            Membership.Role.choices,
            {"trưởng": "head", "phó khối": "deputy", "phó": "deputy", "khối phó": "deputy"},
        )
        wanted: list[tuple[Record, Ref, Ref, int, Ref, str, datetime.date]] = []
        seen: dict[Any, int] = {}
        for record in records:
            block_found = self._block_ref(record)
            unit_found = self._unit_ref(record, "unit") if record.text("unit") else None
            try:
                year = int(record.text("year"))
                if not 2000 <= year <= 2100:
                    raise ValueError
            except ValueError:
                self._problem(record, "year", _("Write a year between 2000 and 2100."))
                continue
            if block_found is None or unit_found is None:
                continue
            block, block_authority = block_found
            unit, unit_authority = unit_found
            if block_authority != unit_authority:
                self._problem(record, "unit", _("The unit belongs to another authority."))
                continue
            try:
                role = _parse_choice(record.text("role") or "member", roles)
                joined_on = parse_date(record.cells.get("joined_on"))
            except KeyError:
                self._problem(
                    record,
                    "role",
                    _("Write one of: %(choices)s.") % {"choices": _labels(Membership.Role.choices)},
                )
                continue
            except ValueError as error:
                self._problem(record, "joined_on", str(error))
                continue
            start, end = self.unit_dates.get(unit, (None, None))
            first_day = datetime.date(year, 1, 1)
            joined_on = joined_on or max(first_day, start or first_day)
            if joined_on.year != year:
                self._problem(
                    record, "joined_on", _("The date must fall within %(year)s.") % {"year": year}
                )
                continue
            if (start and joined_on < start) or (end and joined_on > end):
                self._problem(
                    record, "joined_on", _("The unit is not active on the day it would join.")
                )
                continue
            if self._duplicate(record, "unit", (block, year, unit), seen, _("The unit")):
                continue
            wanted.append((record, block, block_authority, year, unit, role, joined_on))
        known_blocks = {b[1] for _r, b, *_rest in wanted if b[0] == "id"}
        years = {
            (("id", y.block_id), y.year): y
            for y in BlockYear.objects.filter(
                block__in=known_blocks, year__in={w[3] for w in wanted}
            )
        }
        memberships = {
            (("id", m.block_year.block_id), m.block_year.year, ("id", m.unit_id)): m
            for m in Membership.objects.filter(
                block_year__in=[y.pk for y in years.values()]
            ).select_related("block_year")
        }
        by_year: dict[tuple[Ref, int], list[tuple[Record, Ref, str, datetime.date]]] = defaultdict(
            list
        )
        for record, block, _a, year, unit, role, joined_on in wanted:
            block_year = years.get((block, year))
            if block_year is not None and block_year.is_archived:
                self._problem(
                    record,
                    "year",
                    _("The year %(year)d of this block is archived: it can no longer change.")
                    % {"year": year},
                )
                continue
            by_year[(block, year)].append((record, unit, role, joined_on))
        for (block, year), rows in by_year.items():
            self._plan_year(block, year, years.get((block, year)), rows, memberships)

    def _plan_year(
        self,
        block: Ref,
        year: int,
        block_year: BlockYear | None,
        rows: list[tuple[Record, Ref, str, datetime.date]],
        memberships: dict[Any, Membership],
    ) -> None:
        heads = [r for r in rows if r[2] == Membership.Role.HEAD]
        deputies = [r for r in rows if r[2] == Membership.Role.DEPUTY]
        if len(heads) > 1:
            for record, *_rest in heads[1:]:
                self._problem(record, "role", _("A block has one head a year."))
            return
        if len(deputies) > 2:
            for record, *_rest in deputies[2:]:
                self._problem(record, "role", _("A block has at most two deputy heads."))
            return
        current = {unit: m for (b, y, unit), m in memberships.items() if b == block and y == year}
        names_leadership = bool(heads or deputies)
        head: Ref | None = heads[0][1] if heads else None
        if names_leadership and head is None:
            head = next((u for u, m in current.items() if m.role == Membership.Role.HEAD), None)
            if head is None:
                self._problem(
                    deputies[0][0], "role", _("Name the year's head as well as its deputies.")
                )
                return
        additions: list[tuple[Ref, datetime.date]] = []
        for record, unit, role, joined_on in rows:
            membership = current.get(unit)
            key = f"{record.text('block')} {year} – {record.text('unit')}"
            label = str(Membership.Role(role).label)
            if membership is None:
                self._row(record, key, label, CREATED)
                additions.append((unit, joined_on))
                continue
            if membership.left_on is not None and role != Membership.Role.MEMBER:
                self._problem(
                    record, "role", _("The unit has left the block this year; it cannot lead it.")
                )
                continue
            if names_leadership and membership.role != role:
                self._row(record, key, label, CHANGED, _describe({"role": label}, Membership))
            else:
                self._row(record, key, label, UNCHANGED)
        leadership_changes = names_leadership and (
            any(current.get(u) is None for u in [head, *(d[1] for d in deputies)])
            or {u for u, m in current.items() if m.role == Membership.Role.HEAD} != {head}
            or {u for u, m in current.items() if m.role == Membership.Role.DEPUTY}
            != {d[1] for d in deputies}
        )
        if block_year is None:
            self.years_opened += 1
        if not additions and not leadership_changes:
            return
        deputy_refs = [d[1] for d in deputies]

        def run(plan: Plan) -> None:
            from blocks import services

            if block_year is None:
                opened = services.create_block_year(
                    plan.resolve(block, Block), by=plan.by, year=year, copy_members=False
                )
            else:
                opened = block_year
            if additions:
                from blocks.imports import services as imports

                imports.add_members(
                    opened,
                    [(plan.resolve(unit, Unit), joined_on) for unit, joined_on in additions],
                    by=plan.by,
                )
            if leadership_changes and head is not None:
                services.set_leadership(
                    opened,
                    by=plan.by,
                    head=plan.resolve(head, Unit),
                    deputies=[plan.resolve(d, Unit) for d in deputy_refs],
                    reason=_("Imported from a spreadsheet"),
                )

        self._step((6, 0), run)

    def _block_ref(self, record: Record) -> tuple[Ref, Ref] | None:
        code = record.text("block")
        found = self.block_refs.get(code)
        if found is None and code:
            self._problem(
                record,
                "block",
                _("No block has the code “%(code)s” in this file or under your authority.")
                % {"code": code},
            )
        return found


# Helpers --------------------------------------------------------------------------------------


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _labels(choices: Iterable[tuple[str, Any]]) -> str:
    with translation.override("vi"):
        return ", ".join(f"“{label}”" for _v, label in choices)


def _describe(changes: dict[str, Any], model: type[Any]) -> str:
    """What a row changes, in words: each field's name as the model calls it, and its new
    value."""
    shown = []
    for name, value in changes.items():
        if isinstance(value, tuple):
            value = value[1]
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        field_name = name.removesuffix("_id")
        try:
            label = str(model._meta.get_field(field_name).verbose_name)
        except FieldDoesNotExist:
            label = field_name
        shown.append(f"{label}: {value}")
    return "; ".join(shown)


def _in_cycles(parents: dict[Any, Any]) -> set[Any]:
    """The keys that lie on a circle of `parents` (each key's one parent)."""
    return _in_cycles_many({k: {v} for k, v in parents.items()})


def _in_cycles_many(graph: dict[Any, set[Any]]) -> set[Any]:
    """The nodes that lie on a cycle of `graph` (Tarjan's strongly connected components)."""
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    on_stack: set[Any] = set()
    stack: list[Any] = []
    found: set[Any] = set()
    counter = 0
    for root in list(graph):
        if root in index:
            continue
        work = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found |= set(component)
    return found


def _depths(parents: dict[Any, Any]) -> dict[Any, int]:
    """How many parents lie above each key, so that parents are created before their children
    (on a circle the count stops; such a plan is refused anyway)."""
    depth: dict[Any, int] = {}
    for key in parents:
        count, current = 0, key
        while current in parents and count <= len(parents):
            current = parents[current]
            count += 1
        depth[key] = count
    return depth
