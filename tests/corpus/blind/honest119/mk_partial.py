"""Build a partial program: the stub of a topic with some top-level definitions replaced.

usage (from python): build(topic, out_path, {name: source}, extra_imports="")
"""
import ast, pathlib

STUBS = pathlib.Path("/work/wt/h119/exercises")


def build(topic, out_path, replacements, extra_imports="", append=""):
    src = (STUBS / f"{topic}.py").read_text()
    tree = ast.parse(src)
    lines = src.splitlines(keepends=True)
    spans = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in replacements:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            spans.append((start, node.end_lineno, node.name))
    missing = set(replacements) - {s[2] for s in spans}
    assert not missing, missing
    for start, end, name in sorted(spans, reverse=True):
        lines[start:end] = [replacements[name].strip("\n") + "\n"]
    text = "".join(lines)
    if extra_imports:
        anchor = "from __future__ import annotations\n"
        text = text.replace(anchor, anchor + "\n" + extra_imports.strip("\n") + "\n", 1)
    if append:
        text = text.rstrip("\n") + "\n\n\n" + append.strip("\n") + "\n"
    out = pathlib.Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    return out
