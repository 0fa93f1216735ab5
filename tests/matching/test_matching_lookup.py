"""Referral lookups against the embedded EHR (SQLite and PostgreSQL): the named hard cases and the decisions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from referral_intake.contract import Address, Field, Patient, Referral
from referral_intake.ehr.protocol import PatientQuery, PatientRecord
from referral_intake.errors import ConfigurationError
from referral_intake.matching import MatchResult, match_query, match_referral
from referral_intake.matching.embedded_ehr import EmbeddedEhr
from referral_intake.settings import MatchingSettings

SETTINGS = MatchingSettings()


def referral(**patient: object) -> Referral:
    address = patient.pop("address", None)
    fields = {k: Field(value=v) for k, v in patient.items()}
    addr = Address(**{k: Field(value=v) for k, v in address.items()}) if isinstance(address, dict) else None
    return Referral(patient=Patient(address=addr, **fields))


def thin(first: str, last: str, dob: str, sex: str) -> PatientQuery:
    return PatientQuery(first_name=first, last_name=last, date_of_birth=date.fromisoformat(dob), sex=sex)


def test_exact_full_referral_links_through_the_pipeline_api(ehr: EmbeddedEhr) -> None:
    ref = referral(
        first_name="William",
        last_name="Hartwell",
        date_of_birth="1961-03-04",
        sex="M",
        phone="5125550111",
        address={"line1": "12 Quarry St", "city": "Austin", "state": "TX", "postal_code": "78701"},
    )
    result = match_referral(ref, ehr, SETTINGS)
    assert result.decision == "link"
    assert result.patient_id == "S-WILLIAM"
    assert result.probability is not None and result.probability >= SETTINGS.link_threshold
    # the stored form round-trips and carries a readable breakdown
    again = MatchResult.model_validate_json(result.to_json())
    top = again.candidates[0]
    levels = {b.attribute: b.level for b in top.breakdown}
    assert levels["first_name"] == "exact" and levels["address"] == "same street address"
    assert sum(b.weight for b in top.breakdown) == pytest.approx(top.match_weight, abs=0.01)


def test_nickname_thin_record_links(ehr: EmbeddedEhr) -> None:
    result = match_query(thin("Bill", "Hartwell", "1961-03-04", "M"), ehr, SETTINGS)
    assert result.decision == "link" and result.patient_id == "S-WILLIAM"
    assert result.candidates[0].breakdown[0].level.startswith("nickname")


def test_typo_in_surname_links(ehr: EmbeddedEhr) -> None:
    q = PatientQuery(
        first_name="William",
        last_name="Hartwel",
        date_of_birth=date(1961, 3, 4),
        sex="M",
        phone="(512) 555-0111",
    )
    result = match_query(q, ehr, SETTINGS)
    assert result.decision == "link" and result.patient_id == "S-WILLIAM"
    assert result.candidates[0].breakdown[1].level == "one typo"


def test_typo_and_wrong_dob_digit_on_a_thin_record_is_still_found(ehr: EmbeddedEhr) -> None:
    # DOB key misses (one digit off) and the name prefix key misses (typo in 2nd letter): the phonetic
    # surname + birth year key still brings the chart in, so a person sees it rather than a new chart.
    result = match_query(thin("Wiliam", "Hartwell", "1961-03-14", "M"), ehr, SETTINGS)
    assert result.candidates and result.candidates[0].patient_id == "S-WILLIAM"
    assert result.decision != "new"


def test_transposed_day_and_month_links(ehr: EmbeddedEhr) -> None:
    result = match_query(thin("Rebecca", "Thornbury", "1988-09-05", "F"), ehr, SETTINGS)
    assert result.decision == "link" and result.patient_id == "S-TRANSPOSED"
    dob = next(b for b in result.candidates[0].breakdown if b.attribute == "date_of_birth")
    assert dob.level == "day and month transposed" and dob.weight > 5


def test_twins_in_the_ehr_each_link_to_their_own_chart(ehr: EmbeddedEhr) -> None:
    for first, pid in (("Emma", "S-TWIN-A"), ("Olivia", "S-TWIN-B")):
        result = match_query(thin(first, "Castellanos", "2001-07-19", "F"), ehr, SETTINGS)
        assert result.decision == "link" and result.patient_id == pid


def test_twin_without_a_chart_is_never_linked_to_the_sibling(ehr: EmbeddedEhr) -> None:
    # Same DOB, surname, address and phone as Marcus; a different first name: must not auto-link.
    q = PatientQuery(
        first_name="Julian",
        last_name="Delacroix",
        date_of_birth=date(1999, 1, 23),
        sex="M",
        address_line1="8 Fenwick Ct",
        city="Boise",
        state="ID",
        postal_code="83702",
        phone="2085550144",
    )
    result = match_query(q, ehr, SETTINGS)
    assert result.decision == "review"
    assert "possible_twin" in result.reasons
    assert result.candidates[0].patient_id == "S-SOLO-TWIN"
    assert "possible_twin" in result.candidates[0].guards
    # a third sibling beside twins who both have charts: also review, never a link to either
    q3 = PatientQuery(
        first_name="Sophia",
        last_name="Castellanos",
        date_of_birth=date(2001, 7, 19),
        sex="F",
        address_line1="55 Larkspur Rd",
        postal_code="45402",
        phone="9375550123",
    )
    assert match_query(q3, ehr, SETTINGS).decision == "review"


def test_married_name_with_same_address_and_phone_links(ehr: EmbeddedEhr) -> None:
    q = PatientQuery(
        first_name="Jennifer",
        last_name="Okonkwo",
        date_of_birth=date(1975, 11, 2),
        sex="F",
        address_line1="420 Juniper Ln",
        city="Omaha",
        state="NE",
        postal_code="68102",
        phone="402-555-0188",
    )
    result = match_query(q, ehr, SETTINGS)
    assert result.decision == "link" and result.patient_id == "S-MARRIED"


def test_married_name_on_a_thin_record_goes_to_review_not_a_new_chart(ehr: EmbeddedEhr) -> None:
    result = match_query(thin("Jennifer", "Okonkwo", "1975-11-02", "F"), ehr, SETTINGS)
    assert result.decision == "review"
    assert result.candidates[0].patient_id == "S-MARRIED"


def test_new_patient_is_new(ehr: EmbeddedEhr) -> None:
    q = PatientQuery(
        first_name="Thaddeus",
        last_name="Quillfeather",
        date_of_birth=date(1944, 12, 30),
        sex="M",
        phone="6145550199",
    )
    result = match_query(q, ehr, SETTINGS)
    assert result.decision == "new" and result.patient_id is None
    assert result.new_patient_probability > 0.98


def test_incomplete_demographics_never_create_a_chart(ehr: EmbeddedEhr) -> None:
    result = match_query(PatientQuery(last_name="Quillfeather", sex="M"), ehr, SETTINGS)
    assert result.decision == "review" and "incomplete_demographics" in result.reasons


def test_duplicate_charts_already_in_the_ehr_split_the_probability(
    ehr: EmbeddedEhr, ehr_population: list[PatientRecord]
) -> None:
    # Two identical charts: neither may be linked silently (min margin), a person picks.
    from referral_intake.matching.decide import decide
    from referral_intake.matching.match import score_candidates, scorer_for
    from referral_intake.matching.model import default_model
    from referral_intake.matching.normalize import person_from_record

    a = ehr.read_patient("S-WILLIAM")
    assert a is not None
    b = PatientRecord(**{**{f: getattr(a, f) for f in a.__slots__ if f != "extra"}, "id": "S-WILLIAM-2"})
    cands, p_new = score_candidates(
        person_from_record(a), [a, b], scorer_for(default_model()), SETTINGS, 2000
    )
    result = decide(cands, SETTINGS, new_patient_probability=p_new)
    assert result.decision == "review" and "second_candidate_close" in result.reasons
    assert abs(cands[0].probability - cands[1].probability) < 1e-9


def test_blocking_keys_each_find_the_chart(ehr: EmbeddedEhr) -> None:
    cases = {
        "dob only": PatientQuery(date_of_birth=date(1961, 3, 4), first_name="Zzz", last_name="Qqq"),
        "transposed dob": PatientQuery(date_of_birth=date(1961, 4, 3), first_name="Zzz", last_name="Qqq"),
        "phonetic names": PatientQuery(first_name="Wiliam", last_name="Hartwel"),
        "phone": PatientQuery(phone="5125550111"),
        "mrn": PatientQuery(mrn="mrn-william"),
        "surname + year": PatientQuery(
            first_name="Zed", last_name="Hartwell", date_of_birth=date(1961, 9, 9)
        ),
    }
    for label, q in cases.items():
        ids = [r.id for r in ehr.find_candidates(q)]
        assert "S-WILLIAM" in ids, label


def test_postgres_lookup_uses_an_index_on_every_branch(pg_ehr: EmbeddedEhr) -> None:
    ehr, pg_engine = pg_ehr, pg_ehr.engine
    q = PatientQuery(
        first_name="William",
        last_name="Hartwell",
        date_of_birth=date(1961, 3, 4),
        phone="5125550111",
        mrn="MRNWILLIAM",
        email="x@example.org",
    )
    stmt = ehr.candidate_statement(q)
    assert stmt is not None
    sql = str(stmt.compile(dialect=ehr.engine.dialect, compile_kwargs={"literal_binds": True}))
    with pg_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE ehr_patient"))  # autovacuum's job in production
    with ehr.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        conn.execute(text("SET enable_bitmapscan = off"))
        plan = "\n".join(r[0] for r in conn.execute(text("EXPLAIN " + sql)))
    assert "Seq Scan" not in plan
    # every blocking branch is answered from its covering index alone (no heap visit per row)
    assert plan.count("Index Only Scan using ix_ehr_patient_") == 8, plan


def test_embedded_ehr_is_an_ehr_reader_and_writes_charts(ehr: EmbeddedEhr) -> None:
    from referral_intake.ehr.protocol import EhrReader

    assert isinstance(ehr, EhrReader)
    new_id = ehr.save_patient(
        PatientRecord(
            id="",
            first_name="Ottilie",
            last_name="Brightwater",
            date_of_birth=date(1950, 2, 2),
            sex="F",
            phone="(208) 555-0177",
        )
    )
    chart = ehr.read_patient(new_id)
    assert chart is not None and chart.phone == "2085550177"
    ehr.save_patient(
        PatientRecord(
            **{
                **{f: getattr(chart, f) for f in chart.__slots__ if f != "extra"},
                "last_name": "Brightwater-Oduya",
            }
        )
    )
    found = ehr.find_candidates(PatientQuery(first_name="Ottilie", last_name="Brightwater-Oduya"))
    assert [r.id for r in found] == [new_id]


def test_configured_model_file_is_used(ehr: EmbeddedEhr, tmp_path: Path) -> None:
    from referral_intake.matching.model import default_model

    path = tmp_path / "practice-model.json"
    default_model().model_copy(update={"version": "fs-practice-1"}).save(path)
    settings = MatchingSettings(model_path=path)
    result = match_query(thin("Rebecca", "Thornbury", "1988-05-09", "F"), ehr, settings)
    assert result.model_version == "fs-practice-1" and result.decision == "link"
    missing = MatchingSettings(model_path=tmp_path / "nope.json")
    with pytest.raises(ConfigurationError):
        match_query(thin("Rebecca", "Thornbury", "1988-05-09", "F"), ehr, missing)


def test_embedded_export_creates_the_new_chart_once_and_confirms_linked_ones(ehr: EmbeddedEhr) -> None:
    from referral_intake.contract import DocumentInfo, Extraction
    from referral_intake.ehr.protocol import EhrConnector, ExportRequest

    assert isinstance(ehr, EhrConnector) and ehr.health().ok
    ref = referral(
        first_name="Perpetua",
        last_name="Vandersloot",
        date_of_birth="1939-06-30",
        sex="F",
        address={
            "line1": "3 Heron Row",
            "line2": "Apt 2",
            "city": "Boise",
            "state": "ID",
            "postal_code": "83702",
        },
    )
    doc = Extraction(document=DocumentInfo(sha256="0" * 64), referrals=[ref])
    first = ehr.export(ExportRequest(case_id=1, referral=ref, document=doc, patient_id=None), "case-1-export")
    again = ehr.export(ExportRequest(case_id=1, referral=ref, document=doc, patient_id=None), "case-1-export")
    assert first.detail == {"created": True} and again.duplicate and again.patient_id == first.patient_id
    chart = ehr.read_patient(first.patient_id)
    assert chart is not None and chart.address_line2 == "Apt 2" and chart.date_of_birth == date(1939, 6, 30)
    # the next referral for her now links to the chart the export created
    assert match_referral(ref, ehr, SETTINGS).patient_id == first.patient_id
    linked = ehr.export(
        ExportRequest(case_id=2, referral=ref, document=doc, patient_id="S-WILLIAM"), "case-2"
    )
    assert linked.patient_id == "S-WILLIAM" and linked.detail == {"created": False}
