"""数据质量 lists 内容雷同 findings and shows the shared passages of the chosen pair, escaped."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest
from wh_helpers import make_report

from warehouse import derive
from warehouse.connect import open_writer
from warehouse.store import write_report

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboard"))


def test_quality_page_shows_copied_pair_with_marked_passages(db: Path, monkeypatch, seed_report: Path):
    from loaders.parse import parse_file

    sections = {k: v for k, v in parse_file(seed_report).sections.items() if k in ("s1", "s5", "s6")}
    sections["s6"] += "\n附：<img src=x onerror=alert(1)>本单位另行说明的事项一则，供查阅参考使用。"
    with open_writer(db) as w:
        for name, year, secs in (("a", 2021, sections),
                                 ("b", 2022, {k: re.sub(r"\d+", "9", v) for k, v in sections.items()})):
            r, data = make_report(name, {"t3.new_received.total": 1}, agency="示例开发区党政办公室", year=year)
            r.sections = secs
            write_report(w.con, r, data, files_dir=w.layout.files)
        derive.refresh(w.con)
        w.publish()
    monkeypatch.setenv("GONGKAI_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page("views/quality.py").run()
    assert not at.exception, at.exception
    assert next(m.value for m in at.metric if m.label == "内容雷同") == "1"
    shown = [m.value for m in at.markdown if ":orange-background[" in m.value]
    assert len(shown) == 2  # both reports, shared sentences highlighted
    assert all(re.search(r"(?<!\\)<", h) is None for h in shown)  # every < escaped: shown as text
    assert all("\\<img" in h for h in shown)
    assert not [m.value for m in at.markdown if m.allow_html]
