"""Forced tool calls to an LLM: Anthropic Messages API (official `anthropic` SDK) or any OpenAI-compatible
chat-completions endpoint (official `openai` SDK: OpenAI, vLLM, llama.cpp server, Ollama...).

Both return the tool's input as a dict. The SDKs are imported on first use (they take seconds to import).
Errors become LlmUnavailable with the status or exception class only: SDK messages can echo the prompt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from referral_intake.errors import ConfigurationError, LlmUnavailable
from referral_intake.settings import ExtractionSettings


@dataclass(frozen=True, slots=True)
class ToolSpec:
    name: str
    description: str
    input_schema: dict[str, Any]


class ToolCaller(Protocol):
    provider: str
    model: str
    endpoint_host: str

    def call(self, system: str, user: str, tool: ToolSpec) -> dict[str, Any]: ...


def _host(url: str | None, default: str) -> str:
    return urlsplit(url).hostname or default if url else default


class AnthropicCaller:
    """Claude through `anthropic.Anthropic().messages.create` with `tool_choice` forcing our one tool."""

    provider = "anthropic"

    def __init__(self, model: str, api_key: str | None, base_url: str | None, timeout: float) -> None:
        import anthropic

        self.model = model
        self.endpoint_host = _host(base_url, "api.anthropic.com")
        self._sdk = anthropic
        self._client = anthropic.Anthropic(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=1)

    def call(self, system: str, user: str, tool: ToolSpec) -> dict[str, Any]:
        try:
            msg = self._client.messages.create(
                model=self.model,
                max_tokens=4096,  # no temperature: this SDK's Messages API no longer takes sampling knobs
                system=system,
                messages=[{"role": "user", "content": user}],
                tools=[
                    {"name": tool.name, "description": tool.description, "input_schema": tool.input_schema}
                ],
                tool_choice={"type": "tool", "name": tool.name},
            )
        except self._sdk.APIStatusError as exc:
            raise LlmUnavailable(f"Anthropic endpoint answered HTTP {exc.status_code}") from None
        except self._sdk.APIError as exc:
            raise LlmUnavailable(f"Anthropic endpoint failed ({type(exc).__name__})") from None
        for block in msg.content:
            if block.type == "tool_use" and block.name == tool.name and isinstance(block.input, dict):
                return dict(block.input)
        raise LlmUnavailable(f"Anthropic answer had no {tool.name} tool call (stop_reason {msg.stop_reason})")


class OpenAICaller:
    """Chat completions with `tools` + a forced `tool_choice` (the OpenAI wire format vLLM/llama.cpp speak)."""

    provider = "openai"

    def __init__(self, model: str, api_key: str | None, base_url: str | None, timeout: float) -> None:
        import openai

        self.model = model
        self.endpoint_host = _host(base_url, "api.openai.com")
        self._sdk = openai
        # Self-hosted servers often need no key, but the SDK insists on one.
        self._client = openai.OpenAI(
            api_key=api_key or "not-needed", base_url=base_url, timeout=timeout, max_retries=1
        )

    def call(self, system: str, user: str, tool: ToolSpec) -> dict[str, Any]:
        try:
            resp = self._client.chat.completions.create(
                model=self.model,
                temperature=0.0,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                tools=[
                    {
                        "type": "function",
                        "function": {
                            "name": tool.name,
                            "description": tool.description,
                            "parameters": tool.input_schema,
                        },
                    }
                ],
                tool_choice={"type": "function", "function": {"name": tool.name}},
            )
        except self._sdk.APIStatusError as exc:
            raise LlmUnavailable(f"OpenAI-compatible endpoint answered HTTP {exc.status_code}") from None
        except self._sdk.APIError as exc:
            raise LlmUnavailable(f"OpenAI-compatible endpoint failed ({type(exc).__name__})") from None
        if not resp.choices:
            raise LlmUnavailable("OpenAI-compatible answer had no choices")
        for call in resp.choices[0].message.tool_calls or []:
            fn = getattr(call, "function", None)
            if fn is not None and fn.name == tool.name:
                try:
                    args = json.loads(fn.arguments)
                except json.JSONDecodeError:
                    raise LlmUnavailable(f"{tool.name} arguments were not valid JSON") from None
                if isinstance(args, dict):
                    return args
        raise LlmUnavailable(f"OpenAI-compatible answer had no {tool.name} tool call")


def make_caller(settings: ExtractionSettings, timeout: float = 60.0) -> ToolCaller:
    """The configured caller; refuses unless a BAA covers the endpoint (`extraction.llm_baa_in_place`)."""
    if settings.llm_provider == "off":
        raise ConfigurationError(
            "the LLM extractor is off: set extraction.llm_provider (REFERRAL_INTAKE_EXTRACTION__LLM_PROVIDER) "
            "to 'anthropic' or 'openai' to use it"
        )
    if not settings.llm_baa_in_place:
        raise ConfigurationError(
            "refusing to send documents to an LLM: set extraction.llm_baa_in_place "
            "(REFERRAL_INTAKE_EXTRACTION__LLM_BAA_IN_PLACE=true) only once a business associate agreement "
            "covers the endpoint, or keep it on premises"
        )
    if not settings.llm_model:
        raise ConfigurationError("extraction.llm_model must name the model for the LLM extractor")
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    if settings.llm_provider == "anthropic":
        return AnthropicCaller(settings.llm_model, key, settings.llm_base_url, timeout)
    return OpenAICaller(settings.llm_model, key, settings.llm_base_url, timeout)
