"""The interface every extractor implements: a read document in, an `Extraction` (contract shape) out."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from referral_intake.contract import Extraction
from referral_intake.reading.model import ReadDocument


@runtime_checkable
class Extractor(Protocol):
    """Layout, structured and LLM extractors all look like this to the pipeline."""

    name: str

    def extract(self, doc: ReadDocument) -> Extraction: ...
