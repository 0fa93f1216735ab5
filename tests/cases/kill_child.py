"""Child process of the kill test: one worker that claims a case and hangs inside the read stage."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from pipeline_fakes import fake_deps

from referral_intake.cases.runner import Worker
from referral_intake.settings import load_settings
from referral_intake.store.engine import Store

if __name__ == "__main__":
    data_dir, db_url = sys.argv[1], sys.argv[2]
    settings = load_settings(data_dir=Path(data_dir), database_url=db_url, lease_seconds=2)
    Worker(fake_deps(settings, Store.open(settings)), ident="doomed").run_once()
