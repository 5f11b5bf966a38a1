-- gongkai warehouse, migration 008: the roster edited in the app — names a unit used before, and
-- the history of every edit (who, when, what).

-- A unit's former names: a report printed under old_name is this unit's (agency = its name now).
CREATE TABLE IF NOT EXISTS roster_aliases (
    agency      VARCHAR NOT NULL,          -- the unit's current name in the roster
    old_name    VARCHAR NOT NULL,
    from_year   INTEGER NOT NULL,          -- first report year under the new name
    renamed_by  VARCHAR,
    renamed_at  TIMESTAMP
);

-- Every roster edit: add | retire | rename | update, with what it changed (JSON).
CREATE TABLE IF NOT EXISTS roster_edits (
    edit_id     BIGINT NOT NULL,
    action      VARCHAR NOT NULL,
    agency      VARCHAR NOT NULL,
    from_year   INTEGER,
    detail      JSON,
    edited_by   VARCHAR,
    edited_at   TIMESTAMP
);

-- Received: as in 006, where the report's name is the unit's name or one of its former names.
CREATE OR REPLACE MACRO roster_received(ro_agency, ro_year, ro_province, ro_city) AS EXISTS (
    SELECT 1 FROM reports r
    WHERE (r.agency = ro_agency
           OR EXISTS (SELECT 1 FROM roster_aliases a WHERE a.agency = ro_agency AND a.old_name = r.agency))
      AND r.year = ro_year
      AND (ro_province IS NULL OR r.province IS NULL OR r.province = ro_province)
      AND (ro_city IS NULL OR r.city IS NULL OR r.city = ro_city)
) OR EXISTS (
    SELECT 1 FROM roster_confirmations c JOIN reports r USING (report_id)
    WHERE c.decision = 'confirmed' AND c.agency = ro_agency AND c.year = ro_year
      AND c.province IS NOT DISTINCT FROM ro_province AND c.city IS NOT DISTINCT FROM ro_city
);
