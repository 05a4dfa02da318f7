"""Render a :class:`Report` for people (a table with teaching messages) or machines (JSON)."""

from __future__ import annotations

import json

from grader.scoring import Report, TopicResult

COLUMNS = ("passed", "failed", "error", "timeout", "not_started", "skipped")


def to_json(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2)


def _points(value: float) -> str:
    return f"{value:g}"


def _topic_row(topic: TopicResult) -> str:
    counts = "".join(f"{topic.count(c):>12}" for c in COLUMNS)
    return f"{topic.name:<11}{_points(topic.score) + '/' + _points(topic.max_score):>9}{counts}"


def group_by_message(tests: list[dict]) -> list[tuple[str, str, list[str]]]:
    """(status, message, test ids) with one entry per distinct outcome, in first-seen order.

    An import error or a missing function fails every check the same way: say it once.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for test in tests:
        groups.setdefault((test["status"], test["message"]), []).append(test["id"])
    return [(status, message, ids) for (status, message), ids in groups.items()]


def _details(topic: TopicResult, notebook: bool) -> list[str]:
    lines: list[str] = []
    open_tests = [t.to_json() for t in topic.tests if t.status in ("failed", "error", "timeout")]
    for status, message, ids in group_by_message(open_tests):
        label = ids[0] if len(ids) == 1 else f"{len(ids)} checks ({ids[0]}, …)"
        lines.append(f"  ✗ {topic.name} · {label} {status}")
        lines += [f"      {line}" for line in message.splitlines()]
    not_started = topic.count("not_started")
    if not_started:
        where = "" if notebook else f" in {topic.name}.py"
        lines.append(
            f"  … {topic.name}: {not_started} checks not started "
            f"(functions{where} still raise NotImplementedError)"
        )
    return lines


def to_table(report: Report, title: str) -> str:
    header = f"{'topic':<11}{'score':>9}" + "".join(f"{c.replace('_', ' '):>12}" for c in COLUMNS)
    lines = [
        f"torchgrade: {title}  (sandbox: {report.sandbox}; device: {report.device})",
        "",
        header,
        "-" * len(header),
    ]
    lines += [_topic_row(t) for t in report.topics]
    percent = 100 * report.score / report.max_score if report.max_score else 0.0
    lines += [
        "-" * len(header),
        f"{'total':<11}{_points(report.score) + '/' + _points(report.max_score):>9}  ({percent:.0f} %)",
    ]
    details = [line for t in report.topics for line in _details(t, title.endswith(".ipynb"))]
    if details:
        lines += ["", "What to look at:", *details]
    lines += [f"note: {t.name}: {t.note}" for t in report.topics if t.note]
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines)
