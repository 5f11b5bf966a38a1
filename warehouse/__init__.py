"""gongkai warehouse: the DuckDB schema, ingest, indicators, queries and exports.

Modules, each with one job:

* ``schema``     — ordered migrations (``sql/NNN_*.sql`` + the wide table generated from
  ``loaders.spec``; wide column = cell key with ``.`` → ``__``), recorded in ``_migrations``.
* ``connect``    — build-and-swap snapshots: ``open_reader(db)`` (read-only, never blocked by the
  writer), ``data_version(db)`` (cache key), ``open_writer(db)`` (the one writer), ``source_file``.
* ``store``      — ``write_report(con, report, source, …)``: one report, one transaction, idempotent
  by content hash, versions per (agency, year) with a V1 finding.
* ``derive``     — after each run: cross-year findings W1/W2/W3 and the agencies dimension.
* ``ingest``     — files / folders / zips → parallel parse → ordered single writer → publish;
  ``reparse``; roster loading. CLI: ``python -m loaders ingest``.
* ``filters``    — ``Filters`` and ``where_clause`` (bound parameters only).
* ``indicators`` — every indicator defined once (口径, unit, null rule) and its SQL; ``compute``,
  ``coverage``, ``format_value`` ('—' for NULL). ``docs`` renders docs/indicators.md from them.
* ``export``     — CSV (UTF-8 BOM, formula injection neutralised), XLSX (+ filters and
  definitions sheets), Parquet partitioned by year.
* ``fastpath``   — bulk-load N synthetic reports for scale benchmarks.
* ``demo``       — the demo warehouse (synthetic province + seed report through the real ingest).
* ``queries``    — the dashboard's questions (owned by the dashboard).

On disk, for ``--db data/gongkai.duckdb``: ``data/gongkai.duckdb`` (hard link to the current
snapshot, a plain DuckDB file) and ``data/gongkai.duckdb.d/`` (``current.json`` pointer,
``snapshots/``, the writer's ``work.duckdb``, ``writer.lock``, and ``files/`` — every original
source file, content-addressed).
"""
