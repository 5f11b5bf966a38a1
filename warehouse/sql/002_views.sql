-- gongkai warehouse, migration 002: views every reader uses.

-- A roster entry is received when a report (any version) has its agency name and year, and the
-- same province / city wherever both sides state one (same-name districts exist in many cities).
CREATE OR REPLACE MACRO roster_received(ro_agency, ro_year, ro_province, ro_city) AS EXISTS (
    SELECT 1 FROM reports r
    WHERE r.agency = ro_agency AND r.year = ro_year
      AND (ro_province IS NULL OR r.province IS NULL OR r.province = ro_province)
      AND (ro_city IS NULL OR r.city IS NULL OR r.city = ro_city)
);

-- Roster entries with no stored report for that agency and year: the reports still missing.
CREATE OR REPLACE VIEW missing_reports AS
SELECT ro.*
FROM roster ro
WHERE NOT roster_received(ro.agency, ro.year, ro.province, ro.city);

-- Reports whose (agency, year) has more than one version: changed after publication.
CREATE OR REPLACE VIEW report_versions AS
SELECT r.agency, r.year, r.report_id, r.version, r.n_versions, r.is_current, r.publish_date,
       r.sha256, d.name AS source_name, d.ingested_at
FROM reports r JOIN source_documents d USING (sha256)
WHERE r.n_versions > 1;
