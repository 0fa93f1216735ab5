"""Load a declared SQL mapping (TOML) and check every table and column it names against the live schema.

Statements are plain SQL with bound parameters (`:last_name`) and braces around every identifier, so the
loader can verify and quote them: `{table}` is a table, `{table.column}` a qualified column, and
`{table:column}` the bare column name (for INSERT column lists and UPDATE ... SET, which some databases
refuse to see qualified). A name the database lacks raises `MappingError` naming the table and column.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect

from referral_intake.errors import MappingError

PROFILES_DIR = Path(__file__).parent / "mappings"
_IDENT = re.compile(r"\{([A-Za-z_][\w$]*)(?:([.:])([A-Za-z_][\w$]*))?\}")
EXPORT_STEPS = ("create_patient", "update_patient", "coverage", "referral", "document")


@dataclass(frozen=True, slots=True)
class Statement:
    """One SQL statement; `bind` names the parameter its first returned value (or new row id) sets."""

    where: str  # e.g. "export.referral[0]": names the statement in messages
    sql: str  # as written, with braces
    bind: str | None = None
    needs: tuple[str, ...] = ()
    rendered: str = ""  # braces replaced by quoted identifiers, after validation


@dataclass(frozen=True, slots=True)
class Lookup:
    name: str
    statement: Statement


@dataclass(slots=True)
class Mapping:
    name: str
    source: str
    by_id: Statement | None
    lookups: list[Lookup]
    export: dict[str, list[Statement]]
    translate: dict[str, dict[str, Any]]
    idempotency_table: str = "referral_intake_export"
    create_idempotency_table: bool = True
    description: str = ""
    references: set[tuple[str, str | None]] = field(default_factory=set)

    def statements(self) -> list[Statement]:
        out = [self.by_id] if self.by_id else []
        out += [lk.statement for lk in self.lookups]
        for steps in self.export.values():
            out += steps
        return out


def resolve_path(ref: str | Path) -> Path:
    """A shipped profile name (`openemr`, `gnuhealth`) or a path to a TOML file."""
    candidate = Path(ref)
    path = candidate if candidate.suffix == ".toml" or candidate.exists() else PROFILES_DIR / f"{ref}.toml"
    if not path.exists():
        shipped = ", ".join(sorted(p.stem for p in PROFILES_DIR.glob("*.toml")))
        raise MappingError(f"EHR mapping {ref!s} not found; give a TOML path or one of: {shipped}")
    return path


def _statement(where: str, raw: Any) -> Statement:
    if isinstance(raw, str):
        return Statement(where=where, sql=raw)
    if not isinstance(raw, dict) or not isinstance(raw.get("sql"), str):
        raise MappingError(f"mapping entry {where} needs a `sql` string")
    needs = raw.get("needs", [])
    return Statement(where=where, sql=raw["sql"], bind=raw.get("bind"), needs=tuple(needs))


def parse(data: dict[str, Any], source: str) -> Mapping:
    """Build a `Mapping` from parsed TOML (no database needed yet)."""
    meta = data.get("mapping", {})
    read = data.get("read", {})
    by_id = _statement("read.by_id", read["by_id"]) if "by_id" in read else None
    lookups = []
    for i, raw in enumerate(read.get("lookup", [])):
        name = raw.get("name", f"lookup{i}") if isinstance(raw, dict) else f"lookup{i}"
        lookups.append(Lookup(name, _statement(f"read.lookup[{name}]", raw)))
    export: dict[str, list[Statement]] = {}
    raw_export = data.get("export", {})
    for key in raw_export:
        if key not in EXPORT_STEPS:
            raise MappingError(
                f"mapping {source}: unknown export step [{key}]; known: {', '.join(EXPORT_STEPS)}"
            )
    for step in EXPORT_STEPS:
        entries = raw_export.get(step, [])
        entries = entries if isinstance(entries, list) else [entries]
        export[step] = [_statement(f"export.{step}[{i}]", e) for i, e in enumerate(entries)]
    idem = data.get("idempotency", {})
    return Mapping(
        name=str(meta.get("name", Path(source).stem)),
        source=source,
        description=str(meta.get("description", "")),
        by_id=by_id,
        lookups=lookups,
        export=export,
        translate={k: dict(v) for k, v in data.get("translate", {}).items()},
        idempotency_table=str(idem.get("table", "referral_intake_export")),
        create_idempotency_table=bool(idem.get("create", True)),
    )


def load(ref: str | Path) -> Mapping:
    path = resolve_path(ref)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"EHR mapping {path} is not valid TOML: {exc}") from exc
    return parse(data, str(path))


def references(sql: str) -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(3)) for m in _IDENT.finditer(sql)]


def validate(mapping: Mapping, engine: Engine, extra_tables: dict[str, set[str]] | None = None) -> Mapping:
    """Check every `{table}` and `{table.column}` against the database, then render quoted SQL.

    `extra_tables` names tables the connector itself creates (the idempotency table) so they validate
    before their first creation.
    """
    insp = inspect(engine)
    tables = {t.lower(): t for t in insp.get_table_names()}
    known_extra = {k.lower(): v for k, v in (extra_tables or {}).items()}
    columns: dict[str, dict[str, str]] = {}
    preparer = engine.dialect.identifier_preparer

    def real_columns(table: str, where: str) -> dict[str, str]:
        key = table.lower()
        if key in columns:
            return columns[key]
        if key in tables:
            cols = {c["name"].lower(): c["name"] for c in insp.get_columns(tables[key])}
        elif key in known_extra:
            cols = {c.lower(): c for c in known_extra[key]}
        else:
            raise MappingError(
                f"EHR mapping {mapping.name} ({where}) names table {table!r}, which does not exist in the "
                f"database; fix the table name in {mapping.source}"
            )
        columns[key] = cols
        return cols

    def render(st: Statement) -> Statement:
        def sub(m: re.Match[str]) -> str:
            table, sep, column = m.group(1), m.group(2), m.group(3)
            cols = real_columns(table, st.where)
            real_table = tables.get(table.lower(), table)
            mapping.references.add((table, column))
            if column is None:
                return str(preparer.quote(real_table))
            if column.lower() not in cols:
                raise MappingError(
                    f"EHR mapping {mapping.name} ({st.where}) names column {column!r} of table {table!r}, "
                    f"which has no such column; fix it in {mapping.source}"
                )
            col = preparer.quote(cols[column.lower()])
            return f"{preparer.quote(real_table)}.{col}" if sep == "." else str(col)

        return Statement(st.where, st.sql, st.bind, st.needs, _IDENT.sub(sub, st.sql))

    if mapping.by_id:
        mapping.by_id = render(mapping.by_id)
    mapping.lookups = [Lookup(lk.name, render(lk.statement)) for lk in mapping.lookups]
    mapping.export = {k: [render(s) for s in v] for k, v in mapping.export.items()}
    return mapping
