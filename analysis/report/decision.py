"""The decision section of a report (päätösosio): verdicts, differences, PRIM box, ranking.

Reads a decision directory's ``decision.json`` and ``decision.parquet``
(:mod:`analysis.decision.results`) and gives a workshop, in five minutes: one sentence
per outcome and alternative with how often it beats the reference and its robustness
(:func:`decision_sentences`), the distribution of differences over the design points
(:func:`difference_figure`), PRIM's trade-off curve and chosen box
(:func:`prim_figure`) and the uncertainties ranked (:func:`ranking_figure`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.decision.discovery import describe_limits, no_region_sentence
from analysis.decision.names import uncertainty_label

from .i18n import capitalise, label, number, percent, text
from .style import (
    BASE_SIZE,
    GAIN,
    LOSS,
    NEUTRAL,
    SCENARIO_COLOURS,
    MissingData,
    Source,
    house_style,
    panel_title,
    slide,
    tidy,
    value_axis,
)

MAX_OUTCOMES = 4
MAX_KEYS = 10


def read_decision(path: Path) -> tuple[dict[str, Any], pd.DataFrame | None] | None:
    """``decision.json`` and ``decision.parquet`` of ``path``, or None without the JSON."""
    doc_path = path / "decision.json"
    if not doc_path.is_file():
        return None
    table_path = path / "decision.parquet"
    table = pd.read_parquet(table_path) if table_path.is_file() else None
    return json.loads(doc_path.read_text(encoding="utf-8")), table


def outcome_label(outcome: str, lang: str) -> str:
    """``final_employed`` → ``työlliset lopussa`` / ``employed at the end``."""
    stat, _, metric = outcome.partition("_")
    key = f"stat_{stat}"
    return f"{label(metric, lang)} {text(key, lang)}" if key in _keys(lang) else outcome


def _keys(lang: str) -> set[str]:
    from .i18n import LABELS

    return set(LABELS[lang])


def _value(value: float | None, outcome: str, lang: str, signed: bool = True) -> str:
    if value is None:
        return "–"
    if outcome.endswith("_eur"):
        from .i18n import euros

        return euros(value, lang, signed=signed)
    return number(value, lang, 0 if abs(value) >= 10 else 2, signed)


def decision_sentences(doc: dict[str, Any], lang: str) -> list[str]:
    """A verdict per outcome and alternative, the chosen PRIM boxes, what matters most."""
    reference = doc["reference"]
    sentences = []
    for row in doc["summary"]:
        if row["alternative"] == reference or row["share_better"] is None:
            continue
        outcome = row["outcome"]
        sentences.append(text(
            "sum_decision", lang, outcome=capitalise(outcome_label(outcome, lang)),
            alternative=row["alternative"], reference=reference,
            share=percent(row["share_better"], lang, 0),
            low=percent(row["share_ci_low"], lang, 0), high=percent(row["share_ci_high"], lang, 0),
            diff=_value(row["expected_difference"], outcome, lang),
            minimax=doc["verdicts"][outcome]["minimax_regret"] or "–"))
    for box in doc["boxes"]:
        if box.get("box") is None:
            continue
        if not box["restricted"]:
            sentences.append(no_region_sentence(
                {**box, "outcome": outcome_label(box["outcome"], lang)}, lang))
            continue
        where = describe_limits(box["restricted"], lang,
                                lambda key: uncertainty_label(key, lang))
        sentences.append(text(
            "sum_decision_box", lang, alternative=box["alternative"],
            verb=text("decision_wins" if box["kind"] == "win" else "decision_loses", lang),
            outcome=outcome_label(box["outcome"], lang), where=where,
            coverage=percent(box["coverage"], lang, 0), density=percent(box["density"], lang, 0)))
    for (alternative, outcome), keys in _top_keys(doc, 3).items():
        names = ", ".join(uncertainty_label(key, lang) for key in keys)
        sentences.append(text("sum_decision_rank", lang, alternative=alternative,
                              outcome=outcome_label(outcome, lang), keys=names))
    return sentences


def _top_keys(doc: dict[str, Any], top: int) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for item in doc["importance"]:
        if item["rank"] <= top:
            out.setdefault((item["alternative"], item["outcome"]), []).append(item["key"])
    return out


def _source(doc: dict[str, Any], lang: str) -> Source:
    note = text("decision_source", lang, points=doc["points"], seeds=doc["replications"],
                n=doc["uncertainties"])
    return Source(tuple(doc["alternatives"]), doc["replications"], (note,))


@house_style
def difference_figure(doc: dict[str, Any], table: pd.DataFrame | None, lang: str) -> Figure:
    """Per outcome, each alternative's difference from the reference at every design point."""
    if table is None or table.empty:
        raise MissingData("decision.parquet: missing or empty")
    outcomes = doc["outcomes"][:MAX_OUTCOMES]
    shape = (1, len(outcomes)) if len(outcomes) <= 2 else (2, 2)
    fig, axes = slide(lang, text("title_decision_diff", lang, reference=doc["reference"]),
                      _source(doc, lang), *shape)
    others = [a for a in doc["alternatives"] if a != doc["reference"]]
    rng = np.random.default_rng(0)  # jitter only
    for ax, outcome in zip(axes, outcomes, strict=False):
        tidy(ax, grid="x")
        rows = table[table["outcome"] == outcome]
        for i, alternative in enumerate(others):
            d = rows[rows["alternative"] == alternative]["difference"].dropna().to_numpy()
            y = i + rng.uniform(-0.15, 0.15, d.size)
            ax.boxplot(d, positions=[i], orientation="horizontal", widths=0.5, showfliers=False,
                       medianprops={"color": "#111111"})
            ax.scatter(d, y, s=14, color=SCENARIO_COLOURS[(i + 1) % len(SCENARIO_COLOURS)],
                       alpha=0.7, zorder=3)
        ax.axvline(0, color=NEUTRAL, lw=1.5)
        money = outcome.endswith("_eur")
        # Euros in millions, and fewer ticks in narrow panels, so that labels never touch.
        value_axis(ax, lang, "x", scale=1e6 if money else 1.0, nbins=6 if shape[1] == 1 else 4)
        ax.set_yticks(range(len(others)), others, fontsize=BASE_SIZE - 4)
        ax.set_xlabel(text("decision_diff_axis_eur" if money else "decision_diff_axis", lang),
                      fontsize=BASE_SIZE - 5)
        panel_title(ax, capitalise(outcome_label(outcome, lang)), shape[1])
    for ax in axes[len(outcomes):]:
        ax.set_axis_off()
    return fig


