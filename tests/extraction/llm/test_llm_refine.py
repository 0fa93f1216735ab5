"""LLM extractor through the real `anthropic` and `openai` SDKs against a loopback server speaking both wire
formats (Anthropic Messages `/v1/messages` tool_use blocks; OpenAI `/v1/chat/completions` tool_calls)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from referral_intake.contract import DocumentInfo, Extraction, Field, Patient, Provider, Referral
from referral_intake.errors import ConfigurationError
from referral_intake.extraction.llm import make_refiner
from referral_intake.reading.model import Page, ReadDocument, Word
from referral_intake.settings import ExtractionSettings
from referral_intake.store.engine import Store
from referral_intake.store.tables import AuditEvent

Answer = Callable[[dict[str, Any]], dict[str, Any]]  # tool input schema -> tool input


@dataclass
class WireServer:
    """Loopback HTTP server that answers both APIs with a forced tool call built by `answer`."""

    answer: Answer = lambda schema: {}
    status: int = 200
    requests: list[tuple[str, dict[str, str], dict[str, Any]]] = field(default_factory=list)
    url: str = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                if server.status != 200:
                    self._send(server.status, {"error": {"type": "api_error", "message": "overloaded"}})
                elif self.path == "/v1/messages":
                    tool = body["tools"][0]
                    self._send(
                        200,
                        anthropic_message(body["model"], tool["name"], server.answer(tool["input_schema"])),
                    )
                elif self.path == "/v1/chat/completions":
                    fn = body["tools"][0]["function"]
                    self._send(
                        200, openai_completion(body["model"], fn["name"], server.answer(fn["parameters"]))
                    )
                else:
                    self._send(404, {"error": {"message": "no such route"}})

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def anthropic_message(model: str, tool: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "msg_01",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [
            {"type": "text", "text": "Recording the fields."},
            {"type": "tool_use", "id": "toolu_01", "name": tool, "input": tool_input},
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 812, "output_tokens": 96},
    }


def openai_completion(model: str, tool: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-01",
        "object": "chat.completion",
        "created": 1764000000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_01",
                            "type": "function",
                            "function": {"name": tool, "arguments": json.dumps(tool_input)},
                        }
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ],
        "usage": {"prompt_tokens": 812, "completion_tokens": 96, "total_tokens": 908},
    }


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> Iterator[WireServer]:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    ws = WireServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ws.handler())
    ws.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield ws
    httpd.shutdown()
    httpd.server_close()


LINES = [
    "Referral Form",
    "Patient: Wexley, Jorunn   DOB: 03/04/1955",
    "Referring physician: Annika Carrow MD   NPI 1234567893",
    "Member ID: W12 345 678",
]


def read_doc() -> ReadDocument:
    words = []
    for line_no, line in enumerate(LINES):
        for i, token in enumerate(line.split()):
            words.append(
                Word(token, 40 + 30 * i, 60 + 14 * line_no, 65 + 30 * i, 72 + 14 * line_no, line=line_no)
            )
    return ReadDocument(sha256="ab" * 32, media_type="application/pdf", pages=[Page(1, 612, 792, words)])


def draft() -> Extraction:
    ref = Referral(
        pages=[1],
        patient=Patient(
            first_name=Field(value="Jorunn", confidence=0.99, page=1, bbox=[70, 74, 95, 86]),
            last_name=Field(value="Wexley", confidence=0.6, page=1, bbox=[40, 74, 65, 86]),
            date_of_birth=Field(value="1955-04-03", confidence=0.5, page=1),
            mrn=Field(value=None, confidence=0.3),
        ),
        referring_provider=Provider(npi=Field(value="1234567839", confidence=0.4)),
    )
    return Extraction(document=DocumentInfo(sha256="ab" * 32, page_count=1), referrals=[ref])


ANSWERS = {
    "r0.patient.last_name": {"value": "Wexley", "page": 1, "text": "Wexley,"},  # agrees with the draft
    "r0.patient.date_of_birth": {"value": "1955-03-04", "page": 1, "text": "03/04/1955"},  # corrects it
    "r0.patient.mrn": {"value": "MRN-77", "page": 1, "text": "MRN 77"},  # quote not in the document
    "r0.referring_provider.npi": {"value": "1234567890", "page": 1, "text": "1234567890"},  # bad check digit
    "r0.patient.first_name": {"value": "Jorinda", "page": 1, "text": "Jorinda"},  # was not asked: ignored
}


def scripted(schema: dict[str, Any]) -> dict[str, Any]:
    """Answer the properties the schema asks for (plus one it does not, as a careless model might)."""
    asked = set(schema["properties"])
    return {k: v for k, v in ANSWERS.items() if k in asked or k == "r0.patient.first_name"}


def settings_for(provider: str, url: str) -> ExtractionSettings:
    base = url if provider == "anthropic" else f"{url}/v1"
    return ExtractionSettings(
        llm_provider=provider, llm_base_url=base, llm_model="test-model-1", llm_api_key="sk-test-123",
        llm_baa_in_place=True,
    )  # fmt: skip


def test_refuses_when_off_or_without_baa(wire: WireServer) -> None:
    with pytest.raises(ConfigurationError, match="llm_provider"):
        make_refiner(ExtractionSettings(), audit=lambda reason: None)
    no_baa = settings_for("anthropic", wire.url).model_copy(update={"llm_baa_in_place": False})
    with pytest.raises(ConfigurationError, match="llm_baa_in_place"):
        make_refiner(no_baa, audit=lambda reason: None)
    assert wire.requests == []


@pytest.mark.parametrize("provider", ["anthropic", "openai"])
def test_refine_asks_only_unsure_fields_and_merges_capped(wire: WireServer, provider: str) -> None:
    wire.answer = scripted
    audit: list[str] = []
    refiner = make_refiner(settings_for(provider, wire.url), audit=audit.append)
    out = refiner.refine(read_doc(), draft(), threshold=0.95)

    ((path, headers, body),) = wire.requests
    if provider == "anthropic":
        assert path == "/v1/messages" and "anthropic-version" in headers
        # SDK 0.x sends x-api-key; 2.x sends the key as a bearer token.
        assert "sk-test-123" in (
            headers.get("x-api-key"),
            headers.get("authorization", "").removeprefix("Bearer "),
        )
        assert body["tool_choice"] == {"type": "tool", "name": "record_fields"}
        schema = body["tools"][0]["input_schema"]
        prompt = body["messages"][0]["content"]
    else:
        assert path == "/v1/chat/completions" and headers["authorization"] == "Bearer sk-test-123"
        assert body["tool_choice"] == {"type": "function", "function": {"name": "record_fields"}}
        schema = body["tools"][0]["function"]["parameters"]
        prompt = body["messages"][1]["content"]
    assert body["model"] == "test-model-1"
    assert set(schema["properties"]) == {
        "r0.patient.last_name", "r0.patient.date_of_birth", "r0.patient.mrn", "r0.referring_provider.npi",
    }  # fmt: skip
    assert "Member ID: W12 345 678" in prompt  # the document text, line by line

    p = out.referrals[0].patient
    assert p.first_name == draft().referrals[0].patient.first_name  # confident field untouched
    assert (p.last_name.value, p.last_name.confidence, p.last_name.bbox) == ("Wexley", 0.9, [40, 74, 65, 86])
    assert p.date_of_birth is not None and p.date_of_birth.value == "1955-03-04"
    assert p.date_of_birth.confidence == 0.9 and p.date_of_birth.text == "[LLM test-model-1] 03/04/1955"
    assert p.mrn is not None and (p.mrn.value, p.mrn.confidence) == ("MRN77", 0.6)  # unverifiable quote
    npi = out.referrals[0].referring_provider
    assert npi is not None and npi.npi == draft().referrals[0].referring_provider.npi  # type: ignore[union-attr]

    assert len(audit) == 2
    assert audit[0].startswith(f"llm refine via {provider} model=test-model-1 host=127.0.0.1 fields=4")
    assert "outcome=sending" in audit[0] and "outcome=answered" in audit[1]
    assert all("document=" + "ab" * 32 in a for a in audit)
    for secret in ("Wexley", "Jorunn", "1955", "W12"):
        assert not any(secret in a for a in audit)


def test_endpoint_failure_leaves_fields_for_review(wire: WireServer) -> None:
    wire.status = 529
    audit: list[str] = []
    out = make_refiner(settings_for("anthropic", wire.url), audit=audit.append, timeout=5).refine(
        read_doc(), draft(), threshold=0.95
    )
    assert out.referrals == draft().referrals
    assert out.errors == [
        "LLM second reading unavailable (Anthropic endpoint answered HTTP 529); 4 fields left for review"
    ]
    assert "outcome=failed (Anthropic endpoint answered HTTP 529)" in audit[-1]


def test_nothing_unsure_means_no_call(wire: WireServer) -> None:
    audit: list[str] = []
    confident = draft()
    for f in (confident.referrals[0].patient.last_name, confident.referrals[0].patient.date_of_birth):
        assert f is not None
        f.confidence = 0.99
    confident.referrals[0].patient.mrn = None
    confident.referrals[0].referring_provider = None
    out = make_refiner(settings_for("openai", wire.url), audit=audit.append).refine(
        read_doc(), confident, 0.95
    )
    assert out is confident and wire.requests == [] and audit == []


def test_full_extraction_uses_the_contract_schema(wire: WireServer) -> None:
    def whole(schema: dict[str, Any]) -> dict[str, Any]:
        referral = schema["properties"]["referrals"]["items"]
        assert {"patient", "insurance", "referring_provider", "diagnoses"} <= set(referral["properties"])
        return {
            "referrals": [
                {
                    "patient": {
                        "first_name": {"value": "Jorunn", "page": 1, "text": "Jorunn"},
                        "last_name": {"value": "Wexley", "page": 1, "text": "Wexley,"},
                        "date_of_birth": {
                            "value": "03/04/1955",
                            "text": "03/04/1955",
                        },  # not normalized: dropped
                    },
                    "insurance": [{"member_id": {"value": "W12345678", "page": 1, "text": "W12 345 678"}}],
                    "referring_provider": {
                        "npi": {"value": "1234567893", "page": 1, "text": "NPI 1234567893"}
                    },
                    "diagnoses": [
                        {"code": {"value": "Q99.999", "text": "Q99.999"}}
                    ],  # not ICD-10-CM: dropped
                }
            ]
        }

    wire.answer = whole
    out = make_refiner(settings_for("anthropic", wire.url), audit=lambda r: None).extract(read_doc())
    assert out.document.page_count == 1
    (ref,) = out.referrals
    assert ref.patient.first_name is not None and ref.patient.first_name.value == "Jorunn"
    assert ref.patient.first_name.confidence == 0.9 and ref.patient.first_name.page == 1
    assert ref.patient.date_of_birth is None
    assert ref.insurance[0].member_id is not None and ref.insurance[0].member_id.value == "W12345678"
    assert ref.referring_provider is not None and ref.referring_provider.npi is not None
    assert ref.referring_provider.npi.value == "1234567893"
    assert ref.diagnoses == []


def test_calls_are_audited_in_the_store(wire: WireServer, store: Store) -> None:
    wire.answer = scripted
    refiner = make_refiner(settings_for("openai", wire.url), audit=store)
    refiner.refine(read_doc(), draft(), threshold=0.95)
    with store.read() as session:
        rows = session.execute(select(AuditEvent).where(AuditEvent.actor == "llm-extractor")).scalars().all()
    assert [(r.action, r.resource_type, r.resource_id, r.outcome) for r in rows] == [
        ("disclose", "document", "ab" * 32, "success"),
        ("disclose", "document", "ab" * 32, "success"),
    ]
    assert (
        rows[0].reason is not None and "outcome=sending" in rows[0].reason and "Wexley" not in rows[0].reason
    )
