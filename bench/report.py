"""Regenerate the lists' performance table in README.md and docs/performance.md from the benchmarks' output.

    .venv/bin/python bench/report.py

Reads bench/results/inbox-*.json (bench/inbox.py) and bench/results/pages.json (bench/pages.py) and rewrites what
stands between the `<!-- perf:lists -->` and `<!-- /perf:lists -->` markers of both files: every figure from one
run of its benchmark, with the load average of that run beside it; and what stands between `<!-- perf:requests -->`
and `<!-- /perf:requests -->` from the other benchmarks' bench/results/<name>.json (bench.common.Results:
bench/request_times.py, load.py, ingest.py, risk.py, pdf.py, siteplan.py).
"""
import json
import re
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
TARGETS = (REPO / "README.md", REPO / "docs" / "performance.md")
START, END = "<!-- perf:lists -->", "<!-- /perf:lists -->"


def size(rows: int) -> str:
    return f"{rows // 1_000_000}M" if rows % 1_000_000 == 0 else f"{rows // 1000}k"


def load(result: dict) -> str:
    return f"load {result['load_before'][0]:.1f}–{result['load_after'][0]:.1f}"


def table() -> str:
    inbox = sorted((json.loads(path.read_text()) for path in RESULTS.glob("inbox-*.json")), key=lambda r: r["rows"])
    lines = ["| what | figure (p50, one run each) | target | how |", "| --- | --- | --- | --- |"]
    by_rows = {result["rows"]: result for result in inbox}
    for result in inbox:
        for label, user in result["users"].items():
            p50 = user["p50"]
            cpu = user["cpu_p50"]
            cells = [f"{name} {p50[name]:.0f} ms ({p50[name] / p50['floor']:.1f}×; CPU {cpu[name]:.0f} ms)"
                     for name in ("inbox page", "list endpoint")]
            lines.append(
                f"| {size(result['rows'])} applications, {label} (sees {user['sees']:,}): inbox page / list "
                f"endpoint vs raw SQL floor {p50['floor']:.1f} ms | {' / '.join(cells)}; {load(result)} | "
                f"≤ 50 ms and ≤ 5× the floor | `bench/inbox.py` |")
    for result in inbox:
        for label, user in result["users"].items():
            p50 = user["p50"]
            if "inbox by urgency" not in p50:
                continue
            lines.append(
                f"| {size(result['rows'])}, {label}: inbox in its default order (urgency) vs its floor "
                f"{p50['urgency floor']:.0f} ms | {p50['inbox by urgency']:.0f} ms "
                f"({p50['inbox by urgency'] / p50['urgency floor']:.1f}×); {load(result)} | — (gap: "
                f"docs/performance.md) | `bench/inbox.py` |")
    if 100_000 in by_rows and 1_000_000 in by_rows:
        for label in by_rows[1_000_000]["users"]:
            growth = [by_rows[1_000_000]["users"][label]["p50"][name] / by_rows[100_000]["users"][label]["p50"][name]
                      for name in ("inbox page", "list endpoint")]
            lines.append(f"| 100k → 1M applications, {label}: growth of inbox page / list endpoint | "
                         f"{growth[0]:.2f}× / {growth[1]:.2f}× | ≤ 2× | `bench/inbox.py` |")
    for result in inbox[:1]:
        counts = result["query_counts"]
        lines.append(f"| queries of inbox / list endpoint at page size 10/25/100 | "
                     f"{'/'.join(map(str, counts['inbox page']))} and {'/'.join(map(str, counts['list endpoint']))} | "
                     f"constant (tests/performance/test_list_queries.py) | `bench/inbox.py` |")
    pages_path = RESULTS / "pages.json"
    if pages_path.exists():
        pages = json.loads(pages_path.read_text())
        rows = pages["pages"]
        worst = max(rows, key=lambda row: row["queries"])
        slowest = max(rows, key=lambda row: row["p50"])
        lines.append(
            f"| every page of the demo data on PostgreSQL ({len(rows)} pages × user) | at most {worst['queries']} "
            f"queries ({worst['user']} `{worst['path']}`); p50 median {statistics.median(r['p50'] for r in rows):.0f} "
            f"ms, slowest {slowest['p50']:.0f} ms ({slowest['user']} `{slowest['path']}`); {load(pages)} | "
            f"≤ 15 queries (tests/performance/test_demo_pages.py), ≤ 50 ms | `bench/pages.py` |")
    return "\n".join(lines)


# The other benchmarks' rows: each writes bench/results/<name>.json through bench.common.Results.
WORKLOADS = ("requests", "load", "ingest", "risk", "pdf", "siteplan")
REQUESTS_START, REQUESTS_END = "<!-- perf:requests -->", "<!-- /perf:requests -->"


def requests_table() -> str:
    lines = ["| what | figure (one run) | target | met? | load average (before–after, 2 cores) | how |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name in WORKLOADS:
        path = RESULTS / f"{name}.json"
        if not path.exists():
            lines.append(f"| `bench/{'request_times' if name == 'requests' else name}.py` | not run since it writes "
                         f"bench/results (figures of its last run: docs/performance-requests.md) | | | | |")
            continue
        result = json.loads(path.read_text())
        for row in result["rows"]:
            met = {True: "yes", False: "**no**", None: "—"}[row["met"]]
            lines.append(f"| {row['what']} | {row['figure']} | {row['target']} | {met} | "
                         f"{result['load_before'][0]:.1f}–{result['load_after'][0]:.1f} ({result['taken_at']}) | "
                         f"{result['how']} |")
    return "\n".join(lines)


def replace_between(text: str, start: str, end: str, body: str, target: Path) -> str:
    if start not in text:
        sys.exit(f"{target}: no {start} … {end} markers")
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    return pattern.sub(lambda _match: f"{start}\n{body}\n{end}", text)


def main():
    lists, requests = table(), requests_table()
    for target in TARGETS:
        text = replace_between(target.read_text(), START, END, lists, target)
        text = replace_between(text, REQUESTS_START, REQUESTS_END, requests, target)
        target.write_text(text)
        print(f"updated {target.relative_to(REPO)}")


if __name__ == "__main__":
    main()
