"""A worker process for the kill test: deliver due exports, but die (SIGKILL) right after the EHR commits.

Usage: python outbox_worker.py DATABASE_URL VAULT_DIR KEY_FILE CONNECTOR_JSON
"""

import json
import os
import signal
import sys
from pathlib import Path

from referral_intake.ehr.outbox import RetryPolicy, deliver_due
from referral_intake.ehr.registry import build_connector
from referral_intake.store.engine import Store, make_engine
from referral_intake.vault import LocalKeyProvider, Vault

url, vault_dir, key_file, config = sys.argv[1:5]
store = Store(make_engine(url))
vault = Vault(Path(vault_dir), LocalKeyProvider(Path(key_file)))
connector = build_connector(json.loads(config))
real_export = connector.export


def export_then_die(request, key):  # type: ignore[no-untyped-def]
    result = real_export(request, key)
    print(json.dumps({"patient_id": result.patient_id}), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # the EHR has it; our outbox row is never marked


connector.export = export_then_die  # type: ignore[method-assign]
deliver_due(
    store, {connector.name: connector}, vault, worker_id="doomed", policy=RetryPolicy(lease_seconds=60)
)
