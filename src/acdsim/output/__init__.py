"""Downstream of the engine: record streams to files, KPIs, tables."""
