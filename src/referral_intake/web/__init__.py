"""The web front: FastAPI app serving the review UI (Jinja2 + htmx) and the REST API under /api/v1."""

from referral_intake.web.app import create_app

__all__ = ["create_app"]
