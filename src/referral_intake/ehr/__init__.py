"""EHR connectors: read candidate patients, write approved referrals (SQL mapping, FHIR R4, HL7 v2)."""
