"""Parser: Document → ParsedReport (sections, metadata, tables, findings)."""
