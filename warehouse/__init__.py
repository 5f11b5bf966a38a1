"""gongkai warehouse: the DuckDB schema, ingest, indicators, queries and exports."""
