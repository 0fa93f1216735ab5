"""The match result a case stores and the review panel shows, and the link / new / review decision rule.

Link: the best candidate is at or above the link threshold, leads the second by the minimum margin, and no
guard fires. New: every candidate is below the new-patient threshold and none is a possible same person.
Everything else goes to a person.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from referral_intake.settings import MatchingSettings

Decision = Literal["link", "new", "review"]

# Reasons (machine codes; the review UI turns them into sentences).
NO_CANDIDATES = "no_candidates"
INCOMPLETE = "incomplete_demographics"  # no first name, last name or DOB: never auto-decide
BELOW_LINK = "below_link_threshold"
SMALL_MARGIN = "second_candidate_close"
POSSIBLE_TWIN = "possible_twin"
POSSIBLE_SAME = "possible_same_person"  # blocks "new": a chart agrees on DOB and a name
SURNAME_CHANGE = "surname_change_unconfirmed"  # blocks "link": other surname, no contact detail agrees
LINKED = "above_link_threshold"
ALL_BELOW_NEW = "all_below_new_threshold"

# What the review panel says for each reason code (no PHI: the panel shows the values beside it).
REASON_TEXT = {
    NO_CANDIDATES: "No chart in the EHR resembles this patient.",
    INCOMPLETE: "The referral lacks the first name, last name or date of birth: confirm the patient by hand.",
    BELOW_LINK: "No chart is similar enough to link automatically.",
    SMALL_MARGIN: "Two or more charts fit about equally well (possibly duplicate charts in the EHR).",
    POSSIBLE_TWIN: "Same date of birth but a different first name or sex: possibly a twin or sibling.",
    POSSIBLE_SAME: "A chart shares the date of birth and a name: check it before creating a new chart.",
    SURNAME_CHANGE: "The surname differs and no address, phone or e-mail confirms it: possibly a name change.",
    LINKED: "Linked automatically: the best chart is above the link threshold and clearly ahead.",
    ALL_BELOW_NEW: "Every chart is clearly someone else: a new patient.",
}


class AttributeScore(BaseModel):
    """One line of the breakdown: attribute, the comparison level reached, and its weight in bits."""

    attribute: str
    level: str
    weight: float


class CandidatePatient(BaseModel):
    """The chart as the EHR holds it (what the review panel shows beside the referral)."""

    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    date_of_birth: str | None = None
    sex: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    email: str | None = None
    mrn: str | None = None


class Candidate(BaseModel):
    patient_id: str
    probability: float = Field(
        ge=0.0, le=1.0, description="Posterior that this chart is the referral's patient."
    )
    match_weight: float = Field(description="Sum of the attribute weights, bits (before the prior).")
    breakdown: list[AttributeScore]
    guards: list[str] = Field(default_factory=list)
    patient: CandidatePatient


class MatchResult(BaseModel):
    """What matching says about one referral. JSON-serializable: stored on the case as `case.match`."""

    decision: Decision
    patient_id: str | None = Field(None, description="The chart to link (decision 'link' only).")
    probability: float | None = Field(None, description="Best candidate's probability.")
    new_patient_probability: float = Field(
        description="Posterior that none of the candidates is the patient."
    )
    reasons: list[str] = Field(default_factory=list)
    candidates: list[Candidate] = Field(default_factory=list, description="Best first.")
    link_threshold: float
    new_patient_threshold: float
    min_margin: float
    model_version: str = ""
    population: int = 0

    def to_json(self) -> str:
        return self.model_dump_json()


def decide(
    candidates: list[Candidate],
    settings: MatchingSettings,
    *,
    new_patient_probability: float | None = None,
    complete: bool = True,
    model_version: str = "",
    population: int = 0,
) -> MatchResult:
    """Apply the decision rule to scored candidates. `complete` = the referral names first, last name and DOB."""
    ranked = sorted(candidates, key=lambda c: (-c.probability, c.patient_id))
    if new_patient_probability is None:
        new_patient_probability = max(0.0, 1.0 - sum(c.probability for c in ranked))
    reasons: list[str] = []
    decision: Decision = "review"
    patient_id: str | None = None
    best = ranked[0] if ranked else None
    second = ranked[1].probability if len(ranked) > 1 else 0.0
    if not complete:
        reasons.append(INCOMPLETE)
    if best is None:
        reasons.append(NO_CANDIDATES)
        if complete:
            decision = "new"
    elif complete:
        if best.probability >= settings.link_threshold:
            blocking = [g for g in (POSSIBLE_TWIN, SURNAME_CHANGE) if g in best.guards]
            if blocking:
                reasons.extend(blocking)
            elif best.probability - second < settings.min_margin:
                reasons.append(SMALL_MARGIN)
            else:
                decision, patient_id = "link", best.patient_id
                reasons.append(LINKED)
        elif all(c.probability < settings.new_patient_threshold for c in ranked):
            if any(POSSIBLE_SAME in c.guards for c in ranked):
                reasons.append(POSSIBLE_SAME)
            else:
                decision = "new"
                reasons.append(ALL_BELOW_NEW)
        else:
            reasons.append(BELOW_LINK)
            if len(ranked) > 1 and best.probability - second < settings.min_margin:
                reasons.append(SMALL_MARGIN)  # e.g. two charts of one person already in the EHR
            if POSSIBLE_TWIN in best.guards:
                reasons.append(POSSIBLE_TWIN)
    return MatchResult(
        decision=decision,
        patient_id=patient_id,
        probability=best.probability if best else None,
        new_patient_probability=new_patient_probability,
        reasons=reasons,
        candidates=ranked,
        link_threshold=settings.link_threshold,
        new_patient_threshold=settings.new_patient_threshold,
        min_margin=settings.min_margin,
        model_version=model_version,
        population=population,
    )
