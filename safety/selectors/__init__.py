"""Crew safety queries, one module per area."""
