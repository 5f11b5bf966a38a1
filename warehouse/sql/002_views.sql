-- gongkai warehouse, migration 002: views every reader uses.

-- Roster entries with no stored report for that agency and year: the reports still missing.
CREATE OR REPLACE VIEW missing_reports AS
SELECT ro.*
FROM roster ro
WHERE NOT EXISTS (
    SELECT 1 FROM reports r WHERE r.agency = ro.agency AND r.year = ro.year
);

-- Reports whose (agency, year) has more than one version: changed after publication.
CREATE OR REPLACE VIEW report_versions AS
SELECT r.agency, r.year, r.report_id, r.version, r.n_versions, r.is_current, r.publish_date,
       r.sha256, d.name AS source_name, d.ingested_at
FROM reports r JOIN source_documents d USING (sha256)
WHERE r.n_versions > 1;
