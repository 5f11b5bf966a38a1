-- gongkai warehouse, migration 005: reviewers' decisions as an overlay, never over the source.
-- The record is the journal <db>.d/decisions/*.json (warehouse/review.py); these tables are its
-- copy, rebuilt whole at every publish. cells and report_values stay as the parser read them.

CREATE TABLE IF NOT EXISTS review_decisions (
    decision_id   VARCHAR PRIMARY KEY,   -- time-ordered id, also the journal file name
    decided_at    TIMESTAMPTZ,
    reviewer      VARCHAR,               -- the signed-in account
    kind          VARCHAR,               -- cell | finding | case | undo
    target        VARCHAR,               -- cell key | finding ref | case key | reverted decision_id
    sha256        VARCHAR,               -- source document the decision is about
    action        VARCHAR,               -- cell: number|blank; finding: verdict; case: status
    value         DOUBLE,                -- cell: decided value
    parser_value  DOUBLE,                -- cell: the value the parser had when decided
    parser_status VARCHAR,
    note          VARCHAR,               -- why (as typed by the reviewer)
    deadline      VARCHAR,               -- case 已退回: answer by
    extra         VARCHAR,               -- JSON
    in_force      BOOLEAN                -- not reverted by an undo in force
);

-- The value in force for each decided cell, beside the source value as read now.
CREATE TABLE IF NOT EXISTS reviewed_cells (
    report_id      BIGINT,
    sha256         VARCHAR,
    key            VARCHAR,
    value          DOUBLE,
    value_status   VARCHAR,               -- number | blank
    parser_value   DOUBLE,
    parser_status  VARCHAR,
    source_value   DOUBLE,
    source_status  VARCHAR,
    source_raw     VARCHAR,
    reviewer       VARCHAR,
    decided_at     TIMESTAMPTZ,
    decision_id    VARCHAR,
    note           VARCHAR,
    source_changed BOOLEAN                -- a re-parse changed the source value since the decision
);

-- The status in force of each case (one per agency and year: case_key = agency_key|year).
CREATE TABLE IF NOT EXISTS review_cases (
    case_key    VARCHAR,
    status      VARCHAR,
    sha256      VARCHAR,                  -- the report version the status was set on
    reviewer    VARCHAR,
    decided_at  TIMESTAMPTZ,
    note        VARCHAR,
    deadline    VARCHAR,
    decision_id VARCHAR
);

-- The whole wide row of every report with a decided cell (reports_wide reads it; schema.py).
CREATE TABLE IF NOT EXISTS reviewed_report_values AS SELECT * FROM report_values LIMIT 0;
