"""One exception hierarchy for the product. Messages name the thing and the fix, never PHI.

IntakeError
├── ConfigurationError        settings or mapping files that cannot work
│   └── MappingError          an EHR mapping names a table/column that is wrong
├── UnreadableDocument        a document that cannot be read (truncated, encrypted, bomb, ...)
├── VaultError                stored bytes missing, tampered with, or a key that does not open them
├── AuditChainBroken          the audit hash chain does not verify
├── InvalidTransition         a case asked to move along an edge the state machine lacks
├── EhrUnavailable            the EHR did not answer; the export will be retried
├── EhrRejected               the EHR answered but refused the export
├── EligibilityError          a payer or clearinghouse answer that cannot be used
│   ├── X12Error              malformed X12, or not the transaction expected
│   └── PayerUnavailable      no usable answer from the payer (timeout, offline, open circuit)
├── AccountError              a user or token that cannot be created, found or used
└── ReviewConflict            a review action that cannot apply now (claimed by another, bad value)
"""

from __future__ import annotations


class IntakeError(Exception):
    """Base of every error this product raises on purpose."""

    code: str = "intake_error"


class ConfigurationError(IntakeError):
    code = "configuration"


class MappingError(ConfigurationError):
    code = "mapping"


class UnreadableDocument(IntakeError):
    """The document could not be read. `reason` is a short machine code (encrypted, truncated, ...)."""

    code = "unreadable"

    def __init__(self, message: str, reason: str = "unreadable") -> None:
        super().__init__(message)
        self.reason = reason


class VaultError(IntakeError):
    code = "vault"


class AuditChainBroken(IntakeError):
    code = "audit_chain"


class InvalidTransition(IntakeError):
    code = "invalid_transition"


class EhrUnavailable(IntakeError):
    code = "ehr_unavailable"


class EhrRejected(IntakeError):
    """The EHR answered but refused the export (HL7 AE/AR, FHIR 4xx, a database constraint).

    `permanent` means retrying the same data cannot succeed (the outbox then fails the export at once).
    """

    code = "ehr_rejected"

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class EligibilityError(IntakeError):
    code = "eligibility"


class X12Error(EligibilityError):
    """An X12 document that is malformed or not the transaction expected (e.g. not a 271)."""

    code = "x12"


class PayerUnavailable(EligibilityError):
    """The payer or clearinghouse gave no usable answer. `reason`: timeout, offline, circuit_open, http, ..."""

    code = "payer_unavailable"

    def __init__(self, message: str, reason: str = "unavailable") -> None:
        super().__init__(message)
        self.reason = reason


class AccountError(IntakeError):
    code = "account"


class ReviewConflict(IntakeError):
    code = "review_conflict"


class LlmUnavailable(IntakeError):
    """The LLM endpoint gave no usable answer (HTTP error, timeout, no tool call). Fields stay for review."""

    code = "llm_unavailable"
