"""The app's pages: file under ``dashboard/views/``, Chinese title, ASCII url path, icon.

Kept apart from ``app.py`` (which runs the app when executed) so tests and the benchmark can
list the pages without starting anything.

Why ``views/`` and not ``pages/``: Streamlit 1.67 still switches to the old multipage mode (MPA
v1: every file in ``pages/`` becomes a page named after its file, ``st.navigation`` ignored in
the sidebar) whenever a ``pages/`` folder sits beside the entrypoint
(``PagesManager.uses_pages_directory``). AppTest does not show this; a real server does.
"""

from __future__ import annotations

PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("overview.py", "总览", "overview", ":material/dashboard:"),
    ("applications.py", "依申请公开", "applications", ":material/description:"),
    ("review.py", "复议诉讼", "review", ":material/gavel:"),
    ("proactive.py", "主动公开", "proactive", ":material/campaign:"),
    ("regions.py", "地区", "regions", ":material/map:"),
    ("summary.py", "全省汇总", "summary", ":material/summarize:"),
    ("compare.py", "机构对比", "compare", ":material/leaderboard:"),
    ("agency.py", "单位详情", "agency", ":material/account_balance:"),
    ("quality.py", "数据质量", "quality", ":material/rule:"),
    ("workbench.py", "审查工作台", "workbench", ":material/fact_check:"),
    ("submission.py", "报送情况", "submission", ":material/assignment_turned_in:"),
    ("upload.py", "上传年报", "upload", ":material/upload_file:"),
    ("download.py", "数据下载", "download", ":material/download:"),
)

