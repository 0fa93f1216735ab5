"""Every knob in one place: environment variables `REFERRAL_INTAKE_*` and an optional TOML file.

Nested groups use a double underscore in the environment, e.g. `REFERRAL_INTAKE_READING__OCR_ENGINE`.
`referral-intake config show` prints the effective settings with secrets masked; docs/configuration.md is
generated from this model (`make docs`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class ReadingSettings(BaseModel):
    ocr_engine: Literal["rapidocr", "tesseract"] = Field(
        "rapidocr", description="OCR engine for image pages."
    )
    ocr_det_side: int = Field(960, description="RapidOCR detector input size (max side, pixels).")
    ocr_threads: int = Field(2, description="ONNX Runtime intra-op threads per worker process.")
    timeout_seconds: float = Field(120.0, description="Wall-clock limit for reading one document.")
    memory_limit_mb: int = Field(
        3000,
        description="Address-space (virtual, not resident) limit of the parsing subprocess; ONNX Runtime "
        "reserves about twice its resident memory.",
    )
    max_pages: int = Field(500, description="Documents with more pages are refused.")
    max_pixels: int = Field(60_000_000, description="Largest image (width x height) accepted.")
    max_attachments: int = Field(50, description="Most attachments read from one e-mail.")
    max_attachment_bytes: int = Field(
        50_000_000, description="Largest attachment (decoded) read from an e-mail."
    )
    sandbox: bool = Field(True, description="Parse in a separate process with limits.")
    max_stream_bytes: int = Field(
        200_000_000, description="Largest decompressed PDF stream accepted (refuses decompression bombs)."
    )
    ocr_dpi: int = Field(
        200, description="Resolution at which PDF pages without a usable text layer are OCRed."
    )
    ocr_rec_batch: int = Field(2, description="Text lines recognized per RapidOCR batch (memory vs. speed).")
    ocr_ascii_only: bool = Field(
        True,
        description="RapidOCR reads only printable ASCII (US fax print; stops specks reading as accents); "
        "turn off for documents with accented or non-Latin text.",
    )


class ExtractionSettings(BaseModel):
    review_threshold: float = Field(
        0.95, description="Fields below this confidence are flagged for review; all above: auto-accepted."
    )
    llm_provider: Literal["off", "anthropic", "openai"] = Field("off", description="Optional LLM extractor.")
    llm_base_url: str | None = Field(
        None, description="Endpoint of the LLM (OpenAI-compatible or Anthropic)."
    )
    llm_model: str | None = Field(None, description="Model name for the LLM extractor.")
    llm_api_key: SecretStr | None = Field(None, description="API key for the LLM endpoint.")
    llm_baa_in_place: bool = Field(
        False, description="Must be true (a BAA covers the endpoint) before any PHI is sent to an LLM."
    )


class MatchingSettings(BaseModel):
    link_threshold: float = Field(0.98, description="Auto-link when the best candidate is at or above this.")
    new_patient_threshold: float = Field(0.02, description="New chart only when every candidate is below.")
    min_margin: float = Field(0.2, description="Best candidate must lead the second by this much to link.")
    duplicate_window_days: int = Field(
        14, description="Same patient + reason within this window = duplicate."
    )
    duplicate_reason_similarity: float = Field(
        0.8, description="Reasons at least this similar (token overlap, 0-1) count as the same reason."
    )
    returning_rate: float = Field(
        0.5,
        description="Prior share of referrals for patients who already have a chart (sets the lookup prior).",
    )
    ehr_population: int | None = Field(
        None, description="Charts in the EHR (lookup prior); default: the reader's count, else the model's."
    )
    model_path: Path | None = Field(
        None, description="Matching model JSON (`referral-intake match-train`); default: the shipped model."
    )
    max_candidates: int = Field(50, description="Most charts one lookup fetches and scores.")


class EligibilitySettings(BaseModel):
    client: Literal["offline", "core", "json"] = Field("offline", description="Eligibility transport.")
    endpoint: str | None = Field(None, description="URL of the CORE or JSON eligibility endpoint.")
    timeout_seconds: float = Field(15.0, description="Most time one payer may take.")
    provider_npi: str | None = Field(None, description="The practice's NPI (270 information receiver).")
    provider_name: str | None = Field(None, description="The practice's name (270 information receiver).")
    sender_id: str = Field("REFINTAKE", description="ISA06 interchange sender id.")
    username: str | None = Field(None, description="CORE envelope user name.")
    password: SecretStr | None = Field(None, description="CORE envelope password.")
    core_mode: Literal["soap", "mime"] = Field(
        "soap", description="CORE Phase II envelope: SOAP 1.2 or MIME."
    )
    receiver_id: str | None = Field(None, description="ISA08/CORE ReceiverID; default: the payer id.")
    usage_indicator: Literal["P", "T"] = Field("P", description="ISA15: P production, T test.")
    trace_originator: str = Field("9000000000", description="TRN03: '9' + 9-digit id of this practice.")
    max_attempts: int = Field(3, description="Tries per check (retries back off, all within the timeout).")
    backoff_seconds: float = Field(0.25, description="First retry delay; doubles each retry, with jitter.")
    breaker_failures: int = Field(5, description="Consecutive failures that open a payer's circuit.")
    breaker_reset_seconds: float = Field(60.0, description="An open circuit lets one trial through after.")
    payer_match_threshold: float = Field(88.0, description="Lowest fuzzy score (0-100) to accept a payer.")


class WebSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Address `serve` listens on.")
    port: int = Field(8000, description="Port `serve` listens on.")
    idle_timeout_minutes: int = Field(15, description="Automatic logoff after this long idle.")
    absolute_session_hours: int = Field(12, description="A session ends after this long, active or not.")
    require_mfa: bool = Field(True, description="TOTP is required for every account.")
    claim_timeout_minutes: int = Field(30, description="A claimed case is released after this long idle.")
    tls_certfile: Path | None = Field(None, description="Serve HTTPS (TLS 1.2+) with this certificate.")
    tls_keyfile: Path | None = Field(None, description="Private key for tls_certfile.")
    secure_cookies: bool | None = Field(
        None, description="Secure cookie flag; default: on unless plain loopback."
    )
    max_failed_logins: int = Field(5, description="Failed sign-ins in a row before an account is locked.")
    lockout_minutes: int = Field(15, description="How long a locked account stays locked.")
    address_failures_limit: int = Field(
        20, description="Failed sign-ins from one address within lockout_minutes before it is throttled."
    )
    sla_hours: dict[str, float] = Field(
        default_factory=lambda: {"stat": 1.0, "urgent": 8.0, "routine": 48.0},
        description="Review deadline per urgency; the queue colours a case amber at half, red past it.",
    )
    page_cache_mb: int = Field(64, description="Memory for rendered page images (LRU).")


class EhrSettings(BaseModel):
    export_max_attempts: int = Field(10, description="Tries of one EHR export before it fails and alerts.")
    export_backoff_seconds: float = Field(30.0, description="Wait before the first retry; doubles each time.")
    export_backoff_max_seconds: float = Field(3600.0, description="Longest wait between two export tries.")
    export_lease_seconds: float = Field(
        300.0, description="An export whose worker died is sent again (same idempotency key) after this."
    )


class Settings(BaseSettings):
    """The effective configuration of one installation (one data directory)."""

    model_config = SettingsConfigDict(
        env_prefix="REFERRAL_INTAKE_", env_nested_delimiter="__", extra="ignore", validate_default=True
    )
    config_file: ClassVar[Path | None] = None

    data_dir: Path = Field(
        Path("var"), description="Holds the embedded database, the vault and the local key."
    )
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite in data_dir.")
    key_provider: Literal["local"] = Field(
        "local", description="Key-encryption key provider (local key file)."
    )
    key_file: Path | None = Field(None, description="Local key file; default: data_dir/keys/kek.key.")
    workers: int = Field(2, description="In-process worker threads of `serve` and `process`.")
    lease_seconds: int = Field(300, description="A case whose worker stops heartbeating is retried after.")
    log_level: str = Field("INFO", description="Log level of the referral_intake logger.")

    reading: ReadingSettings = Field(default_factory=ReadingSettings)
    extraction: ExtractionSettings = Field(default_factory=ExtractionSettings)
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    eligibility: EligibilitySettings = Field(default_factory=EligibilitySettings)
    web: WebSettings = Field(default_factory=WebSettings)
    ehr: EhrSettings = Field(default_factory=EhrSettings)
    ehr_connectors: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Active EHR connectors, each a table with `kind` (sql, fhir, hl7v2).",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = cls.config_file or _env_config_path()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'referral-intake.db').resolve()}"

    @property
    def effective_key_file(self) -> Path:
        return self.key_file or self.data_dir / "keys" / "kek.key"

    def masked(self) -> dict[str, Any]:
        """The settings as plain data with every secret (and passwords inside URLs) masked."""
        masked: dict[str, Any] = _mask(self.model_dump(mode="json"))
        return masked


def _env_config_path() -> Path | None:
    raw = os.environ.get("REFERRAL_INTAKE_CONFIG")
    return Path(raw) if raw else None


_SECRET_WORDS = ("password", "secret", "api_key", "token")


def _mask(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _mask(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v, key) for v in value]
    if isinstance(value, str) and any(w in key.lower() for w in _SECRET_WORDS):
        return "**********"
    if isinstance(value, str) and "://" in value and "@" in value:
        from sqlalchemy.engine import make_url

        try:
            return make_url(value).render_as_string(hide_password=True)
        except Exception:
            return "**********"
    return value


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from the environment, an optional TOML file and explicit overrides."""
    if config is not None and not config.exists():
        from referral_intake.errors import ConfigurationError

        raise ConfigurationError(f"configuration file not found: {config}")
    Settings.config_file = config
    try:
        return Settings(**overrides)
    finally:
        Settings.config_file = None
