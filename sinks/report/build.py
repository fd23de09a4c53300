"""One day's ministry report: query ClickHouse, assemble the figures, write HTML, JSON and CSV."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hotline.config import Settings, get_settings
from hotline.errors import HotlineError
from hotline.log import get_logger
from sinks.report.export import write_csvs, write_json
from sinks.report.figures import Targets, build_figures, day_bounds, is_empty
from sinks.report.queries import Execute, data_range_query, driver_execute, fetch_rows, report_queries
from sinks.report.render_html import render_html

log = get_logger(__name__)


@dataclass(frozen=True)
class ReportPaths:
    html: Path
    json: Path
    csv: list[Path] = field(default_factory=list)

    def all(self) -> list[Path]:
        return [self.html, self.json, *self.csv]


def targets_from(settings: Settings) -> Targets:
    return Targets(
        service_level_seconds=settings.service_level_seconds,
        service_level=settings.service_level_target,
        max_occupancy=settings.staffing_max_occupancy,
        shrinkage=settings.staffing_shrinkage,
    )


def default_out_dir(settings: Settings) -> Path:
    return settings.state_path / "reports"


def _empty_day_message(execute: Execute, database: str, day: date, tz: str) -> str:
    rng = execute(data_range_query(database))[0]
    where = f"{database}.calls"
    if not int(rng["calls"]):
        return f"no calls on {day} ({tz}): {where} is empty; run the pipeline (`hotline sink`) first"
    return (f"no calls on {day} ({tz}) in {where}; it holds calls from {rng['first_day']} to {rng['last_day']}. "
            "Pick a day in that range")


UNKNOWN_TABLE, UNKNOWN_DATABASE, NETWORK_ERROR = 60, 81, 210  # ClickHouse / driver error codes


def _clickhouse_error(exc: Exception, settings: Settings, database: str) -> HotlineError:
    """One line saying what to do; the server's stack trace is left out."""
    text = " ".join(str(getattr(exc, "message", None) or exc).split("Stack trace:")[0].split())[:240] or type(exc).__name__
    code = getattr(exc, "code", None)
    where = f"ClickHouse at {settings.clickhouse_host}:{settings.clickhouse_port}"
    if code in (UNKNOWN_TABLE, UNKNOWN_DATABASE):
        return HotlineError(f"the report's tables are missing in database {database} ({text}); run `hotline migrate`")
    if code == NETWORK_ERROR or isinstance(exc, OSError):
        return HotlineError(f"cannot reach {where} ({text}); start it with `hotline infra up`")
    return HotlineError(f"{where} failed the report's query ({text})")


def compute_figures(day: date, execute: Execute, database: str, settings: Settings | None = None,
                    unmatched_limit: int = 20, source: str = "") -> dict:
    """The figures dict of `day` (a local day); raises HotlineError when the day has no call."""
    s = settings or get_settings()
    targets = targets_from(s)
    start, end = day_bounds(day, s.timezone)
    queries = report_queries(database, day, start, end, targets.service_level_seconds, unmatched_limit)
    rows = fetch_rows(execute, queries)
    figures = build_figures(day, rows, targets, tz=s.timezone, source=source)
    if is_empty(figures):
        raise HotlineError(_empty_day_message(execute, database, day, s.timezone))
    return figures


def write_report(figures: dict, out_dir: Path) -> ReportPaths:
    """Write the page, the JSON and the CSVs of one figures dict."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"report-{figures['report']['date']}"
    html = out_dir / f"{stem}.html"
    html.write_text(render_html(figures), encoding="utf-8")
    js = write_json(figures, out_dir / f"{stem}.json")
    csvs = write_csvs(figures, out_dir, stem)
    return ReportPaths(html=html, json=js, csv=csvs)


def build_report(day: date | str, out_dir: Path | str | None = None, settings: Settings | None = None,
                 execute: Execute | None = None, database: str | None = None, unmatched_limit: int = 20) -> ReportPaths:
    """Report of one local day from ClickHouse; `execute` defaults to the configured server."""
    s = settings or get_settings()
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            raise HotlineError(f"--date {day!r} is not a date; write it as YYYY-MM-DD") from None
    db = database or s.clickhouse_database
    out = Path(out_dir) if out_dir else default_out_dir(s)
    source = f"database {db}"
    if execute is None:
        source = f"ClickHouse {s.clickhouse_host}:{s.clickhouse_port}, database {db}"
        from sinks.clickhouse import client

        cli = client(s, database=db)
        execute = driver_execute(cli)
        try:
            figures = compute_figures(day, execute, db, s, unmatched_limit, source)
        except HotlineError:
            raise
        except Exception as exc:  # driver errors: network, server, schema
            raise _clickhouse_error(exc, s, db) from exc
        finally:
            cli.disconnect()
    else:
        figures = compute_figures(day, execute, db, s, unmatched_limit, source)
    paths = write_report(figures, out)
    log.info("report.written", date=day.isoformat(), out_dir=str(out), calls=figures["summary"]["calls"],
             files=len(paths.all()))
    return paths
