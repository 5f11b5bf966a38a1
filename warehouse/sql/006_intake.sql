-- gongkai warehouse, migration 006: intake — deadlines, roster deadline classes, confirmed matches.

-- The statutory deadline class of a roster unit (loaders.spec.deadlines): department | government.
-- NULL: derived from the unit's level and category (deadlines.default_class).
ALTER TABLE roster ADD COLUMN IF NOT EXISTS deadline_class VARCHAR;

-- An office's own deadline per level (and class; '*' = every class of the level): month and day
-- of the year after the report year. Set with `python -m warehouse deadline --level L --date MM-DD`.
CREATE TABLE IF NOT EXISTS deadline_overrides (
    level           VARCHAR NOT NULL,
    deadline_class  VARCHAR NOT NULL DEFAULT '*',
    month           INTEGER NOT NULL,
    day             INTEGER NOT NULL,
    set_at          TIMESTAMP,
    PRIMARY KEY (level, deadline_class)
);

-- A clerk's decision on an uncertain (fuzzy) match of a roster unit to a report: confirmed
-- matches count as received; rejected ones are not offered again. Keyed by the roster entry's
-- name, year and region and by the report (report_id is stable across re-parses).
CREATE TABLE IF NOT EXISTS roster_confirmations (
    agency      VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    province    VARCHAR,
    city        VARCHAR,
    report_id   BIGINT NOT NULL,
    decision    VARCHAR NOT NULL,          -- confirmed | rejected
    decided_by  VARCHAR,
    decided_at  TIMESTAMP
);

-- Received: a report with the roster entry's name and year (region agreeing wherever both state
-- one), or a report a clerk confirmed as this entry's.
CREATE OR REPLACE MACRO roster_received(ro_agency, ro_year, ro_province, ro_city) AS EXISTS (
    SELECT 1 FROM reports r
    WHERE r.agency = ro_agency AND r.year = ro_year
      AND (ro_province IS NULL OR r.province IS NULL OR r.province = ro_province)
      AND (ro_city IS NULL OR r.city IS NULL OR r.city = ro_city)
) OR EXISTS (
    SELECT 1 FROM roster_confirmations c JOIN reports r USING (report_id)
    WHERE c.decision = 'confirmed' AND c.agency = ro_agency AND c.year = ro_year
      AND c.province IS NOT DISTINCT FROM ro_province AND c.city IS NOT DISTINCT FROM ro_city
);

-- 内容雷同: for each current report, its most similar report in each comparison (same agency's
-- previous year; other agencies of the same year) — rebuilt after each ingest run, like the
-- cross-year findings. similarity: Jaccard of the prose shingle sets (warehouse.similarity).
CREATE TABLE IF NOT EXISTS report_similarity (
    report_id       BIGINT NOT NULL,
    comparison      VARCHAR NOT NULL,      -- previous_year | same_year
    other_report_id BIGINT NOT NULL,
    similarity      DOUBLE NOT NULL,
    shared          INTEGER NOT NULL,      -- shingles in common
    n_shingles      INTEGER NOT NULL       -- this report's shingles compared
);
