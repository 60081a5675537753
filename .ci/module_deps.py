#!/usr/bin/env python3
"""Lists which top-level modules of src/ use which, and fails on a cycle.

Stages may only depend downwards (load -> render -> write; fetch -> parse ->
sanitise -> merge): a cycle between two top-level modules means two stages
reach into each other. Reads `crate::name` references (in `use` lines and in
paths), ignoring comments. Usage: module_deps.py [--list] [SRC_DIR]
"""
import re
import sys
from pathlib import Path

args = [a for a in sys.argv[1:] if not a.startswith("--")]
src = Path(args[0] if args else "src")
CRATE_PATH = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")
USE_GROUP = re.compile(r"\buse\s+crate::\{([^;]*)\}", re.S)


def top_module(path: Path) -> str:
    rel = path.relative_to(src)
    return rel.parts[0].removesuffix(".rs")


def strip_comments(text: str) -> str:
    # String literals first: a `//` inside "https://..." is not a comment.
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//")[0] for line in text.splitlines())


def uses(text: str) -> set:
    found = set(CRATE_PATH.findall(text))
    for group in USE_GROUP.findall(text):
        for item in re.split(r"[,\s]+", group):
            name = item.split("::")[0].strip("{} ")
            if re.fullmatch(r"[a-z_][a-z0-9_]*", name or ""):
                found.add(name)
    return found


graph = {}
for file in sorted(src.rglob("*.rs")):
    module = top_module(file)
    if module in ("main", "lib"):
        continue
    deps = uses(strip_comments(file.read_text(encoding="utf-8")))
    graph.setdefault(module, set()).update(d for d in deps if d != module)

modules = sorted(graph)
if not modules:
    sys.exit(f"no modules found under {src}: nothing was checked")
if "--list" in sys.argv:
    for m in modules:
        print(f"{m} -> {', '.join(sorted(d for d in graph[m] if d in graph)) or '(nothing)'}")

# Tarjan's strongly connected components.
index, low, stack, on_stack, sccs = {}, {}, [], set(), []


def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on_stack.add(v)
    for w in graph.get(v, ()):
        if w not in graph:
            continue
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        scc = []
        while True:
            w = stack.pop()
            on_stack.discard(w)
            scc.append(w)
            if w == v:
                break
        if len(scc) > 1:
            sccs.append(sorted(scc))


sys.setrecursionlimit(10000)
for m in modules:
    if m not in index:
        visit(m)

# Inside each folder module, its sub-modules must not form a cycle either
# (a federation source list calling the merge stage, say).
SUPER = re.compile(r"\bsuper::([a-z_][a-z0-9_]*)")
for folder in sorted(p for p in src.iterdir() if p.is_dir()):
    inner = {}
    for file in sorted(folder.rglob("*.rs")):
        parts = file.relative_to(folder).parts
        sub = parts[0].removesuffix(".rs")
        if sub == "mod":
            continue
        text = strip_comments(file.read_text(encoding="utf-8"))
        deps = set(re.findall(r"\bcrate::" + folder.name + r"::([a-z_][a-z0-9_]*)", text))
        if len(parts) == 1:
            deps |= set(SUPER.findall(text))
        inner.setdefault(sub, set()).update(d for d in deps if d != sub)
    graph = {f"{folder.name}::{k}": {f"{folder.name}::{d}" for d in v} for k, v in inner.items()}
    if "--list" in sys.argv:
        for m in sorted(graph):
            print(f"  {m} -> {', '.join(sorted(d for d in graph[m] if d in graph)) or '(nothing)'}")
    index, low, stack, on_stack = {}, {}, [], set()
    for m in sorted(graph):
        if m not in index:
            visit(m)
if sccs:
    for scc in sccs:
        print("import cycle between modules: " + " <-> ".join(scc), file=sys.stderr)
    sys.exit(1)
print(f"{len(modules)} top-level modules, no import cycles")
