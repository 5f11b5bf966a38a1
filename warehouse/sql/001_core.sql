-- gongkai warehouse, migration 001: the core schema.
-- Every report is traceable to its source document (sha256); nothing is ever updated in place
-- except the version flags (is_current) and the derived tables rebuilt after each ingest run.

CREATE TABLE IF NOT EXISTS source_documents (
    sha256          VARCHAR PRIMARY KEY,   -- content hash: the identity of a file
    name            VARCHAR NOT NULL,      -- file name as received (zip member name for members)
    origin          VARCHAR,               -- where it came from: path given, or "archive.zip!member"
    file_type       VARCHAR,               -- html | pdf | docx | doc | txt | md
    size_bytes      BIGINT,
    stored_path     VARCHAR,               -- the original, content-addressed, relative to the files dir
    ingested_at     TIMESTAMP,             -- first time this content was stored
    run_id          INTEGER,               -- the ingest run that first stored it
    parser_version  VARCHAR,               -- parser that produced the current reading
    doc_status      VARCHAR,               -- ok | scanned
    is_demo         BOOLEAN DEFAULT FALSE  -- 示例数据 (synthetic)
);

CREATE TABLE IF NOT EXISTS reports (
    report_id       BIGINT PRIMARY KEY,    -- stable per source document (kept on re-parse)
    sha256          VARCHAR NOT NULL,      -- source_documents.sha256
    ingest_seq      BIGINT NOT NULL,       -- order in which reports were stored (deterministic)
    agency          VARCHAR,               -- 机关名称 as recognised
    agency_key      VARCHAR,               -- identity of an agency: province|city|agency (same-name
                                           -- districts exist in many cities); versions and W1 use it
    region          VARCHAR,               -- full region string, e.g. 江苏省淮安市洪泽区
    province        VARCHAR,
    city            VARCHAR,
    county          VARCHAR,
    level           VARCHAR,               -- spec.agencies LEVELS code
    category        VARCHAR,               -- spec.agencies CATEGORIES code
    year            INTEGER,
    format          VARCHAR,               -- 2019 | 2021 | legacy
    publish_date    DATE,
    title           VARCHAR,
    version         INTEGER NOT NULL DEFAULT 1,   -- 1, 2, … per (agency, year) in order of publication
    n_versions      INTEGER NOT NULL DEFAULT 1,
    is_current      BOOLEAN NOT NULL DEFAULT TRUE, -- the newest version of (agency, year)
    is_demo         BOOLEAN NOT NULL DEFAULT FALSE,
    parser_version  VARCHAR,
    doc_status      VARCHAR,
    n_errors        INTEGER NOT NULL DEFAULT 0,    -- source findings of severity error (R1–R4)
    n_warnings      INTEGER NOT NULL DEFAULT 0,
    n_parse_issues  INTEGER NOT NULL DEFAULT 0,    -- findings of kind parse
    consistency_ok  BOOLEAN,                       -- no R1–R4 error; NULL for legacy (no tables)
    meta            JSON,                          -- every Meta: value, confidence, source
    narrative       JSON,                          -- figures stated in the prose
    legacy_figures  JSON
);

-- Cells in long form: every canonical key of the report's format, as the source printed it.
-- value is NULL unless status = 'number' (a blank is never a zero).
CREATE TABLE IF NOT EXISTS cells (
    report_id   BIGINT NOT NULL,
    key         VARCHAR NOT NULL,          -- canonical key, loaders.spec cell_keys(format)
    value       DOUBLE,
    status      VARCHAR NOT NULL,          -- number | blank | dash | slash | text | missing
    raw         VARCHAR,                   -- source text exactly as read
    unit        VARCHAR,
    note        VARCHAR,
    location    VARCHAR                    -- human description of where (页/行/元素路径)
);

CREATE TABLE IF NOT EXISTS report_sections (
    report_id   BIGINT NOT NULL,
    section     VARCHAR NOT NULL,          -- s1 … s6
    text        VARCHAR
);

CREATE TABLE IF NOT EXISTS findings (
    report_id   BIGINT NOT NULL,
    rule        VARCHAR NOT NULL,          -- R1–R4, W1–W5, P1, P2, V1 …
    severity    VARCHAR NOT NULL,          -- error | warning | info
    kind        VARCHAR NOT NULL,          -- source | parse
    scope       VARCHAR NOT NULL DEFAULT 'report',  -- report | cross_year | version
    keys        VARCHAR[],
    expected    VARCHAR,                   -- JSON text (number or words)
    found       VARCHAR,                   -- JSON text
    message     VARCHAR,                   -- Chinese, for a clerk
    "where"     VARCHAR,
    related_report_id BIGINT               -- cross-year / version findings: the other report
);

CREATE TABLE IF NOT EXISTS ingest_runs (
    run_id          INTEGER PRIMARY KEY,
    started_at      TIMESTAMP,
    finished_at     TIMESTAMP,
    command         VARCHAR,               -- ingest | reparse | demo | fastpath
    parser_version  VARCHAR,
    n_inputs        INTEGER,
    n_stored        INTEGER,               -- new source documents stored
    n_unchanged     INTEGER,               -- already in the warehouse (same content hash)
    n_with_findings INTEGER,
    n_failed        INTEGER,
    status          VARCHAR                -- running | done
);

-- One row per input that did not become a report (and per notable event), with the Chinese reason.
CREATE TABLE IF NOT EXISTS ingest_log (
    run_id      INTEGER NOT NULL,
    origin      VARCHAR NOT NULL,          -- the file (or archive!member)
    sha256      VARCHAR,
    outcome     VARCHAR NOT NULL,          -- failed | scanned (stored, numbers unreadable)
    error_kind  VARCHAR,                   -- loaders.errors kind: empty | corrupt | scanned | …
    reason      VARCHAR,                   -- Chinese reason
    detail      VARCHAR,
    logged_at   TIMESTAMP
);

-- The agencies expected to report each year (optional input), so missing reports show up.
CREATE TABLE IF NOT EXISTS roster (
    agency      VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    region      VARCHAR,
    province    VARCHAR,
    city        VARCHAR,
    county      VARCHAR,
    level       VARCHAR,
    category    VARCHAR,
    is_demo     BOOLEAN NOT NULL DEFAULT FALSE
);

-- Agencies dimension: rebuilt after each ingest run from reports (current versions) and roster.
CREATE TABLE IF NOT EXISTS agencies (
    agency_key  VARCHAR PRIMARY KEY,       -- province|city|agency, as reports.agency_key
    agency      VARCHAR,
    region      VARCHAR,
    province    VARCHAR,
    city        VARCHAR,
    county      VARCHAR,
    level       VARCHAR,
    category    VARCHAR,
    first_year  INTEGER,
    last_year   INTEGER,
    n_reports   INTEGER,
    in_roster   BOOLEAN,
    is_demo     BOOLEAN
);

CREATE TABLE IF NOT EXISTS warehouse_info (
    key     VARCHAR PRIMARY KEY,
    value   VARCHAR
);
