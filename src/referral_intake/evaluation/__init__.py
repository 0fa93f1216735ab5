"""The evaluation harness: automated results scored against gold (synthetic or a practice's own)."""
