"""The review flow in real headless Chromium: sign in with TOTP, queue, fix a flagged field by keyboard,
choose the patient, approve, export over a real MLLP link; screenshots and axe-core on queue and case pages.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest
import uvicorn

from referral_intake.accounts.service import create_user
from referral_intake.review.samples import add_review_case
from referral_intake.settings import load_settings
from referral_intake.store.engine import Store
from referral_intake.store.tables import Case, Outbox
from referral_intake.vault import LocalKeyProvider, Vault
from referral_intake.web import create_app

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "e2e"
PASSWORD = "correct horse battery staple"
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Engine:
    """An interface engine on loopback: hl7apy's MLLP server answering AA to every referral message."""

    def __init__(self) -> None:
        from hl7apy.mllp import AbstractHandler, MLLPServer
        from hl7apy.parser import parse_message

        self.received: list[str] = []
        engine = self

        class Ack(AbstractHandler):  # type: ignore[misc]
            def reply(self) -> str:
                control = parse_message(self.incoming_message, find_groups=False).msh.msh_10.value
                engine.received.append(control)
                return f"\x0bMSH|^~\\&|EHR|EHR|RI|RI|20261125120000||ACK|A1|P|2.5.1\rMSA|AA|{control}\r\x1c\r"

        self.port = _free_port()
        handlers = {t: (Ack,) for t in ("ADT^A04^ADT_A01", "REF^I12^REF_I12")}
        self.server = MLLPServer("127.0.0.1", self.port, handlers, timeout=5)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Site:
    url: str
    store: Store
    vault: Vault
    secret: str
    case_id: int
    other_ids: list[int]
    engine: _Engine


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium missing: apt-get install -y chromium (the browser tests need Debian's Chromium)"
        )
    settings = load_settings(data_dir=tmp_path / "var", web={"secure_cookies": False})
    store = Store.open(settings)
    vault = Vault(settings.data_dir / "vault", LocalKeyProvider(settings.effective_key_file))
    with store.begin() as s:
        uri = create_user(s, "erin", "supervisor", PASSWORD)
        target = add_review_case(s, vault, pages=2, urgency="stat", salt="target").id
        others = [add_review_case(s, vault, urgency=u, salt=u).id for u in ("routine", "urgent")]
    m = re.search(r"secret=([A-Z2-7]+)", uri)
    assert m is not None
    engine = _Engine()
    app = create_app(settings, store, connectors=lambda: ["engine"], vault=vault)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield Site(f"http://127.0.0.1:{port}", store, vault, m[1], target, others, engine)
    server.should_exit = True
    thread.join(10)
    engine.stop()
    store.dispose()


def _axe(page: Any, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    (ARTIFACTS / f"axe-{name}.txt").write_text(
        results.generate_report() if bad else "no serious or critical violations\n"
    )
    assert not bad, f"axe on {name}: " + "; ".join(f"{v['id']} ({v['impact']}): {v['help']}" for v in bad)


def test_review_flow_in_chromium(site: Site) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    csp_errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        console_errors: list[str] = []
        page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
        page.on(
            "console",
            lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
        )

        page.goto(site.url + "/login")
        page.get_by_label("Username").fill("erin")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Authentication code").fill(pyotp.TOTP(site.secret).now())
        page.get_by_role("button", name="Sign in").click()

        expect(page).to_have_url(re.compile(r"/queue$"))
        links = page.locator("table.queue tbody a")
        expect(links).to_have_count(3)
        expect(links.first).to_have_text(
            re.compile(rf"^{site.case_id}\b")
        )  # STAT first, text starts with the id
        page.screenshot(path=str(ARTIFACTS / "01-queue.png"), full_page=True)
        _axe(page, "queue")
        # filters swap only the table (htmx, under the strict CSP) and keep the URL shareable
        page.get_by_label("Sender").fill("no-such-sender")
        page.get_by_label("Sender").press("Enter")
        expect(page.locator("#queue-table")).to_contain_text("Nothing to review")
        expect(page).to_have_url(re.compile(r"sender=no-such-sender"))
        page.get_by_label("Sender").fill("")
        page.get_by_label("Sender").press("Enter")
        expect(links).to_have_count(3)

        links.first.click()
        expect(page).to_have_url(re.compile(rf"/cases/{site.case_id}$"))
        expect(page.locator("#page-1 img")).to_be_visible()
        page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        # the flagged field has focus first and its source box is outlined on page 1
        dob = page.locator('form.field[data-path="patient.date_of_birth"] input[name=value]')
        expect(dob).to_be_focused()
        expect(page.locator("#page-1 .hl")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "02-case-flagged.png"), full_page=True)
        _axe(page, "case")

        # keyboard only from here: an impossible date is refused with a message, then a good one confirmed
        page.keyboard.press("Control+A")
        page.keyboard.type("02/30/1961")
        page.keyboard.press("Enter")
        msg = page.locator('form.field[data-path="patient.date_of_birth"] .msg')
        expect(msg).to_contain_text("does not exist")
        expect(dob).to_have_attribute("aria-invalid", "true")
        page.keyboard.press("Control+A")
        page.keyboard.type("04/13/1961")
        page.keyboard.press("Enter")
        expect(msg).to_have_text("Confirmed")
        expect(dob).to_have_value("1961-04-13")
        expect(page.locator("#flag-count")).to_have_text("0 flagged")

        page.keyboard.press("Alt+M")  # the match panel: choose the first candidate, save with Tab + Enter
        first = page.locator("#cand-1")
        expect(first).to_be_focused()
        page.keyboard.press("Space")
        expect(first).to_be_checked()
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Save patient choice")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#match")).to_contain_text("Chosen by erin")
        page.screenshot(path=str(ARTIFACTS / "03-case-matched.png"), full_page=True)

        page.keyboard.press("Alt+A")
        expect(page.locator("#case-state")).to_have_text("approved")
        with site.store.read() as s:
            case = s.get(Case, site.case_id)
            assert case is not None and case.patient_ref == "pt-1001"
            assert [o.connector for o in s.query(Outbox).filter_by(case_id=site.case_id)] == ["engine"]

        # the outbox worker (run here in-process, as `serve` does) sends the export over MLLP
        from referral_intake.ehr.hl7v2 import Hl7Connector
        from referral_intake.ehr.outbox import deliver_due

        connector = Hl7Connector("engine", "127.0.0.1", site.engine.port, timeout_seconds=5, retries=0)
        delivered = deliver_due(site.store, {"engine": connector}, site.vault)
        assert delivered == 1
        assert site.engine.received
        page.reload()
        expect(page.locator("#case-state")).to_have_text("exported")
        expect(page.locator("table.history")).to_contain_text("approved → exported")
        page.screenshot(path=str(ARTIFACTS / "04-case-exported.png"), full_page=True)
        page.keyboard.press("Alt+J")  # on to the next case of the queue (the urgent one)
        expect(page).to_have_url(re.compile(rf"/cases/{site.other_ids[1]}$"))
        browser.close()
    assert not csp_errors, csp_errors
    # the one error the browser logs is the refused impossible date (HTTP 422, shown beside the field)
    assert console_errors == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
