"""Read every file of the real corpus and say what each document looks like.

    .venv/bin/python scripts/describe_corpus.py [DIR]      (default: ../shared/corpus/raw)

Per file: type, encoding, pages, status, blocks (paragraphs / headings), tables as rows×cols
(with the pages a merged cross-page table spans), the reader's warnings and the title.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.document import Document  # noqa: E402
from loaders.readers import iter_documents  # noqa: E402


def describe(doc: Document) -> str:
    s = doc.source
    heads = sum(1 for p in doc.paragraphs if p.kind == "heading")
    tables = []
    for t in doc.tables:
        span = f"@p{'-'.join(map(str, t.pages))}" if t.pages else ""
        tables.append(f"{t.n_rows}×{t.n_cols}{span}")
    longest = max((len(p.text) for p in doc.paragraphs), default=0)
    lines = [
        f"{Path(s.name).name}",
        f"  type={s.file_type} encoding={s.encoding or '-'} pages={s.pages or '-'} status={doc.status}",
        f"  blocks={len(doc.blocks)} paragraphs={len(doc.paragraphs)} headings={heads} longest_paragraph={longest}",
        f"  tables={len(doc.tables)} [{', '.join(tables)}]",
        f"  title={doc.title!r}",
    ]
    if doc.meta:
        lines.append(f"  meta={', '.join(k for k in doc.meta if k != 'crawler_header_lines')}")
    for w in doc.warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "corpus" / "raw"
    ok = failed = 0
    for result in iter_documents(folder):
        if isinstance(result, Document):
            ok += 1
            print(describe(result))
        else:
            failed += 1
            print(f"{Path(result.file).name}\n  ERROR {result.kind}: {result.message}")
    print(f"\n{ok} read, {failed} refused")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
