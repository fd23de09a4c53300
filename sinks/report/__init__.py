"""The ministry's daily report (`hotline report`) and Erlang C staffing (`hotline staffing`).

- `queries`: the SQL (ClickHouse 18.16 and modern), `figures`: the figures dict,
  `render_html` + `svg`: the offline page, `export`: JSON and CSV, `build`: the whole run.
"""

from __future__ import annotations

from typing import Any


def build_report(*args: Any, **kwargs: Any) -> Any:
    """See `sinks.report.build.build_report` (imported lazily so the CLI starts fast)."""
    from sinks.report.build import build_report as build

    return build(*args, **kwargs)
