-- The readings a parse-uncertain finding (P1) leaves open, as the parser listed them: a JSON list
-- of lists, one list of cell values per reading (null = blank). Shown to the clerk who checks the
-- cell against the original.
ALTER TABLE findings ADD COLUMN IF NOT EXISTS candidates VARCHAR;
