"""A hand-made decision study in the shape of ``kasvu decide``'s output, for fast tests.

Alternative B against the reference A on ``final_employed`` at eight design points of two
uncertainties: B is better where the first (``x``) is above 0.35, worse below, and the
second (``y``) does not matter. PRIM's win box is ``x`` above 0.4; no lose box was found.
The report, the dashboard's decision page and its browser test read it; nothing is run.
The keys default to ``x`` and ``y``; give schema keys to see the uncertainties' labels.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

X = np.round(np.arange(8) * 0.1, 1)
"""The first uncertainty at the eight design points."""
Y = np.linspace(5, 40, 8)
"""The second uncertainty at the eight design points."""


def decision_study(x: str = "x", y: str = "y") -> tuple[dict[str, Any], pd.DataFrame]:
    """``decision.json`` and ``decision.parquet`` of the study, its uncertainties named ``x``
    and ``y``."""
    rows = pd.DataFrame({
        "alternative": "B", "point": np.arange(8), "outcome": "final_employed",
        "value": 100 + X - 0.35, "difference": X - 0.35, "share_seeds_better": (X > 0.35) * 1.0,
        "better": X > 0.35, "worse": X < 0.35, "regret": 0.0, "seeds": 1,
    })
    reference = rows.assign(alternative="A", difference=0.0, better=False, worse=False)
    table = pd.concat([reference, rows], ignore_index=True)
    table[x] = np.tile(X, 2)
    table[y] = np.tile(Y, 2)
    table["fixed"] = 1.0
    box = {"alternative": "B", "outcome": "final_employed", "kind": "win", "box": 1,
           "coverage": 1.0, "density": 1.0, "mass": 0.5,
           "restricted": [{"key": x, "min": 0.4, "max": 0.7, "min_restricted": True,
                           "max_restricted": False}],
           "trajectory": [{"coverage": 1.0, "density": 0.5, "mass": 1.0, "res_dim": 0},
                          {"coverage": 1.0, "density": 1.0, "mass": 0.5, "res_dim": 1}]}
    summary = [{"alternative": name, "outcome": "final_employed",
                "expected_difference": difference, "ci_low": -0.1, "ci_high": 0.2,
                "share_better": share, "share_ci_low": 0.22, "share_ci_high": 0.78,
                "max_regret": 0.35, "mean_regret": 0.12, "share_best": share}
               for name, difference, share in (("A", 0.0, None), ("B", 0.0125, 0.5))]
    doc = {"name": "synthetic", "reference": "A", "alternatives": ["A", "B"],
           "outcomes": ["final_employed"], "points": 8, "replications": 1,
           "uncertainties": 3, "ranges": [{"key": x, "min": 0.0, "max": 1.0}],
           "summary": summary,
           "verdicts": {"final_employed": {"minimax_regret": "B", "most_robust": "B"}},
           "boxes": [box, {**box, "kind": "lose", "box": None}],
           "importance": [{"alternative": "B", "outcome": "final_employed", "key": y,
                           "rank": 1, "score": 0.6},
                          {"alternative": "B", "outcome": "final_employed", "key": x,
                           "rank": 2, "score": 0.4}]}
    return doc, table


def write_decision_dir(path: Path, doc: dict[str, Any], table: pd.DataFrame) -> Path:
    """Write ``decision.json`` and ``decision.parquet`` into ``path``; return ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "decision.json").write_text(json.dumps(doc), encoding="utf-8")
    table.to_parquet(path / "decision.parquet", index=False)
    return path
