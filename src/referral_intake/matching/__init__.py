"""Patient matching against the EHR (Fellegi-Sunter with EM), duplicate referrals, and duplicate charts.

Public API for the pipeline and the review UI: `match_referral`, `MatchResult`, `decide`,
`find_duplicate_referral`, `RecentReferral`, `EmbeddedEhr`.
"""

from referral_intake.matching.decide import (
    REASON_TEXT,
    AttributeScore,
    Candidate,
    CandidatePatient,
    MatchResult,
    decide,
)
from referral_intake.matching.duplicates import DuplicateReferral, RecentReferral, find_duplicate_referral
from referral_intake.matching.embedded_ehr import EmbeddedEhr
from referral_intake.matching.match import match_query, match_referral
from referral_intake.matching.model import FsModel, default_model

__all__ = [
    "REASON_TEXT",
    "AttributeScore",
    "Candidate",
    "CandidatePatient",
    "DuplicateReferral",
    "EmbeddedEhr",
    "FsModel",
    "MatchResult",
    "RecentReferral",
    "decide",
    "default_model",
    "find_duplicate_referral",
    "match_query",
    "match_referral",
]