def chosen_box(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The box shown: the first outcome's first box that restricts something (win first)."""
    found = [b for b in doc["boxes"] if b.get("box") is not None]
    # A box that restricts something first: one that kept no restriction shows no region.
    found.sort(key=lambda b: (not b["restricted"], doc["outcomes"].index(b["outcome"]),
                              b["kind"] != "win"))
    return found[0] if found else None


@house_style
def prim_figure(doc: dict[str, Any], lang: str) -> Figure:
    """PRIM's peeling trajectory (coverage against density) and the chosen box's limits."""
    box = chosen_box(doc)
    if box is None:
        raise MissingData(text("note_missing", lang, what="PRIM"))
    verb = text("decision_wins" if box["kind"] == "win" else "decision_loses", lang)
    title = text("title_decision_prim", lang, alternative=box["alternative"], verb=verb,
                 outcome=outcome_label(box["outcome"], lang))
    fig, (curve, limits) = slide(lang, title, _source(doc, lang), 1, 2)
    trajectory = pd.DataFrame(box["trajectory"])
    points = curve.scatter(trajectory["coverage"], trajectory["density"],
                           c=trajectory["res_dim"], cmap="cividis", s=40, zorder=3)
    value_axis(fig.colorbar(points, ax=curve, label=text("decision_restricted", lang)).ax,
               lang)
    curve.scatter([box["coverage"]], [box["density"]], s=260, facecolors="none",
                  edgecolors=LOSS if box["kind"] == "lose" else GAIN, linewidths=3,
                  label=text("decision_chosen", lang), zorder=4)
    curve.set_xlabel(capitalise(text("decision_coverage", lang)))
    curve.set_ylabel(capitalise(text("decision_density", lang)))
    curve.legend(loc="lower left", frameon=False)
    value_axis(curve, lang, "x")
    value_axis(curve, lang, "y")
    tidy(limits, grid="x")
    _limit_bars(limits, box, doc, lang)
    return fig


def _limit_bars(ax: Any, box: dict[str, Any], doc: dict[str, Any], lang: str) -> None:
    """The restricted dimensions as bars within each uncertainty's range (0..1)."""
    ranges = _ranges(doc)
    dims = box["restricted"][:MAX_KEYS]
    for i, dim in enumerate(dims):
        low, high = ranges.get(dim["key"], (dim["min"], dim["max"]))
        span = (high - low) or 1.0
        a, b = (dim["min"] - low) / span, (dim["max"] - low) / span
        ax.barh(i, 1, color="#EEEEEE")
        ax.barh(i, b - a, left=a, color=GAIN if box["kind"] == "win" else LOSS)
    ax.set_yticks(range(len(dims)), [uncertainty_label(d["key"], lang, "\n") for d in dims],
                  fontsize=BASE_SIZE - 6)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    value_axis(ax, lang, "x")
    ax.set_xlabel(text("decision_range", lang), fontsize=BASE_SIZE - 5)


def _ranges(doc: dict[str, Any]) -> dict[str, tuple[float, float]]:
    return {u["key"]: (u["min"], u["max"]) for u in doc.get("ranges", [])
            if u.get("min") is not None}


@house_style
def ranking_figure(doc: dict[str, Any], lang: str) -> Figure:
    """The uncertainties ranked by importance for the first alternative, per outcome."""
    others = [a for a in doc["alternatives"] if a != doc["reference"]]
    items = pd.DataFrame(doc["importance"])
    if items.empty or not others:
        raise MissingData(text("note_missing", lang, what="importance"))
    alternative = others[-1]
    items = items[items["alternative"] == alternative]
    outcomes = [o for o in doc["outcomes"] if o in set(items["outcome"])][:MAX_OUTCOMES]
    shape = (1, len(outcomes)) if len(outcomes) <= 2 else (2, 2)
    fig, axes = slide(lang, text("title_decision_rank", lang, alternative=alternative),
                      _source(doc, lang), *shape)
    for ax, outcome in zip(axes, outcomes, strict=False):
        tidy(ax, grid="x")
        # Two lines a name: half as many fit in a panel of the second row.
        rows = items[items["outcome"] == outcome].sort_values("rank").head(MAX_KEYS // shape[0])
        ax.barh(range(len(rows)), rows["score"], color=SCENARIO_COLOURS[1])
        ax.set_yticks(range(len(rows)), [uncertainty_label(k, lang, "\n") for k in rows["key"]],
                      fontsize=BASE_SIZE - 7)
        value_axis(ax, lang, "x")
        ax.invert_yaxis()
        ax.set_xlabel(text("decision_score", lang), fontsize=BASE_SIZE - 5)
        panel_title(ax, capitalise(outcome_label(outcome, lang)), shape[1])
    for ax in axes[len(outcomes):]:
        ax.set_axis_off()
    return fig
