"""gongkai loaders: report files → documents → parsed, validated reports.

Stages (each a plain function, data flows one way):
    read_file(path)         -> Document       (loaders.readers)
    parse_document(doc)     -> ParsedReport   (loaders.parse)
    validate_report(report) -> ParsedReport   (loaders.validate, findings appended)
"""

__version__ = "0.1.0"
