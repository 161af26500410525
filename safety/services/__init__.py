"""Crew safety services, one module per area (notices, matching, reports, partners, panic)."""
