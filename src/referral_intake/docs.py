"""Generate docs/configuration.md from the settings model: `python -m referral_intake.docs`."""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

from referral_intake.settings import Settings


def _rows(model: type[BaseModel], env_prefix: str, toml_prefix: str) -> list[str]:
    rows: list[str] = []
    for name, info in model.model_fields.items():
        annotation: Any = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.extend(_rows(annotation, f"{env_prefix}{name.upper()}__", f"{toml_prefix}{name}."))
            continue
        default = info.get_default(call_default_factory=True)
        shown = "(secret)" if "SecretStr" in str(annotation) else f"`{default}`"
        rows.append(
            f"| `{env_prefix}{name.upper()}` | `{toml_prefix}{name}` | {shown} | {info.description or ''} |"
        )
    return rows


def render() -> str:
    head = [
        "# Configuration",
        "",
        "Generated from `referral_intake.settings` by `make docs`; do not edit by hand.",
        "Set each as an environment variable or in a TOML file passed with `--config` (or",
        "`REFERRAL_INTAKE_CONFIG`); the environment wins over the file. Nested keys are TOML tables",
        "(`[reading]`, `[web]` ...) and use `__` in the environment.",
        "",
        "| environment variable | TOML key | default | meaning |",
        "|---|---|---|---|",
    ]
    return "\n".join(head + _rows(Settings, "REFERRAL_INTAKE_", "")) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
