"""The server-rendered review UI (Jinja2 templates, htmx, one static script per page; no inline script)."""

from fastapi import APIRouter

from referral_intake.web.ui import admin, audit, auth, case, queue

router = APIRouter(include_in_schema=False)
for _module in (auth, queue, case, audit, admin):
    router.include_router(_module.router)
