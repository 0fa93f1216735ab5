"""API bodies and answers (pydantic): the REST surface's typed contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class QueueItem(BaseModel):
    id: int
    state: str
    urgency: str
    received_at: datetime
    age_hours: float
    sla: str
    sender: str | None
    reasons: list[str]
    assignee: str | None
    patient: str


class QueueOut(BaseModel):
    total: int
    by_state: dict[str, int]
    by_urgency: dict[str, int]
    items: list[QueueItem]


class FieldOut(BaseModel):
    path: str
    label: str
    value: str
    confidence: float | None
    page: int | None
    bbox: list[float] | None
    flagged: bool
    low_confidence: bool
    disagree: bool
    invalid: str | None
    confirmed: bool


class HistoryOut(BaseModel):
    at: str
    actor: str
    kind: str
    text: str


class CaseOut(BaseModel):
    id: int
    state: str
    urgency: str | None
    sender: str | None
    received_at: datetime
    assignee: str | None
    claimed_until: datetime | None
    parent_case_id: int | None
    pages: list[int]
    review_reasons: list[str]
    patient_ref: str | None
    fields: list[FieldOut]
    match: dict[str, Any] | None
    eligibility: dict[str, Any] | None
    history: list[HistoryOut]
    extraction: dict[str, Any] | None


class FieldIn(BaseModel):
    path: str = Field(max_length=200)
    value: str = Field("", max_length=4000)


class FieldResult(BaseModel):
    path: str
    value: str
    flagged_left: int


class MatchIn(BaseModel):
    patient_id: str | None = Field(
        None, max_length=100, description="A candidate's id, or null for a new patient."
    )


class RejectIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    return_to_sender: bool = False


class SplitIn(BaseModel):
    pages: list[int] = Field(min_length=1)


class AssignIn(BaseModel):
    assignee: str | None = Field(None, max_length=100, description="User name, or null to release the claim.")


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=4000)


class CommentOut(BaseModel):
    id: int
    author: str
    at: datetime
    body: str


class StateOut(BaseModel):
    id: int
    state: str
    assignee: str | None = None


class SplitOut(BaseModel):
    id: int
    new_case_id: int


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    resource_type: str
    resource_id: str | None
    outcome: str
    client_addr: str | None
    reason: str | None


class UserIn(BaseModel):
    username: str = Field(max_length=100)
    role: str
    password: str = Field(max_length=1000)


class UserOut(BaseModel):
    username: str
    role: str
    disabled: bool
    locked: bool
    last_login_at: datetime | None


class EnrolmentOut(BaseModel):
    username: str
    otpauth_uri: str


class ResetIn(BaseModel):
    password: str | None = Field(None, max_length=1000)
    role: str | None = None


class TokenIn(BaseModel):
    name: str = Field(max_length=100)
    role: str
    days: int | None = Field(365, ge=1, le=3650)


class TokenOut(BaseModel):
    id: int
    name: str
    role: str
    revoked: bool
    expires_at: datetime | None
    token: str | None = Field(None, description="The secret: returned once, at creation.")


class MeOut(BaseModel):
    name: str
    role: str
    permissions: list[str]
