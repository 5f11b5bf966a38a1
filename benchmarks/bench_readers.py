"""Documents read per second, per format, on one core.

    .venv/bin/python benchmarks/bench_readers.py [--seconds 3] [--parse]

Files are generated with real libraries (tests/readers/generate.py): a six-page PDF report with
表二/表三/表四 (ruled tables, merged cells, a table continuing on the next page), a DOCX with
merged cells, a Word-style CMS HTML page, the seed text report in UTF-8 and GBK, a Markdown
report with pipe tables. Each file is read from memory (``read_file(data=…)``) in a loop for
``--seconds``; the process is pinned to one CPU. For PDF the two reference points of the issue
are measured on the same file: pdfplumber's whole-document table extraction and raw pdfium text.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "readers"))

import generate  # noqa: E402

from loaders.parse import parse_document  # noqa: E402
from loaders.readers import read_file  # noqa: E402


def rate(fn, seconds: float) -> tuple[float, float, int]:
    """(docs per CPU-second, docs per wall-second, reads). CPU time of this process is what one
    core delivers; wall time also counts waiting for a core when the machine is shared."""
    fn()  # warm-up: imports, font caches
    n = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    while True:
        fn()
        n += 1
        wall = time.perf_counter() - wall0
        if wall >= seconds:
            return n / (time.process_time() - cpu0), n / wall, n


def six_page_pdf(folder: Path) -> Path:
    for prose in range(6, 30):
        path = generate.make_report_pdf(folder / "report6.pdf", prose_paragraphs=prose, repeat_header=True)
        if read_file(path).source.pages >= 6:
            return path
    raise RuntimeError("could not make a six-page report")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--parse", action="store_true", help="also read + parse each file (the ingest worker's work)")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "raw",
                    help="real reports; their PDFs are also read (and parsed with --parse) next to pdfium raw text")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seed = (ROOT / "tests" / "data" / "2021_sanmenxia_devzone_party_office.txt").read_bytes()
        md = seed.decode("utf-8").replace("\t", " | ")
        md = "\n".join(("| " + ln + " |") if " | " in ln else ln for ln in md.splitlines())
        files = {
            "pdf (6 pages, 3 ruled tables)": six_page_pdf(folder).read_bytes(),
            "docx (merged cells)": generate.make_report_docx(folder / "r.docx").read_bytes(),
            "html (CMS page, Word markup)": generate.make_report_html(folder / "r.html").read_bytes(),
            "txt utf-8 (seed report)": seed,
            "txt gbk (seed report)": seed.decode("utf-8").encode("gbk"),
            "md (pipe tables)": md.encode("utf-8"),
        }
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{platform.platform()}; pinned to one core; load average at start {load:.1f}")
        names = {"pdf (6 pages, 3 ruled tables)": "report.pdf", "docx (merged cells)": "report.docx",
                 "html (CMS page, Word markup)": "report.html", "md (pipe tables)": "report.md"}
        for label, data in files.items():
            name = names.get(label, "report.txt")
            doc = read_file(data=data, name=name)
            cpu, wall, n = rate(lambda d=data, nm=name: read_file(data=d, name=nm), args.seconds)
            print(f"{label:34s} {cpu:8.1f} docs/CPU-s {wall:8.1f} docs/wall-s  ({n} reads, "
                  f"{len(data) // 1024} KiB, {len(doc.tables)} tables, pages={doc.source.pages or '-'})")
            if args.parse:
                # read + parse, as an ingest worker does; label scores are cached per process, so
                # after the first report of a format this is the steady rate of a batch.
                cpu_p, wall_p, n_p = rate(lambda d=data, nm=name: parse_document(read_file(data=d, name=nm)),
                                          args.seconds)
                print(f"{'  + parse':34s} {cpu_p:8.1f} docs/CPU-s {wall_p:8.1f} docs/wall-s  ({n_p} parses, "
                      f"read alone = {cpu / cpu_p:.2f}x read+parse)")
        pdf = files["pdf (6 pages, 3 ruled tables)"]
        import io

        import pdfplumber
        import pypdfium2 as pdfium

        def plumber_tables():
            with pdfplumber.open(io.BytesIO(pdf)) as p:
                for page in p.pages:
                    page.extract_tables()

        def pdfium_text():
            doc = pdfium.PdfDocument(pdf)
            for page in doc:
                page.get_textpage().get_text_range()
            doc.close()

        import lxml.html

        html = files["html (CMS page, Word markup)"]

        def lxml_text():
            tree = lxml.html.fromstring(html)
            for t in tree.iter("table"):
                for cell in t.iter("td", "th"):
                    cell.text_content()
            tree.text_content()

        for label, fn in (("ref: pdfplumber extract_tables", plumber_tables), ("ref: pdfium raw text", pdfium_text),
                          ("ref: lxml parse + cell texts (html)", lxml_text)):
            cpu, wall, n = rate(fn, args.seconds)
            print(f"{label:34s} {cpu:8.1f} docs/CPU-s {wall:8.1f} docs/wall-s  ({n} reads)")
        corpus = args.corpus if args.corpus.is_dir() else Path("../shared/corpus/raw")
        for path in sorted(corpus.glob("*.pdf")):
            data = path.read_bytes()
            cpu, wall, n = rate(lambda d=data, nm=path.name: read_file(data=d, name=nm), args.seconds)
            print(f"corpus {path.name:34s} {cpu:8.1f} docs/CPU-s {wall:8.1f} docs/wall-s  ({n} reads)")
            if args.parse:
                cpu_p, _, _ = rate(lambda d=data, nm=path.name: parse_document(read_file(data=d, name=nm)), args.seconds)

                def raw(d=data):
                    doc = pdfium.PdfDocument(d)
                    for page in doc:
                        page.get_textpage().get_text_range()
                    doc.close()

                cpu_r, _, _ = rate(raw, args.seconds)
                print(f"{'  + parse':34s} {cpu_p:8.1f} docs/CPU-s; pdfium raw text {cpu_r:8.1f} docs/CPU-s "
                      f"(= {cpu_r / cpu_p:.1f}x read+parse)")


if __name__ == "__main__":
    main()
