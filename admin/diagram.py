"""The state diagram of a case's workflow, drawn by Graphviz from the same table the machine
runs on, with the path the case took and its current state highlighted. Rendered offline."""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from vocabulary.states import State, trigger_label
from workflow.engine.machines import Workflow

TAKEN, CURRENT, IDLE = "#1f6feb", "#d29922", "#8c959f"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot_source(workflow: Workflow, path: tuple[tuple[str, str, str], ...], current: str, role: str | None = None) -> str:
    """``path`` is the case's moves as (from, trigger, to), oldest first."""
    visited = {State.PLANNED.value, *(step[0] for step in path), *(step[2] for step in path)}
    taken = set(path)
    lines = [
        "digraph workflow {",
        '  graph [rankdir=TB, bgcolor="transparent", fontname="DejaVu Sans", nodesep=0.3, ranksep=0.35];',
        '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=11, fillcolor="#ffffff", color="#8c959f"];',
        '  edge [fontname="DejaVu Sans", fontsize=9, color="#8c959f", fontcolor="#57606a"];',
    ]
    for state in workflow.states:
        attributes = [f"label={_quote(state.label)}"]
        if state.value == current:
            attributes += [f'fillcolor="{CURRENT}"', 'fontcolor="#ffffff"', "penwidth=2", f'color="{CURRENT}"']
        elif state.value in visited:
            attributes += ['fillcolor="#ddf4ff"', f'color="{TAKEN}"', "penwidth=1.5"]
        lines.append(f"  {state.value} [{', '.join(attributes)}];")
    for row in workflow.rows:
        for source in row.source:
            key = (source.value, row.trigger, row.dest.value)
            if row.trigger == "cancel" and key not in taken:
                continue  # possible from every open state: said once under the diagram, not drawn
            style = [f"label={_quote(trigger_label(row.trigger, role))}"]
            if key in taken:
                style += [f'color="{TAKEN}"', f'fontcolor="{TAKEN}"', "penwidth=2.2"]
            lines.append(f"  {source.value} -> {row.dest.value} [{', '.join(style)}];")
    lines.append("}")
    return "\n".join(lines)


@lru_cache(maxsize=256)
def render_svg(source: str) -> str | None:
    """SVG text from DOT, or None when Graphviz is not installed."""
    dot = shutil.which("dot")
    if dot is None:
        return None
    result = subprocess.run([dot, "-Tsvg"], input=source.encode("utf-8"), capture_output=True, timeout=20, check=True)
    svg = result.stdout.decode("utf-8")
    return svg[svg.index("<svg"):]  # drop the XML prologue to inline it in the page
