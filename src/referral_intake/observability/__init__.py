"""Logging without PHI, metrics and alerts."""
