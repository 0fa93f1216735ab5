"""Insurance eligibility: X12 270/271 over CAQH CORE (SOAP/MIME), a clearinghouse JSON API, or offline.

Entry points: `service.check_eligibility` (the pipeline), `records.record_check` (keep the raw exchange),
`panel.panel_view` (the review panel), `payers.PayerDirectory`, `responder.Responder` (local test payer).
Kept import-free so that loading `eligibility.tables` for migrations stays cheap.
"""
