"""X12 005010X279A1: build 270 inquiries and parse 271 responses."""

from referral_intake.eligibility.x12.build270 import Built270, Envelope, Inquiry, Person, build_270
from referral_intake.eligibility.x12.parse271 import Benefit, Entity, Rejection, Response271, parse_271

__all__ = [
    "Benefit",
    "Built270",
    "Entity",
    "Envelope",
    "Inquiry",
    "Person",
    "Rejection",
    "Response271",
    "build_270",
    "parse_271",
]
