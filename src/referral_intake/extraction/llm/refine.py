"""The optional LLM extractor: second opinions on the fields the layout extractor is unsure of.

`LlmRefiner.refine` sends the document text and asks only for the unsure fields; answers are normalized,
checked against the document (the quoted text must occur in it) and merged with a capped confidence, so an
LLM value is never auto-accepted on the model's word alone. Every call is audited before it is sent and
after it returns; audit reasons carry provider, model, host, field count and outcome, never PHI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog
from pydantic import BaseModel

from referral_intake.contract import DocumentInfo, Extraction, Field, PageInfo, Referral, iter_fields
from referral_intake.errors import LlmUnavailable
from referral_intake.extraction.llm.client import ToolCaller, ToolSpec
from referral_intake.extraction.llm.normalize import normalize
from referral_intake.extraction.llm.schema import RULES, fields_tool_schema, full_tool_schema
from referral_intake.reading.model import ReadDocument

log = structlog.get_logger(__name__)
AuditFn = Callable[[str, str], None]  # (document sha256, reason)
MAX_CHARS = 60_000


def document_text(doc: ReadDocument, max_chars: int = MAX_CHARS) -> str:
    """The document as plain text, page by page and line by line (reading's block/line numbers)."""
    parts: list[str] = []
    for page in doc.pages:
        lines: dict[tuple[int, int], list[str]] = {}
        for w in page.words:
            lines.setdefault((w.block, w.line), []).append(w.text)
        body = "\n".join(" ".join(ws) for _, ws in sorted(lines.items()))
        parts.append(f"=== page {page.number} ===\n{body}")
    if doc.body_text:
        parts.append(f"=== message body ===\n{doc.body_text}")
    return "\n".join(parts)[:max_chars]


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


@dataclass
class LlmRefiner:
    """Asks the LLM about unsure fields (refine) or a whole document (extract). Implements `Extractor`."""

    caller: ToolCaller
    audit: AuditFn
    cap: float = 0.9  # an LLM value whose quote is found in the document: reviewed, not auto-accepted
    unverified_cap: float = 0.6  # the quote is not in the document: probably invented
    name: str = "llm"

    def refine(self, doc: ReadDocument, draft: Extraction, threshold: float) -> Extraction:
        """The draft with every field below `threshold` re-read by the LLM; others are left untouched."""
        unsure: dict[str, tuple[int, str, Field]] = {}
        for i, ref in enumerate(draft.referrals):
            for path, field in iter_fields(ref):
                if field.confidence is None or field.confidence < threshold:
                    unsure[f"r{i}.{path}"] = (i, path, field)
        text = document_text(doc)
        if not unsure or not text.strip():
            return draft
        keys = {k: f"referral {i + 1}: {path.replace('.', ' ')}" for k, (i, path, _) in unsure.items()}
        drafts = "\n".join(f"- {k}: {f.value!r}" for k, (_, _, f) in unsure.items())
        user = (
            f"<document>\n{text}\n</document>\n\nAn automatic reader was unsure of these fields; its guesses "
            f"(may be wrong or null):\n{drafts}\n\nCall record_fields with every field listed."
        )
        tool = ToolSpec(
            "record_fields", "Record the requested fields of the referral.", fields_tool_schema(keys)
        )
        out = draft.model_copy(deep=True)
        try:
            answer = self._call(doc, "refine", len(unsure), user, tool)
        except LlmUnavailable as exc:
            out.errors.append(f"LLM second reading unavailable ({exc}); {len(unsure)} fields left for review")
            return out
        squashed = _squash(text)
        for key, item in answer.items():
            if key not in unsure or not isinstance(item, dict):
                continue
            i, path, old = unsure[key]
            new = self._field(path, item, squashed, len(doc.pages))
            if new is None:
                continue
            if new.value == old.value:  # two independent readings agree
                new.confidence = max(old.confidence or 0.0, new.confidence or 0.0)
                new.bbox, new.page = old.bbox, old.page or new.page
            _set(out.referrals[i], path, new)
        return out

    def extract(self, doc: ReadDocument) -> Extraction:
        """A whole extraction by the LLM alone, every value capped (for documents no other extractor reads)."""
        text = document_text(doc)
        info = DocumentInfo(
            sha256=doc.sha256,
            filename=doc.filename,
            media_type=doc.media_type,
            page_count=len(doc.pages),
            pages=[PageInfo(page=p.number, kind=p.kind, text_source=p.text_source) for p in doc.pages],
        )
        if not text.strip():
            return Extraction(document=info, errors=["no text to send to the LLM"])
        tool = ToolSpec("record_referrals", "Record every referral in the document.", full_tool_schema())
        user = (
            f"<document>\n{text}\n</document>\n\nCall record_referrals with every referral in the document."
        )
        answer = self._call(doc, "extract", 0, user, tool)
        squashed = _squash(text)
        referrals = []
        for raw in answer.get("referrals") or []:
            if isinstance(raw, dict):
                referrals.append(self._referral(raw, squashed, len(doc.pages)))
        return Extraction(document=info, referrals=referrals)

    def _call(self, doc: ReadDocument, purpose: str, n: int, user: str, tool: ToolSpec) -> dict[str, Any]:
        c = self.caller
        what = f"llm {purpose} via {c.provider} model={c.model} host={c.endpoint_host} fields={n}"
        self.audit(doc.sha256, f"{what} outcome=sending")  # audited before any PHI leaves
        try:
            answer = c.call(RULES, user, tool)
        except LlmUnavailable as exc:
            self.audit(doc.sha256, f"{what} outcome=failed ({exc})")
            log.warning("llm_call_failed", provider=c.provider, purpose=purpose, error=str(exc))
            raise
        self.audit(doc.sha256, f"{what} outcome=answered keys={len(answer)}")
        return answer

    def _field(self, path: str, item: dict[str, Any], squashed_doc: str, pages: int) -> Field | None:
        value = normalize(path, item.get("value"))
        if value is None:
            return None
        quote = item.get("text") if isinstance(item.get("text"), str) else None
        found = bool(quote and quote.strip() and _squash(quote) in squashed_doc)
        page = item.get("page")
        return Field(
            value=value,
            confidence=self.cap if found else self.unverified_cap,
            page=page if isinstance(page, int) and 1 <= page <= pages else None,
            text=f"[LLM {self.caller.model}] {quote}" if quote else f"[LLM {self.caller.model}]",
        )

    def _referral(self, raw: dict[str, Any], squashed_doc: str, pages: int) -> Referral:
        """Contract `Referral` from the tool input, each field normalized and capped (invalid ones dropped)."""

        def walk(node: Any, prefix: str) -> Any:
            if (
                isinstance(node, dict)
                and "value" in node
                and set(node) <= {"value", "page", "text", "confidence"}
            ):
                return self._field(prefix, node, squashed_doc, pages)
            if isinstance(node, dict):
                return {
                    k: w
                    for k, v in node.items()
                    if (w := walk(v, f"{prefix}.{k}" if prefix else k)) is not None
                }
            if isinstance(node, list):
                return [w for j, v in enumerate(node) if (w := walk(v, f"{prefix}.{j}")) is not None]
            return None

        cleaned = walk(raw, "")
        for coded_list in ("diagnoses", "procedures"):
            cleaned[coded_list] = [
                d for d in cleaned.get(coded_list, []) if isinstance(d, dict) and "code" in d
            ]
        cleaned.pop("pages", None)
        return Referral.model_validate(cleaned)


def _set(root: BaseModel, path: str, field: Field) -> None:
    """Replace the field at a dotted path (`insurance.0.member_id`) inside a referral."""
    parts = path.split(".")
    node: Any = root
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else getattr(node, part)
    last = parts[-1]
    if last.isdigit():
        node[int(last)] = field
    else:
        setattr(node, last, field)
