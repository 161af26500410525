"""The crew safety API, one module per area."""
