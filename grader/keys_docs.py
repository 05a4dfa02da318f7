"""The docs' drawn tables: the settings' keys from their one declaration (grader/base/keys.py), the
seal's policy from grader/sandboxed/policy.py and the subset's from its review (grader/authoring/).

    python -m grader.keys_docs           # rewrite every drawn table in docs/
    python -m grader.keys_docs --check   # exit 1 where a page differs (tests/grader/test_keys_docs.py)

A drawn table sits between ``<!-- drawn: NAME -->`` and ``<!-- /drawn -->`` in its page; what is
between them is this module's, never edited by hand.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from grader.authoring import seal_docs, subset_review
from grader.base.checkout import REPO_ROOT
from grader.base.keys import VARIABLES, Table
from grader.base.packs import PACK_KEYS, TOPIC_KEYS
from grader.course.keys import course_keys

DOCS = REPO_ROOT / "docs"
BLOCK = re.compile(r"(<!-- drawn: (?P<name>[\w.]+) -->\n)(?P<body>.*?)(<!-- /drawn -->)", re.S)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def key_table(table: Table) -> str:
    lines = ["| key | type | default | what it is |", "| --- | --- | --- | --- |"]
    lines += [f"| `{k.name}` | {k.kind} | {k.default_text} | {_cell(k.described)} |" for k in table]
    return "\n".join(lines) + "\n"


def _tables(tables: dict[str, Table], file: str) -> str:
    parts = [f"`{file}`'s top level:\n\n{key_table(tables[''])}"]
    parts += [f"`[{name}]`:\n\n{key_table(table)}" for name, table in tables.items() if name]
    return "\n".join(parts)


def variable_table() -> str:
    lines = ["| Variable | Set by | What it does | Default |", "| --- | --- | --- | --- |"]
    lines += [f"| `{v.name}` | {v.who} | {v.about} | {v.default} |" for v in VARIABLES]
    return "\n".join(lines) + "\n"


def _commands(command: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _commands(command.commands[name], f"{path} {name}")


def _default(option: click.Option) -> str:
    value = option.default
    if value is None or callable(value) or value in (False, (), "") or str(value).endswith("UNSET"):
        return "—"
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


def option_tables() -> str:
    """Each command's options as Click declares them (type, default, help): the commands' one
    declaration of their settings (their defaults are grader/base/defaults.py's)."""
    from grader.cli import main as grade

    parts = []
    for path, command in _commands(grade, "grade"):
        options = [p for p in command.params if isinstance(p, click.Option) and not p.hidden]
        if not options:
            continue
        lines = ["| option | type | default | what it does |", "| --- | --- | --- | --- |"]
        for option in options:
            names = ", ".join(f"`{name}`" for name in [*option.opts, *option.secondary_opts])
            said = " ".join((option.help or "").split()) + (f" (`{option.envvar}`)" if option.envvar else "")
            lines.append(f"| {names} | {option.type.name} | {_default(option)} | {_cell(said)} |")
        parts.append(f"`{path}`:\n\n" + "\n".join(lines) + "\n")
    return "\n".join(parts)


def drawn() -> dict[str, str]:
    """{block name: its text}, every table the docs draw."""
    return {
        "pack.toml": _tables({"": PACK_KEYS, "[topics]": TOPIC_KEYS}, "pack.toml"),
        "course.toml": _tables(course_keys(), "course.toml"),
        "environment": variable_table(),
        "options": option_tables(),
        "seal": seal_docs.table() + "\n",
        "subset": subset_review.table() + "\n",
    }


def redrawn(text: str, tables: dict[str, str]) -> str:
    """``text`` with each drawn block's body replaced by its table (an unknown name: a KeyError)."""
    return BLOCK.sub(lambda m: m[1] + tables[m["name"]] + m[4], text)


def pages() -> dict[Path, str]:
    """{page: its text as drawn} of every page of docs/ holding a drawn block."""
    tables = drawn()
    found = {}
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        if BLOCK.search(text):
            found[page] = redrawn(text, tables)
    return found


def main(argv: list[str]) -> int:
    stale = [page for page, text in pages().items() if page.read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for page in stale:
            print(f"{page}: its drawn tables differ (python -m grader.keys_docs)")
        return 1 if stale else 0
    for page, text in pages().items():
        page.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
