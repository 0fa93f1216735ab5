"""REST API under /api/v1 (OpenAPI at /api/v1/openapi.json): everything the UI can do, for integrations."""

from fastapi import APIRouter

from referral_intake.web.api import accounts, audit, cases

router = APIRouter()
router.include_router(cases.router, tags=["cases"])
router.include_router(audit.router, tags=["audit"])
router.include_router(accounts.router, tags=["accounts"])
