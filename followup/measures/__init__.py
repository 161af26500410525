"""Seed 000's seven follow-up measures per region and tertial: periods, definitions, the
aggregation in the database, targets and the deviations' tests (README, "The seven measures,
targets and deviations"). Callers use followup.selectors.tertial_report."""
