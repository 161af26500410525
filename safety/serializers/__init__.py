"""The safety API's shapes, one module per area (notices, reports, partners, panic)."""
