"""Seed 004's station table (*stationstabell*): response times by priority and active against
standby time, per station and per unit, for a chosen period. `table` counts in the database;
`views` serves it as JSON, CSV or XLSX."""

from .table import PRIORITIES, station_table

__all__ = ["PRIORITIES", "station_table"]
