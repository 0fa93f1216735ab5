"""Stage callables for pipeline tests: a tiny deterministic reader/extractor over a text format.

They stand in for reading and extraction so these tests exercise the state machine, the runner, its
leases and its transactions, which is what they are about.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

from referral_intake.cases.deps import Deps, open_vault
from referral_intake.contract import DocumentInfo, Extraction, Field, Patient, Referral
from referral_intake.reading.model import Page, ReadDocument, Word
from referral_intake.settings import Settings
from referral_intake.store.engine import Store


def read_text(data: bytes, filename: str | None) -> ReadDocument:
    signal = os.environ.get("RI_TEST_READ_SIGNAL")
    if signal:  # the kill test: announce that the stage is running, then hang until killed
        Path(signal).write_text("reading")
        time.sleep(120)
    if data.startswith(b"BOOM"):
        raise RuntimeError("synthetic stage failure")
    pages = []
    for i, chunk in enumerate(data.decode().split("\f"), start=1):
        words = [Word(t, 10.0 * j, 10.0, 10.0 * j + 8, 18.0) for j, t in enumerate(chunk.split())]
        pages.append(Page(number=i, width=612, height=792, words=words))
    return ReadDocument(sha256=hashlib.sha256(data).hexdigest(), media_type="text/plain", pages=pages)


def extract_text(doc: ReadDocument) -> Extraction:
    referrals = []
    for page in doc.pages:
        words = [w.text for w in page.words]
        if len(words) >= 3 and words[0] == "PATIENT":
            referrals.append(
                Referral(
                    pages=[page.number],
                    patient=Patient(
                        first_name=Field(value=words[1], confidence=0.99),
                        last_name=Field(value=words[2], confidence=0.99),
                        date_of_birth=Field(value=words[3] if len(words) > 3 else None, confidence=0.99),
                    ),
                )
            )
    info = DocumentInfo(sha256=doc.sha256, page_count=len(doc.pages))
    return Extraction(document=info, referrals=referrals)


def match_none(referral: Referral) -> dict[str, Any]:
    return {"decision": "new", "patient_id": None, "candidates": []}


def eligibility_unknown(referral: Referral) -> dict[str, Any]:
    return {"status": "unknown", "reason": "eligibility unknown: offline"}


def fake_deps(settings: Settings, store: Store) -> Deps:
    return Deps(
        settings=settings,
        store=store,
        vault=open_vault(settings),
        read=read_text,
        extract=extract_text,
        match=match_none,
        check_eligibility=eligibility_unknown,
        connectors=["embedded"],
    )
