"""Application services behind the CLI: each opens what it needs and calls the stages."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import func, select

from referral_intake.cases.deps import Deps, build_deps
from referral_intake.cases.runner import Worker, WorkerPool
from referral_intake.cases.states import TERMINAL, WORKING, State
from referral_intake.contract import DocumentInfo, Extraction
from referral_intake.errors import UnreadableDocument
from referral_intake.settings import Settings
from referral_intake.store.engine import Store
from referral_intake.store.tables import Case

log = structlog.get_logger(__name__)
SKIP_SUFFIXES = (".gold.json", ".truth.json", ".csv", ".md")


def extract_file(
    path: Path, settings: Settings, explain: bool = False
) -> tuple[Extraction, str | None, bool]:
    """Read and extract one file without a database. Returns (result, explanation, readable)."""
    from referral_intake.cases.defaults import extractor, reader

    data = path.read_bytes()
    try:
        doc = reader(settings)(data, path.name)
    except UnreadableDocument as exc:
        info = DocumentInfo(sha256=hashlib.sha256(data).hexdigest(), filename=path.name, page_count=0)
        return Extraction(document=info, errors=[f"unreadable ({exc.reason}): {exc}"]), None, False
    result = extractor(settings)(doc)
    explanation = None
    if explain:
        from referral_intake.extraction.explain import explain_extraction

        explanation = explain_extraction(doc, result)
    return result, explanation, True


def iter_inputs(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        candidates = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in candidates:
            if f.is_file() and not f.name.startswith(".") and not f.name.endswith(SKIP_SUFFIXES):
                files.append(f)
    return files


def exporter_for(deps: Deps) -> Any:
    """A callable that delivers due outbox rows to the EHR connectors; returns how many it handled."""
    from referral_intake.ehr.outbox import Exporter

    return Exporter(deps.settings, deps.store, deps.vault)


def process_paths(
    settings: Settings, paths: list[Path], progress: bool = False, deps: Deps | None = None
) -> dict[str, Any]:
    from referral_intake.cases.intake import receive

    store = deps.store if deps else Store.open(settings)
    deps = deps or build_deps(settings, store)
    files = iter_inputs(paths)
    started = time.perf_counter()
    received = [
        receive(store, deps.vault, f.read_bytes(), channel="folder", filename=f.name, sender=None)
        for f in files
    ]
    pool = WorkerPool(deps, size=max(1, settings.workers), poll_seconds=0.1, exporter=exporter_for(deps))
    pool.start()
    try:
        _wait_until_settled(store, len(files), progress)
    finally:
        pool.stop()
    summary = status_summary(settings, store)
    summary["files"] = len(files)
    summary["new_documents"] = sum(1 for r in received if r.is_new)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def _busy(store: Store) -> int:
    busy_states = [str(s) for s in (*WORKING, State.APPROVED)]
    with store.read() as session:
        return int(session.execute(select(func.count()).where(Case.state.in_(busy_states))).scalar_one())


def _wait_until_settled(store: Store, total: int, progress: bool) -> None:
    if progress:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("processing", total=total or 1)
            while (busy := _busy(store)) > 0:
                bar.update(task, completed=max(0, total - busy))
                time.sleep(0.2)
        return
    last = -1
    while (busy := _busy(store)) > 0:
        if busy != last:
            print(f"processing: {busy} case(s) in progress", flush=True)  # noqa: T201 (plain-terminal progress)
            last = busy
        time.sleep(0.2)


def run_inline(deps: Deps) -> int:
    """Advance every case as far as it goes in this thread (tests and one-shot tools)."""
    return Worker(deps).run_until_idle()


def status_summary(settings: Settings, store: Store | None = None) -> dict[str, Any]:
    store = store or Store.open(settings)
    with store.read() as session:
        rows = session.execute(select(Case.state, func.count()).group_by(Case.state)).all()
        counts = {str(s): 0 for s in State}
        for state, count in rows:
            counts[state] = int(count)
        waiting = [str(s) for s in State if s not in TERMINAL]
        oldest = session.execute(
            select(Case.id, Case.state, Case.created_at)
            .where(Case.state.in_(waiting))
            .order_by(Case.created_at)
            .limit(1)
        ).first()
    oldest_info = None
    if oldest is not None:
        age = (datetime.now(UTC) - oldest[2]).total_seconds()
        oldest_info = {"case_id": oldest[0], "state": oldest[1], "age_seconds": round(age, 1)}
    return {"counts": counts, "total": sum(counts.values()), "oldest_waiting": oldest_info}


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    certfile: Path | None = None,
    keyfile: Path | None = None,
    workers: int | None = None,
) -> None:
    """The review UI and API (HTTPS with TLS 1.2+ when given a certificate) plus the pipeline workers."""
    import uvicorn

    from referral_intake.web import create_app
    from referral_intake.web.server import uvicorn_config

    web = settings.web.model_copy(
        update={
            k: v
            for k, v in {"host": host, "port": port, "tls_certfile": certfile, "tls_keyfile": keyfile}.items()
            if v is not None
        }
    )
    settings = settings.model_copy(update={"web": web})
    store = Store.open(settings)
    deps = build_deps(settings, store)
    size = workers if workers is not None else settings.workers
    pool = WorkerPool(deps, size=size, exporter=exporter_for(deps))
    app = create_app(settings, store)
    server = uvicorn.Server(uvicorn_config(app, settings, access_log=False, log_level="warning"))
    pool.start()
    log.info("serving", host=web.host, port=web.port, tls=web.tls_certfile is not None, workers=size)
    try:
        server.run()
    finally:
        pool.stop()


def prepare_demo(settings: Settings, n: int = 24, seed: int = 7) -> str:
    """Sample referrals, an EHR population, a demo login; process everything. Returns login help."""
    from referral_intake.demo import prepare

    return str(prepare(settings, n=n, seed=seed))
