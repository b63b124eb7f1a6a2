"""A decision study in the dashboard (päätösanalyysi työpajassa): data and the verdict chart.

``kasvu app --decision DIR`` shows a study that ``kasvu decide`` wrote: the distribution of
each alternative's difference from the reference (the report's figure), PRIM's box, and a
slider over one uncertainty. Nothing is run again: everything is computed from the stored
``decision.json`` and ``decision.parquet`` (:mod:`analysis.decision.results`).

Where the verdict flips is read from the design points themselves: for a chosen value of
one uncertainty, the verdict is the share of the *nearest* design points (a quarter of
them, at least :data:`MIN_NEAR`) where the alternative is better than the reference, and
the share where it is worse (:func:`near_verdict`). Sliding the value along the range draws
that share as a curve (:func:`verdict_curve`); where it crosses one half the verdict flips
(:func:`flips`). With few points the neighbourhood is wide and the curve coarse: the chart
says how many points each share rests on. The PRIM box's limits on the chosen uncertainty
(:func:`box_limits`) show whether the value lies where the box says the alternative wins
or loses; the box restricts other uncertainties too, which the slider does not move.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim import ScenarioError

from ..decision.discovery import describe_limits, no_region_sentence
from ..decision.names import uncertainty_label, uncertainty_name
from ..report import i18n
from ..report.decision import outcome_label, read_decision
from ..report.style import GAIN, LOSS, NEUTRAL
from .labels import t

NEAR_SHARE = 0.25
"""The neighbourhood of a value: this share of the design points nearest to it."""
MIN_NEAR = 3
"""At least this many points in a neighbourhood (all of them if there are fewer)."""
CURVE_POINTS = 41
"""Values along an uncertainty's range at which the verdict curve is computed."""


@dataclass(frozen=True)
class Study:
    """A decision study read from its directory.

    Attributes:
        doc: ``decision.json``.
        table: ``decision.parquet`` (one row per alternative, design point and outcome).
    """

    doc: dict[str, Any]
    table: pd.DataFrame

    @property
    def others(self) -> list[str]:
        """The alternatives compared with the reference."""
        return [a for a in self.doc["alternatives"] if a != self.doc["reference"]]


def load_study(directory: str | Path) -> Study:
    """The study in ``directory``.

    Raises:
        ScenarioError: no ``decision.json`` or ``decision.parquet`` there (run ``kasvu
            decide`` first), or the table has no alternative besides the reference.
    """
    path = Path(directory)
    found = read_decision(path)
    if found is None or found[1] is None:
        raise ScenarioError(f"{path}: no decision.json and decision.parquet; run "
                            "`kasvu decide SPEC --out DIR` first")
    study = Study(found[0], found[1])
    if not study.others:
        raise ScenarioError(f"{path}: the study has no alternative besides the reference")
    return study


def uncertainty_choices(study: Study, alternative: str, outcome: str) -> list[str]:
    """Uncertainties, those that matter most for ``alternative`` on ``outcome`` first."""
    from ..decision.results import PARQUET_LEAD

    table = study.table
    columns = [c for c in table.columns if c not in PARQUET_LEAD
               and pd.api.types.is_numeric_dtype(table[c]) and table[c].nunique() > 1]
    ranked = [i["key"] for i in sorted(study.doc.get("importance", []), key=lambda i: i["rank"])
              if i["alternative"] == alternative and i["outcome"] == outcome]
    first = [k for k in ranked if k in columns]
    return first + [k for k in columns if k not in first]


def key_range(study: Study, key: str) -> tuple[float, float]:
    """The uncertainty's range as the study sampled it (the spec's, else the points')."""
    for item in study.doc.get("ranges", []):
        if item["key"] == key and item.get("min") is not None:
            return float(item["min"]), float(item["max"])
    values = study.table[key].astype(float)
    return float(values.min()), float(values.max())


def points(study: Study, alternative: str, outcome: str) -> pd.DataFrame:
    """One row per design point: ``difference``, ``better``, ``worse`` and the uncertainties."""
    rows = study.table[(study.table["alternative"] == alternative)
                       & (study.table["outcome"] == outcome)]
    return rows.dropna(subset=["difference"]).reset_index(drop=True)


def near_verdict(rows: pd.DataFrame, key: str, value: float) -> dict[str, float | int]:
    """The verdict among the design points whose ``key`` is nearest to ``value``.

    Returns:
        ``n`` (points used), ``low`` and ``high`` (the span of ``key`` they cover),
        ``better`` and ``worse`` (shares of them where the alternative is better, worse)
        and ``difference`` (their mean difference). Shares are NaN without points.
    """
    if rows.empty:
        nan = float("nan")
        return {"n": 0, "low": nan, "high": nan, "better": nan, "worse": nan, "difference": nan}
    n = min(len(rows), max(MIN_NEAR, int(np.ceil(NEAR_SHARE * len(rows)))))
    distance = (rows[key].astype(float) - value).abs().to_numpy()
    near = rows.iloc[np.argsort(distance, kind="stable")[:n]]
    return {"n": int(n), "low": float(near[key].min()), "high": float(near[key].max()),
            "better": float(near["better"].mean()), "worse": float(near["worse"].mean()),
            "difference": float(near["difference"].mean())}


def verdict_curve(rows: pd.DataFrame, key: str, low: float, high: float,
                  count: int = CURVE_POINTS) -> pd.DataFrame:
    """:func:`near_verdict` at ``count`` values from ``low`` to ``high`` (columns as it)."""
    values = np.linspace(low, high, count) if high > low else np.array([low])
    return pd.DataFrame([{"value": float(v), **near_verdict(rows, key, float(v))}
                         for v in values])


