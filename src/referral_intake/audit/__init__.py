"""Append-only, hash-chained audit log of every touch of PHI."""

from referral_intake.audit.chain import AuditEntry, append, record, verify

__all__ = ["AuditEntry", "append", "record", "verify"]
