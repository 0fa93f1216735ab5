"""SQL connector: an EHR's own database, read and written through a declared TOML mapping."""

from referral_intake.ehr.sql.connector import SqlConnector
from referral_intake.ehr.sql.mapping import Mapping, load, validate

__all__ = ["Mapping", "SqlConnector", "load", "validate"]
