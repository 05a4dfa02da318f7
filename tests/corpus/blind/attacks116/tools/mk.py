"""mk.py DIR : build DIR/losses.py from DIR/attack.py (+ the honest reference for every exercise the attack does not define)."""
import ast, sys, pathlib
d = pathlib.Path(sys.argv[1])
topic = sys.argv[2] if len(sys.argv) > 2 else "losses"
att = (d / "attack.py").read_text()
sol = pathlib.Path(f"/work/main/solutions/{topic}.py").read_text()
defined = {n.name for n in ast.parse(att).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
st = ast.parse(sol)
lines = sol.splitlines()
keep = []
for n in st.body:
    if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in defined:
        continue
    if isinstance(n, (ast.Import, ast.ImportFrom)) and getattr(n, "module", None) == "__future__":
        continue
    if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) and n is st.body[0]:
        continue
    start = n.lineno - 1
    if getattr(n, "decorator_list", None):
        start = n.decorator_list[0].lineno - 1
    keep.append("\n".join(lines[start:n.end_lineno]))
out = "from __future__ import annotations\n" + att.replace("from __future__ import annotations\n", "") + "\n\n# ---- honest reference for the other exercises ----\n" + "\n\n".join(keep) + "\n"
(d / f"{topic}.py").write_text(out)
