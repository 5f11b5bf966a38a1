-- gongkai warehouse, migration 009: the 勾稽 equations checked again on the values in force.
-- A reviewer's decided cell can make a failing equation hold (a reading problem fixed) or break
-- one; the queue, 数据质量 and the notice read findings_in_force (schema.FINDINGS_IN_FORCE_DDL),
-- which replaces the hard-rule findings (R1–R4) of every report with a decided cell by these.
-- Rebuilt with the rest of the overlay at every publish (warehouse/review.py); findings as read stay.

-- The hard-rule findings of each report with a decided cell, on its values in force (same check
-- as the parser: loaders.validate.check_rules).
CREATE TABLE IF NOT EXISTS reviewed_findings (
    report_id   BIGINT,
    rule        VARCHAR,
    severity    VARCHAR,
    kind        VARCHAR,
    scope       VARCHAR,
    keys        VARCHAR[],
    expected    VARCHAR,
    found       VARCHAR,
    message     VARCHAR,
    "where"     VARCHAR
);

-- Per report with a decided cell: how many equations fail as read and on the values in force.
CREATE TABLE IF NOT EXISTS review_rechecked (
    report_id          BIGINT,
    n_errors_as_read   INTEGER,
    n_errors_in_force  INTEGER
);
