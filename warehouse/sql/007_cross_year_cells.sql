-- gongkai warehouse, migration 007: cells decided by an adjacent year (由相邻年度衔接确定).
-- An overlay that warehouse.crossyear rebuilds whole after every ingest (inside derive.refresh):
-- it undoes every row below (the cell back to how the parser left it, its P1 finding back), then
-- decides again with the neighbour years now current — so a replaced neighbour undoes its cells.

CREATE TABLE IF NOT EXISTS cross_year_cells (
    report_id          BIGINT NOT NULL,
    key                VARCHAR NOT NULL,
    value              DOUBLE,                -- the decided value (NULL: decided blank)
    status             VARCHAR,               -- number | blank
    rule               VARCHAR,               -- W1 | W2 (the identity that decided it)
    note               VARCHAR,               -- 由相邻年度衔接确定（…）: also written to cells.note
    related_report_id  BIGINT,                -- the neighbour year's report
    source_status      VARCHAR,               -- the cell as the parser left it, restored on undo
    source_note        VARCHAR
);

-- The parse-uncertain (P1) findings a decision settled, held aside until it is undone.
CREATE TABLE IF NOT EXISTS cross_year_held_findings (
    report_id          BIGINT NOT NULL,
    rule               VARCHAR,
    severity           VARCHAR,
    kind               VARCHAR,
    scope              VARCHAR,
    keys               VARCHAR[],
    expected           VARCHAR,
    found              VARCHAR,
    message            VARCHAR,
    "where"            VARCHAR,
    related_report_id  BIGINT,
    candidates         VARCHAR
);