def flips(curve: pd.DataFrame) -> list[float]:
    """Values where the share of points better crosses one half (the verdict flips)."""
    share = curve["better"].to_numpy(dtype=float)
    side = np.where(np.isnan(share), 0, np.sign(share - 0.5))
    out = []
    last = 0.0
    for i, s in enumerate(side):
        if s != 0 and last != 0 and s != last:
            out.append(float((curve["value"].iloc[i - 1] + curve["value"].iloc[i]) / 2))
        if s != 0:
            last = s
    return out


def boxes(study: Study, alternative: str, outcome: str) -> list[dict[str, Any]]:
    """PRIM's boxes (win, lose) of ``alternative`` on ``outcome`` that were found."""
    return [b for b in study.doc.get("boxes", [])
            if b["alternative"] == alternative and b["outcome"] == outcome
            and b.get("box") is not None]


def box_limits(box: dict[str, Any], key: str) -> tuple[float, float] | None:
    """The box's limits on ``key``, or None when the box does not restrict it."""
    for dim in box.get("restricted", []):
        if dim["key"] == key:
            return float(dim["min"]), float(dim["max"])
    return None


def box_sentence(box: dict[str, Any], lang: str) -> str:
    """The box in words, in ``lang`` (its restricted dimensions, in ``lang``'s numbers)."""
    if not box["restricted"]:
        return no_region_sentence({**box, "outcome": outcome_label(box["outcome"], lang)},
                                  lang)
    where = describe_limits(box["restricted"], lang, lambda key: uncertainty_label(key, lang))
    return t("decision_box_win" if box["kind"] == "win" else "decision_box_lose", lang,
             alternative=box["alternative"], outcome=outcome_label(box["outcome"], lang),
             where=where, coverage=i18n.percent(box["coverage"], lang, 0),
             density=i18n.percent(box["density"], lang, 0))


def verdict_text(verdict: dict[str, float | int], key: str, value: float, alternative: str,
                 reference: str, lang: str) -> str:
    """The verdict at ``value`` in words, with the points it rests on."""
    if not verdict["n"]:
        return t("no_data", lang)
    return t("decision_near", lang, alternative=alternative, reference=reference,
             uncertainty=uncertainty_label(key, lang), value=value_text(value, lang),
             better=i18n.percent(verdict["better"], lang, 0),
             worse=i18n.percent(verdict["worse"], lang, 0), n=verdict["n"],
             low=value_text(verdict["low"], lang), high=value_text(verdict["high"], lang))


def value_text(value: float, lang: str) -> str:
    """An uncertainty's value to three significant digits, no trailing zeros: ``0.5``."""
    return i18n.significant(value, lang, 3)


def verdict_chart(rows: pd.DataFrame, key: str, value: float, span: tuple[float, float],
                  chosen_boxes: list[dict[str, Any]], lang: str) -> Figure:
    """The difference at every design point against the uncertainty ``key``.

    With the chosen value (dashed), the share of the nearest points that are better as
    the value moves along ``span`` (right axis) and PRIM's limits on ``key`` (shaded).
    """
    from .charts import SIZE, STYLE

    with mpl.rc_context(STYLE):
        fig = Figure(figsize=SIZE, dpi=100)
        fig.subplots_adjust(left=0.14, right=0.88, bottom=0.15, top=0.88)
        ax = fig.add_subplot()
        share_ax = ax.twinx()
        fig.suptitle(t("decision_chart", lang, uncertainty=uncertainty_name(key, lang)),
                     x=0.01, ha="left", fontsize=11)  # the axis says the key
        for box in chosen_boxes:
            limits = box_limits(box, key)
            if limits is not None:
                ax.axvspan(*limits, color=GAIN if box["kind"] == "win" else LOSS, alpha=0.12,
                           label=t(f"decision_prim_{box['kind']}", lang))
        colours = np.where(rows["better"], GAIN, np.where(rows["worse"], LOSS, NEUTRAL))
        ax.scatter(rows[key].astype(float), rows["difference"], c=list(colours), s=30,
                   zorder=3)
        ax.axhline(0, color="#444444", linewidth=0.8)
        ax.axvline(value, color="#111111", linewidth=1.5, linestyle="--",
                   label=t("decision_chosen", lang))
        curve = verdict_curve(rows, key, *span)
        share_ax.plot(curve["value"], curve["better"], color="#555555", linewidth=1.5,
                      label=t("decision_share_better", lang))
        share_ax.axhline(0.5, color="#999999", linewidth=0.8, linestyle=":")
        share_ax.set_ylim(-0.02, 1.02)
        share_ax.set_ylabel(t("decision_share_better", lang), fontsize=9)
        ax.set_xlabel(uncertainty_label(key, lang), fontsize=9)
        ax.set_ylabel(t("decision_difference", lang), fontsize=9)
        if span[1] > span[0]:
            ax.set_xlim(*span)
        handles = ax.get_legend_handles_labels()
        extra = share_ax.get_legend_handles_labels()
        ax.legend(handles[0] + extra[0], handles[1] + extra[1], loc="upper left", fontsize=8)
    return fig


__all__ = ["Study", "box_limits", "box_sentence", "boxes", "flips", "key_range", "load_study",
           "near_verdict", "points", "uncertainty_choices", "value_text", "verdict_chart",
           "verdict_curve", "verdict_text"]
