"""referral-intake: referrals in (fax, PDF, e-mail, C-CDA, HL7 v2, FHIR), verified EHR records out."""

__version__ = "0.1.0"
