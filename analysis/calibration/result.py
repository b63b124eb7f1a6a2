"""The calibration's result record as a readable page, and writing both to a directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..experiments.store import atomic_write
from .targets import Moment


def moment_row(m: Moment, final: dict[str, Any]) -> dict[str, Any]:
    """A moment of the result: target, the final replications' values and their spread."""
    values = [float(r[m.name]) for r in final["replications"]]
    mean = float(np.mean(values))
    return {
        "name": m.name,
        "target": m.target,
        "tolerance": m.tolerance,
        "weight": m.weight,
        "mean": mean,
        "sd": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
        "min": min(values),
        "max": max(values),
        "values": values,
        "within_tolerance": bool(abs(mean - m.target) <= m.tolerance),
        "definition": m.definition,
        "source": m.source,
    }


def result_markdown(result: dict[str, Any]) -> str:
    """A readable page of the result: chosen values, moments, search and how to rerun."""
    lines = [
        f"# Calibration result ({result['mode']})",
        "",
        f"Scenario `{result['scenario']}`, fixed overrides {result['fixed'] or 'none'}; "
        f"run on {result['date']} by `{result['command']}` in {result['elapsed_seconds']} s.",
        *_checked_line(result),
        "",
        "## Chosen values",
        "",
        "| parameter | value | search range | why free |",
        "|---|---|---|---|",
    ]
    for p in result["parameters"]:
        lines.append(f"| `{p['key']}` | {p['value']:.3g} | {p['min']:g}–{p['max']:g} | "
                     f"{p['why']} |")
    n = len(result["final_seeds"])
    lines += [
        "",
        f"## Moments at the chosen values ({n} replications, seeds "
        f"{result['final_seeds'][0]}–{result['final_seeds'][-1]}, not used in the search)",
        "",
        "| moment | target | tolerance | model mean | sd | min–max | within |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in result["moments"]:
        lines.append(
            f"| {m['name']} | {m['target']:.3f} | ±{m['tolerance']:.3f} | {m['mean']:.3f} | "
            f"{m['sd']:.3f} | {m['min']:.3f}–{m['max']:.3f} | "
            f"{'yes' if m['within_tolerance'] else 'no'} |")
    s = result["search"]
    refine_best = s["refine_best_distance"]
    lines += [
        "",
        f"Weighted distance {result['distance']:.3g} (sum of weight · ((model − target) / "
        "tolerance)²).",
        "",
        "## Search",
        "",
        f"- Latin hypercube: {s['lhs_points']} points × {s['replications']} replications "
        f"(seeds {s['seeds']}); distance best {s['lhs_best_distance']:.3g}, worst "
        f"{s['lhs_worst_distance']:.3g}.",
        f"- Nelder-Mead from the best point: {s['refine_evaluations']} evaluations "
        f"({s['refine_message']}); best "
        + (f"{refine_best:.3g}." if refine_best is not None else "none."),
        f"- Best of the search {s['search_best_distance']:.3g}; its values rounded to three "
        "significant digits are the chosen ones.",
        "",
        "## Moments: definitions and sources",
        "",
    ]
    for m in result["moments"]:
        lines.append(f"- **{m['name']}**: {m['definition']}. Source: {m['source']}.")
    lines += ["", "## Scenario lines", "", "```toml"]
    tables: dict[str, list[str]] = {}
    for p in result["parameters"]:
        table, _, key = p["key"].rpartition(".")
        tables.setdefault(table, []).append(f"{key} = {p['value']:.3g}")
    for table, rows in tables.items():
        lines += [f"[{table}]", *rows, ""]
    lines[-1:] = ["```", ""]
    return "\n".join(lines)


def _checked_line(result: dict[str, Any]) -> list[str]:
    """The line saying when the moments were measured again (``--check``), if they were."""
    c = result.get("checked")
    if not c:
        return []
    return [f"The moments below were measured again at the same values on {c['date']} by "
            f"`{c['command']}` in {c['elapsed_seconds']} s (the search's record is the "
            "original's)."]


def write_result(result: dict[str, Any], out: Path) -> None:
    """Write result.json and result.md into ``out``, each whole or not at all."""
    out.mkdir(parents=True, exist_ok=True)
    for name, text in (("result.json", json.dumps(result, indent=1, ensure_ascii=False) + "\n"),
                       ("result.md", result_markdown(result))):
        atomic_write(out / name, text.encode("utf-8"))
