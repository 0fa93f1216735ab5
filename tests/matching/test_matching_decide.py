"""The decision rule on hand-built candidates: link, new, review and the reasons a reviewer sees."""

from __future__ import annotations

from referral_intake.matching.decide import AttributeScore, Candidate, CandidatePatient, MatchResult, decide
from referral_intake.settings import MatchingSettings

S = MatchingSettings(link_threshold=0.98, new_patient_threshold=0.02, min_margin=0.2)


def cand(pid: str, p: float, guards: list[str] | None = None) -> Candidate:
    return Candidate(
        patient_id=pid,
        probability=p,
        match_weight=10.0,
        guards=guards or [],
        breakdown=[AttributeScore(attribute="first_name", level="exact", weight=6.0)],
        patient=CandidatePatient(first_name="Ada"),
    )


def test_link_when_best_is_above_threshold_and_clearly_ahead() -> None:
    r = decide([cand("b", 0.001), cand("a", 0.99)], S)
    assert (r.decision, r.patient_id, r.reasons) == ("link", "a", ["above_link_threshold"])
    assert [c.patient_id for c in r.candidates] == ["a", "b"]


def test_review_when_the_second_is_too_close() -> None:
    s = MatchingSettings(link_threshold=0.5, min_margin=0.2)
    r = decide([cand("a", 0.6), cand("b", 0.45)], s)
    assert r.decision == "review" and r.patient_id is None and "second_candidate_close" in r.reasons


def test_review_between_thresholds() -> None:
    r = decide([cand("a", 0.5)], S)
    assert r.decision == "review" and r.reasons == ["below_link_threshold"]


def test_new_only_when_every_candidate_is_below_the_new_threshold() -> None:
    assert decide([cand("a", 0.019), cand("b", 0.001)], S).decision == "new"
    assert decide([cand("a", 0.02), cand("b", 0.001)], S).decision == "review"
    assert decide([], S).decision == "new"


def test_guards_block_link_and_new() -> None:
    twin = decide([cand("a", 0.999, ["possible_twin"])], S)
    assert twin.decision == "review" and "possible_twin" in twin.reasons
    renamed = decide([cand("a", 0.999, ["surname_change_unconfirmed"])], S)
    assert renamed.decision == "review" and "surname_change_unconfirmed" in renamed.reasons
    same = decide([cand("a", 0.01, ["possible_same_person"])], S)
    assert same.decision == "review" and "possible_same_person" in same.reasons


def test_incomplete_referral_is_never_auto_decided() -> None:
    assert decide([], S, complete=False).decision == "review"
    assert decide([cand("a", 0.999)], S, complete=False).decision == "review"


def test_result_is_json_for_the_case_and_the_review_panel() -> None:
    r = decide([cand("a", 0.99)], S, model_version="fs-test", population=10)
    data = MatchResult.model_validate_json(r.to_json())
    assert data == r
    assert data.candidates[0].breakdown[0].weight == 6.0 and data.link_threshold == 0.98


def test_every_reason_has_a_sentence_for_the_review_panel() -> None:
    from referral_intake.matching import REASON_TEXT

    r = decide([cand("a", 0.5), cand("b", 0.45)], S)
    assert r.reasons and all(code in REASON_TEXT for code in r.reasons)
