"""Roles and what each may do. Every route names one permission; this table is the whole policy."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    AUDITOR = "auditor"


class Perm(StrEnum):
    QUEUE = "queue.view"  # the review queue (patient names: PHI)
    CASE_VIEW = "case.view"  # a case, its page images, history
    CASE_EDIT = "case.edit"  # claim, field edits, match choice, split, comments
    CASE_REJECT = "case.reject"  # reject / return to sender
    CASE_APPROVE = "case.approve"  # approve for export
    CASE_REASSIGN = "case.reassign"  # take over or release someone else's claim
    USERS = "users.manage"  # accounts and API tokens
    AUDIT = "audit.read"  # the audit log and its CSV export
    SELF = "self"  # any signed-in user: own account, sign out


_CLERK = frozenset({Perm.QUEUE, Perm.CASE_VIEW, Perm.CASE_EDIT, Perm.CASE_REJECT, Perm.SELF})

# Admins manage people and integrations but see no patient data; auditors read the log and nothing else.
PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.CLERK: _CLERK,
    Role.SUPERVISOR: _CLERK | {Perm.CASE_APPROVE, Perm.CASE_REASSIGN},
    Role.ADMIN: frozenset({Perm.USERS, Perm.SELF}),
    Role.AUDITOR: frozenset({Perm.AUDIT, Perm.SELF}),
}


def allows(role: str, perm: Perm) -> bool:
    try:
        return perm in PERMISSIONS[Role(role)]
    except ValueError:
        return False
