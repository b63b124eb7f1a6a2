"""A decision study's results (päätöksen tulokset): decision.json, decision.parquet, summary.

:func:`analyse` reads a decision directory's runs (each file verified), computes the
statistics of :mod:`.stats`, the PRIM boxes and the ranking of uncertainties of
:mod:`.discovery`, and :func:`write_results` writes them:

- ``decision.json``: ``summary`` (one record per alternative and outcome: expected
  difference from the reference with its 95 % interval, quantiles, share of design points
  where it is better with its Wilson interval, mean and largest regret, share of points
  where it is best), ``verdicts`` (per outcome: minimax-regret and most robust alternative,
  a sentence), ``boxes`` (PRIM per alternative, outcome and ``win``/``lose``: coverage,
  density, mass, restricted dimensions and a sentence, the peeling trajectory),
  ``importance`` (per alternative and outcome, uncertainties ranked) and the study's
  identity (name, reference, alternatives, outcomes, points, seeds, entropy, spec hash,
  runs done and failed);
- ``decision.parquet``: one row per alternative, design point and outcome with
  ``value`` (seed mean), ``difference`` from the reference (paired by seed, then the seed
  mean), ``share_seeds_better``, ``better`` (at more than half of the seeds), ``worse``,
  ``regret``, ``seeds``, and one column per uncertainty (the point's value).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..experiments.design import ANALYSIS_KEY, derive_seed
from ..experiments.store import atomic_write
from . import stats
from .discovery import (
    PRIM_DIMENSIONS,
    describe_limits,
    feature_scores,
    find_box,
    no_region_sentence,
    sobol_scores,
)
from .study import design_table, outcome_table, read_plan

FORMAT = 1
JSON_FILE = "decision.json"
PARQUET_FILE = "decision.parquet"
TOP_SHOWN = 5
PARQUET_LEAD = ["alternative", "point", "outcome", "value", "difference",
                "share_seeds_better", "better", "worse", "regret", "seeds"]
"""The leading columns of decision.parquet; one column per uncertainty follows."""


def analyse(directory: str | Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The results of the decision study in ``directory``: the JSON document and table."""
    root = Path(directory)
    plan = read_plan(root)
    runs = outcome_table(root)
    outcomes, reference = plan["outcomes"], plan["reference"]
    design = design_table(plan)
    table = stats.summary(runs, reference, outcomes)
    per_point = _per_point(runs, reference, outcomes, design)
    doc = {
        "format": FORMAT,
        "name": plan["name"],
        "reference": reference,
        "alternatives": list(plan["alternatives"]),
        "outcomes": outcomes,
        "points": len(design),
        "replications": plan["replications"],
        "seeds": plan["seeds"],
        "entropy": plan["entropy"],
        "spec_hash": plan["spec_hash"],
        "design_kind": plan["design_kind"],
        "uncertainties": len(design.columns),
        "ranges": [{"key": u["key"], "min": u["min"], "max": u["max"]}
                   for u in plan["uncertainties"] if u.get("min") is not None],
        "runs": {"stored": int(len(runs)),
                 "planned": len(design) * plan["replications"] * len(plan["alternatives"])},
        "summary": _records(table),
        "verdicts": _verdicts(table, reference),
    }
    doc["importance"] = _importance(per_point, design, plan)
    doc["boxes"] = _boxes(per_point, design, plan, doc["importance"])
    return doc, per_point


