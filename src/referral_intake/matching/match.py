"""Match one referral's patient against the EHR: look up candidates, score them, decide.

Probabilities are a posterior over "one of these charts, or a new patient": each chart's prior is
returning_rate / population, the rest is the new-patient hypothesis. Two near-identical charts (existing
duplicates) therefore share the probability and go to review instead of being linked at random.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import structlog

from referral_intake.contract import Referral
from referral_intake.ehr.protocol import EhrReader, PatientQuery, PatientRecord
from referral_intake.matching.decide import (
    POSSIBLE_SAME,
    SURNAME_CHANGE,
    AttributeScore,
    Candidate,
    CandidatePatient,
    MatchResult,
    decide,
)
from referral_intake.matching.model import TWIN_CAP_LOG2_ODDS, FsModel, PairScore, Scorer, default_model
from referral_intake.matching.normalize import (
    Person,
    person_from_query,
    person_from_record,
    query_from_referral,
)
from referral_intake.settings import MatchingSettings

log = structlog.get_logger(__name__)
DEFAULT_POPULATION = 100_000
_SCORERS: dict[int, tuple[FsModel, Scorer]] = {}


def scorer_for(model: FsModel) -> Scorer:
    """A compiled scorer per model object (kept alive with it so the id cannot be reused)."""
    hit = _SCORERS.get(id(model))
    if hit is None or hit[0] is not model:
        if len(_SCORERS) >= 16:  # models are few; a caller building many must not grow this without bound
            _SCORERS.clear()
        hit = (model, Scorer(model))
        _SCORERS[id(model)] = hit
    return hit[1]


@lru_cache(maxsize=8)
def _load_model(path: str, mtime_ns: int) -> FsModel:
    return FsModel.load(Path(path))


def resolve_model(settings: MatchingSettings, model: FsModel | None = None) -> FsModel:
    """The explicit model, else `matching.model_path` (reloaded when the file changes), else the shipped one."""
    if model is not None:
        return model
    if settings.model_path is not None:
        try:
            mtime = settings.model_path.stat().st_mtime_ns
        except FileNotFoundError:
            mtime = 0  # FsModel.load raises the ConfigurationError naming the fix
        return _load_model(str(settings.model_path), mtime)
    return default_model()


def _population(reader: EhrReader, settings: MatchingSettings, model: FsModel) -> int:
    if settings.ehr_population:
        return settings.ehr_population
    count = getattr(reader, "patient_count", None)
    if callable(count):
        try:
            return max(1, int(count()))
        except Exception:  # a connector that cannot count: fall back, the prior is approximate anyway
            log.warning("matching.population_unavailable", reader=type(reader).__name__)
    # a model trained on a tiny table says little about the EHR's size: assume a mid-sized practice
    return model.records if model.records >= 1000 else DEFAULT_POPULATION


def _possible_same_person(s: PairScore) -> bool:
    """A chart that agrees on DOB (or transposed DOB) and on a name, or on an identifier: never a silent 'new'."""
    first, last, dob, phone, email, mrn = (
        s.levels[0],
        s.levels[1],
        s.levels[3],
        s.levels[6],
        s.levels[7],
        s.levels[8],
    )
    if mrn == 0:
        return True
    if dob in (0, 1) and (0 <= first <= 4 or 0 <= last <= 3):
        return True
    return (phone == 0 or email == 0) and 0 <= first <= 2 and dob in (0, 1, 2, 3)


def _surname_change_unconfirmed(s: PairScore) -> bool:
    """A different surname (marriage?) that no address, phone, e-mail or MRN corroborates: a person confirms."""
    last, address, phone, email, mrn = s.levels[1], s.levels[5], s.levels[6], s.levels[7], s.levels[8]
    return last == 5 and address not in (0, 1) and phone != 0 and email != 0 and mrn != 0


def _patient(r: PatientRecord) -> CandidatePatient:
    return CandidatePatient(
        first_name=r.first_name,
        middle_name=r.middle_name,
        last_name=r.last_name,
        date_of_birth=r.date_of_birth.isoformat() if r.date_of_birth else None,
        sex=r.sex,
        address_line1=r.address_line1,
        address_line2=r.address_line2,
        city=r.city,
        state=r.state,
        postal_code=r.postal_code,
        phone=r.phone,
        email=r.email,
        mrn=r.mrn,
    )


def score_candidates(
    query: Person, records: list[PatientRecord], scorer: Scorer, settings: MatchingSettings, population: int
) -> tuple[list[Candidate], float]:
    """Posterior per chart and for "new patient" (see module docstring)."""
    r = min(max(settings.returning_rate, 1e-6), 1 - 1e-6)
    prior_log2 = math.log2(r / (population * (1 - r)))
    scored: list[tuple[PatientRecord, PairScore, float]] = []
    for rec in records:
        s = scorer.score(query, person_from_record(rec))
        log_odds = prior_log2 + s.weight
        if "possible_twin" in s.guards:
            log_odds = min(log_odds, TWIN_CAP_LOG2_ODDS)
        scored.append((rec, s, log_odds))
    top = max((lo for _, _, lo in scored), default=0.0)
    shift = max(0.0, top)  # work in 2**(lo - shift) so huge odds cannot overflow
    denom = 2.0 ** (-shift) + sum(2.0 ** (lo - shift) for _, _, lo in scored)
    out: list[Candidate] = []
    for rec, s, lo in scored:
        guards = list(s.guards)
        if _possible_same_person(s):
            guards.append(POSSIBLE_SAME)
        if _surname_change_unconfirmed(s):
            guards.append(SURNAME_CHANGE)
        out.append(
            Candidate(
                patient_id=rec.id,
                probability=min(1.0, 2.0 ** (lo - shift) / denom),
                match_weight=round(s.weight, 3),
                breakdown=[
                    AttributeScore(attribute=b.attribute, level=b.level, weight=b.weight)
                    for b in scorer.breakdown(query, s)
                ],
                guards=guards,
                patient=_patient(rec),
            )
        )
    return out, 2.0 ** (-shift) / denom


def match_query(
    query: PatientQuery,
    reader: EhrReader,
    settings: MatchingSettings,
    model: FsModel | None = None,
    keep: int = 10,
) -> MatchResult:
    """Look up, score and decide for one patient query. Keeps the `keep` best candidates in the result."""
    fs = resolve_model(settings, model)
    scorer = scorer_for(fs)
    person = person_from_query(query)
    records = reader.find_candidates(query, limit=settings.max_candidates)
    population = _population(reader, settings, fs)
    candidates, p_new = score_candidates(person, records, scorer, settings, population)
    candidates.sort(key=lambda c: (-c.probability, c.patient_id))
    complete = bool(person.first and person.last and person.dob)
    result = decide(
        candidates,
        settings,
        new_patient_probability=p_new,
        complete=complete,
        model_version=fs.version,
        population=population,
    )
    if len(result.candidates) > keep:
        # guards of dropped candidates were already applied by decide(); only the display list is trimmed
        result.candidates = result.candidates[:keep]
    log.debug("matching.decided", decision=result.decision, candidates=len(records), reasons=result.reasons)
    return result


def match_referral(
    referral: Referral,
    reader: EhrReader,
    settings: MatchingSettings,
    model: FsModel | None = None,
) -> MatchResult:
    """The pipeline's entry point: the referral's patient against the EHR, decided link / new / review."""
    return match_query(query_from_referral(referral), reader, settings, model)


def explain(result: MatchResult) -> list[dict[str, Any]]:
    """The breakdown as plain rows (patient id, attribute, level, weight) for logs-free display or CSV."""
    return [
        {"patient_id": c.patient_id, "attribute": b.attribute, "level": b.level, "weight": b.weight}
        for c in result.candidates
        for b in c.breakdown
    ]
