"""Mapping files: parsing, identifier checks and quoting, registry errors (fast; PostgreSQL for the schema)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text

from referral_intake.ehr.audited import AuditedReader
from referral_intake.ehr.protocol import PatientQuery
from referral_intake.ehr.registry import build_connector, build_connectors, build_reader
from referral_intake.ehr.sql.mapping import PROFILES_DIR, load, parse, references, resolve_path, validate
from referral_intake.errors import ConfigurationError, MappingError
from referral_intake.settings import Settings, load_settings
from referral_intake.store.engine import Store
from referral_intake.store.tables import AuditEvent


def test_shipped_profiles_parse() -> None:
    names = sorted(p.stem for p in PROFILES_DIR.glob("*.toml"))
    assert names == ["gnuhealth", "openemr"]
    for name in names:
        mapping = load(name)
        assert mapping.by_id is not None and mapping.lookups and mapping.export["referral"]
        assert all(st.bind != "" for st in mapping.statements())


def test_identifiers_are_checked_and_quoted() -> None:
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text('CREATE TABLE "pt" (id INTEGER PRIMARY KEY, "Family" TEXT)'))
    mapping = parse(
        {
            "read": {
                "by_id": "SELECT {pt.id} AS id, {pt.Family} AS last_name FROM {pt} WHERE {pt:id} = :patient_id"
            }
        },
        "inline.toml",
    )
    assert references(mapping.by_id.sql) == [("pt", "id"), ("pt", "Family"), ("pt", None), ("pt", "id")]  # type: ignore[union-attr]
    rendered = validate(mapping, engine).by_id.rendered  # type: ignore[union-attr]
    assert rendered == 'SELECT pt.id AS id, pt."Family" AS last_name FROM pt WHERE id = :patient_id'

    wrong = parse({"read": {"by_id": "SELECT {pt.surname} FROM {pt}"}}, "inline.toml")
    with pytest.raises(MappingError, match=r"\(read\.by_id\) names column 'surname' of table 'pt'"):
        validate(wrong, engine)


def test_mapping_mistakes_are_configuration_errors() -> None:
    with pytest.raises(MappingError, match="gnuhealth, openemr"):
        resolve_path("epic")
    with pytest.raises(MappingError, match="unknown export step"):
        parse({"export": {"patients": []}}, "x.toml")
    with pytest.raises(ConfigurationError, match="not known; use one of: fhir, hl7v2, sql"):
        build_connector({"kind": "mllp"})
    with pytest.raises(ConfigurationError, match="needs `url`"):
        build_connector({"kind": "sql", "mapping": "openemr"})
    twice = load_settings(ehr_connectors=[{"kind": "hl7v2", "host": "h", "port": 1}] * 2)
    with pytest.raises(ConfigurationError, match="two EHR connectors are named 'hl7v2'"):
        build_connectors(twice)


@pytest.mark.postgres
def test_gnuhealth_mapping_on_a_database_without_gnuhealth_names_the_table(ehr_postgres: str) -> None:
    with pytest.raises(MappingError, match=r"table '(gnuhealth_patient|party_party)'.*does not exist"):
        build_connector({"kind": "sql", "name": "gh", "url": ehr_postgres, "mapping": "gnuhealth"})


def test_build_reader_audits_the_embedded_ehr(sqlite_settings: Settings) -> None:
    store = Store.open(sqlite_settings)
    reader = build_reader(sqlite_settings, store, actor="worker:match")
    assert isinstance(reader, AuditedReader) and reader.connector == "embedded"
    assert reader.find_candidates(PatientQuery(last_name="Nobody")) == []
    with store.read() as s:
        [event] = s.execute(select(AuditEvent)).scalars().all()
        assert (event.actor, event.action, event.resource_type) == ("worker:match", "read", "ehr_patient")
    store.dispose()