def _per_point(runs: pd.DataFrame, reference: str, outcomes: list[str],
               design: pd.DataFrame) -> pd.DataFrame:
    """decision.parquet's rows (module docstring)."""
    values = stats.point_values(runs, outcomes)
    diffs = stats.point_differences(stats.differences(runs, reference, outcomes), outcomes)
    regret = stats.regrets(values, outcomes)
    seeds = runs.groupby(["alternative", "point"]).size()
    frames = []
    for name in outcomes:
        frame = pd.DataFrame({"value": values[name], "regret": regret[name],
                              "seeds": seeds}).reset_index()
        frame["outcome"] = name
        d = diffs[[name, f"{name}:better"]].rename(
            columns={name: "difference", f"{name}:better": "share_seeds_better"}).reset_index()
        frame = frame.merge(d, on=["alternative", "point"], how="left")
        ref = frame["alternative"] == reference
        frame.loc[ref, "difference"] = 0.0
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["better"] = out["share_seeds_better"] > 0.5
    sign = out["outcome"].map(stats.direction)
    out["worse"] = _share_worse(runs, reference, outcomes, out) > 0.5
    out.loc[sign == 0, ["better", "worse"]] = False
    out = out.astype({"point": "int64", "seeds": "int64", "better": bool, "worse": bool})
    out = out[PARQUET_LEAD].merge(design.reset_index(), on="point", how="left")
    return out.sort_values(["alternative", "outcome", "point"], kind="stable",
                           ignore_index=True)


def _share_worse(runs: pd.DataFrame, reference: str, outcomes: list[str],
                 out: pd.DataFrame) -> pd.Series:
    """Per row of ``out``: the share of the point's seeds where the alternative is worse."""
    diffs = stats.differences(runs, reference, outcomes)
    long = diffs.melt(id_vars=["alternative", "point", "seed"], value_vars=outcomes,
                      var_name="outcome", value_name="d")
    long["worse"] = long["outcome"].map(stats.direction) * long["d"] < 0
    share = long.groupby(["alternative", "point", "outcome"])["worse"].mean()
    index = pd.MultiIndex.from_frame(out[["alternative", "point", "outcome"]])
    return pd.Series(share.reindex(index).fillna(0.0).to_numpy(), index=out.index)


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in table.to_dict("records")]


def _plain(value: Any) -> Any:
    """A JSON-safe value: NaN becomes null, numpy scalars Python ones."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _verdicts(table: pd.DataFrame, reference: str) -> dict[str, dict[str, Any]]:
    """Per outcome: minimax-regret and most robust alternative, and a sentence each way."""
    out = {}
    for name, picks in stats.verdicts(table).items():
        lines = []
        for _, row in table[(table["outcome"] == name)
                            & (table["alternative"] != reference)].iterrows():
            lines.append(verdict_sentence(row, reference))
        out[name] = {**picks, "sentences": lines}
    return out


def verdict_sentence(row: Any, reference: str) -> str:
    """``X beats Y on OUTCOME at 81 % of the points (95 % CI 70–89 %); expected +1 200``."""
    if row["share_better"] is None or (isinstance(row["share_better"], float)
                                       and math.isnan(row["share_better"])):
        return (f"{row['alternative']} − {reference}, {row['outcome']}: expected "
                f"{row['expected_difference']:+,.4g}")
    return (f"{row['alternative']} beats {reference} on {row['outcome']} at "
            f"{row['share_better']:.0%} of the design points (95 % CI "
            f"{row['share_ci_low']:.0%}–{row['share_ci_high']:.0%}), worse at "
            f"{row['share_worse']:.0%}; expected difference {row['expected_difference']:+,.4g} "
            f"[{row['ci_low']:+,.4g}, {row['ci_high']:+,.4g}]")


def _boxes(per_point: pd.DataFrame, design: pd.DataFrame, plan: dict[str, Any],
           importance: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """PRIM's win and lose boxes per alternative (not the reference) and outcome.

    PRIM searches the alternative's :data:`~.discovery.PRIM_DIMENSIONS` highest ranked
    uncertainties for that outcome (all, where there is no ranking).
    """
    ranked: dict[tuple[str, str], list[str]] = {}
    for item in sorted(importance, key=lambda item: item["rank"]):
        ranked.setdefault((item["alternative"], item["outcome"]), []).append(item["key"])
    boxes = []
    for (alternative, outcome), rows in per_point.groupby(["alternative", "outcome"],
                                                          sort=False):
        if alternative == plan["reference"] or stats.direction(outcome) == 0:
            continue
        rows = rows.set_index("point")
        x = design.loc[rows.index]
        for kind in ("win", "lose"):
            y = rows["better" if kind == "win" else "worse"].to_numpy(dtype=bool)
            keys = ranked.get((alternative, outcome), [])[:PRIM_DIMENSIONS] or None
            found = find_box(x, y, keys=keys)
            entry = {"alternative": alternative, "outcome": outcome, "kind": kind,
                     "points": int(len(y)), "share": float(y.mean()) if len(y) else None}
            if found is None:
                entry.update(box=None, text=_nowhere(alternative, outcome, kind, y))
            else:
                entry.update(found)
                if not found["restricted"]:
                    entry["text"] = no_region_sentence(entry)
                    boxes.append(entry)
                    continue
                entry["text"] = (f"{alternative} {'wins' if kind == 'win' else 'loses'} "
                                 f"{outcome} when {describe_limits(found['restricted'])} "
                                 f"(coverage {found['coverage']:.0%}, density "
                                 f"{found['density']:.0%})")
            boxes.append(entry)
    return boxes


def _nowhere(alternative: str, outcome: str, kind: str, y: np.ndarray) -> str:
    verb = "wins" if kind == "win" else "loses"
    where = "everywhere" if len(y) and y.all() else "nowhere"
    return f"{alternative} {verb} {outcome} {where} in the space (no box to find)"


def _importance(per_point: pd.DataFrame, design: pd.DataFrame, plan: dict[str, Any]
                ) -> list[dict[str, Any]]:
    """Uncertainties ranked by how much they move each alternative's difference."""
    seed = derive_seed(plan["entropy"], ANALYSIS_KEY)
    out = []
    for (alternative, outcome), rows in per_point.groupby(["alternative", "outcome"],
                                                          sort=False):
        rows = rows.dropna(subset=["difference"]).set_index("point")
        if alternative == plan["reference"] or len(rows) < 4 or rows["difference"].std() == 0:
            continue
        complete = len(rows) == len(design)
        if plan["design_kind"] == "sobol" and complete:
            scores, method = sobol_scores(list(design.columns), rows["difference"]
                                          .sort_index().to_numpy(), seed), "sobol_total"
        else:
            scores, method = feature_scores(design.loc[rows.index], rows["difference"]
                                            .to_numpy(), seed), "extra_trees"
        for rank, (key, score) in enumerate(scores.items(), start=1):
            out.append({"alternative": alternative, "outcome": outcome, "key": str(key),
                        "score": _plain(float(score)), "rank": rank, "method": method})
    return out


