"""Build the configured EHR connectors from `settings.ehr_connectors` (a list of TOML tables).

[[ehr_connectors]]
kind = "sql"                 # sql | fhir | hl7v2
name = "openemr"             # outbox rows and audit events name the connector by this
url = "mysql://intake@db/openemr"
read_url = "mysql://intake_ro@replica/openemr"   # optional: reads go to a replica
mapping = "openemr"          # a shipped profile (ehr/sql/mappings/*.toml) or a path

[[ehr_connectors]]
kind = "fhir"
name = "fhir"
base_url = "https://ehr.example/fhir/R4"
auth = { token_url = "https://ehr.example/oauth2/token", client_id = "intake", private_key_file = "/etc/ri/key.pem" }

[[ehr_connectors]]
kind = "hl7v2"
name = "engine"
host = "10.0.0.5"
port = 6661
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from referral_intake.ehr.protocol import EhrReader, EhrWriter, ExportRequest, ExportResult, Health
from referral_intake.errors import ConfigurationError, EhrRejected, IntakeError, MappingError
from referral_intake.settings import Settings
from referral_intake.store.engine import Store


def _sql(name: str, o: Mapping[str, Any]) -> EhrWriter:
    from referral_intake.ehr.sql import SqlConnector

    return SqlConnector(name, _need(o, "url", name), _need(o, "mapping", name), read_url=o.get("read_url"))


def _fhir(name: str, o: Mapping[str, Any]) -> EhrWriter:
    from referral_intake.ehr.fhir import FhirConnector, load_oauth

    return FhirConnector(
        name,
        _need(o, "base_url", name),
        auth=load_oauth(dict(o)),
        timeout_seconds=float(o.get("timeout_seconds", 30.0)),
        verify=o.get("verify", True),
    )


def _hl7(name: str, o: Mapping[str, Any]) -> EhrWriter:
    from referral_intake.ehr.hl7v2 import Hl7Connector

    return Hl7Connector(
        name,
        str(_need(o, "host", name)),
        int(_need(o, "port", name)),
        timeout_seconds=float(o.get("timeout_seconds", 10.0)),
        retries=int(o.get("retries", 3)),
        backoff_seconds=float(o.get("backoff_seconds", 1.0)),
        encoding=str(o.get("encoding", "utf-8")),
        options={k: str(v) for k, v in o.get("msh", {}).items()},
    )


KINDS: dict[str, Callable[[str, Mapping[str, Any]], EhrWriter]] = {"sql": _sql, "fhir": _fhir, "hl7v2": _hl7}


def _need(options: Mapping[str, Any], key: str, name: str) -> Any:
    if options.get(key) in (None, ""):
        raise ConfigurationError(f"EHR connector {name!r} needs `{key}` in its settings table")
    return options[key]


def build_connector(options: Mapping[str, Any]) -> EhrWriter:
    """One connector from its settings table."""
    kind = options.get("kind")
    if kind not in KINDS:
        raise ConfigurationError(
            f"EHR connector kind {kind!r} is not known; use one of: {', '.join(sorted(KINDS))}"
        )
    name = str(options.get("name") or kind)
    return KINDS[kind](name, options)


def build_connectors(settings: Settings) -> dict[str, EhrWriter]:
    """Every configured connector by name (the names the outbox rows carry)."""
    out: dict[str, EhrWriter] = {}
    for options in settings.ehr_connectors:
        connector = build_connector(options)
        if connector.name in out:
            raise ConfigurationError(
                f"two EHR connectors are named {connector.name!r}; give each a unique `name`"
            )
        out[connector.name] = connector
    return out


class LazyWriter:
    """A configured connector built on first use, so an EHR that is down when we start only delays its
    exports (the outbox retries them) instead of stopping the service."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        kind = options.get("kind")
        if kind not in KINDS:
            raise ConfigurationError(
                f"EHR connector kind {kind!r} is not known; use one of: {', '.join(sorted(KINDS))}"
            )
        self.name = str(options.get("name") or kind)
        self.options = dict(options)
        self._inner: EhrWriter | None = None
        self._lock = threading.Lock()

    def connector(self) -> EhrWriter:
        with self._lock:
            if self._inner is None:
                self._inner = build_connector(self.options)
            return self._inner

    def export(self, request: ExportRequest, idempotency_key: str) -> ExportResult:
        try:
            inner = self.connector()
        except MappingError as exc:  # the mapping does not fit the EHR: no retry can fix that
            raise EhrRejected(str(exc), permanent=True) from exc
        return inner.export(request, idempotency_key)

    def health(self) -> Health:
        try:
            return self.connector().health()
        except IntakeError as exc:
            return Health(False, str(exc))


def connector_names(settings: Settings) -> list[str]:
    """The names approval writes outbox rows for: the configured connectors, else `embedded`."""
    names = [str(c.get("name") or c.get("kind")) for c in settings.ehr_connectors]
    return names or ["embedded"]


def build_writers(settings: Settings, store: Store) -> dict[str, EhrWriter]:
    """What `deliver_due` needs: every configured connector by name (built lazily); with none
    configured, the embedded writer over this installation's own database."""
    if not settings.ehr_connectors:
        from referral_intake.ehr.embedded import EmbeddedWriter

        return {"embedded": EmbeddedWriter(store.engine)}
    out: dict[str, EhrWriter] = {}
    for options in settings.ehr_connectors:
        writer = LazyWriter(options)
        if writer.name in out:
            raise ConfigurationError(
                f"two EHR connectors are named {writer.name!r}; give each a unique `name`"
            )
        out[writer.name] = writer
    return out


def readers(connectors: Mapping[str, EhrWriter]) -> dict[str, EhrReader]:
    """The connectors that can also search charts (SQL, FHIR; an HL7 feed cannot)."""
    return {name: c for name, c in connectors.items() if isinstance(c, EhrReader)}


def build_reader(settings: Settings, store: Store, actor: str = "system:matching") -> EhrReader:
    """The chart source matching searches, every lookup audited: the first configured connector that can
    read (kind sql or fhir, unless its table says `read = false`), else the embedded EHR."""
    from referral_intake.ehr.audited import AuditedReader

    for options in settings.ehr_connectors:
        if options.get("kind") in ("sql", "fhir") and options.get("read", True):
            connector = build_connector(options)
            assert isinstance(connector, EhrReader)
            return AuditedReader(connector, store, actor, connector=connector.name)
    from referral_intake.matching.embedded_ehr import EmbeddedEhr

    return AuditedReader(EmbeddedEhr(store.engine), store, actor, connector="embedded")