def write_results(directory: str | Path) -> dict[str, Any]:
    """Analyse the study in ``directory``; write decision.json and decision.parquet."""
    root = Path(directory)
    doc, table = analyse(root)
    import io

    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    atomic_write(root / PARQUET_FILE, buffer.getvalue())
    atomic_write(root / JSON_FILE, json.dumps(doc, indent=1, ensure_ascii=False)
                 .encode("utf-8"))
    return doc


def summary_text(doc: dict[str, Any], top: int = TOP_SHOWN) -> str:
    """The printed summary: a verdict per outcome, the PRIM boxes, what matters most."""
    lines = [f"{doc['name']}: {len(doc['alternatives'])} alternatives × {doc['points']} "
             f"design points × {doc['replications']} seed(s) over {doc['uncertainties']} "
             f"uncertainties; reference {doc['reference']}"]
    for outcome in doc["outcomes"]:
        verdict = doc["verdicts"][outcome]
        lines.append(f"\n{outcome}: minimax regret {verdict['minimax_regret']}, "
                     f"most robust {verdict['most_robust']}")
        lines.extend(f"  {s}" for s in verdict["sentences"])
        for box in doc["boxes"]:
            if box["outcome"] == outcome:
                lines.append(f"  PRIM: {box['text']}")
        ranked: dict[str, list[str]] = {}
        for item in doc["importance"]:
            if item["outcome"] == outcome and item["rank"] <= top:
                ranked.setdefault(item["alternative"], []).append(item["key"])
        for alternative, keys in ranked.items():
            lines.append(f"  matters most for {alternative}: {', '.join(keys)}")
    return "\n".join(lines)
