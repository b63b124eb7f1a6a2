"""Scenario discovery (skenaarioiden löytäminen): where an alternative wins or loses.

Also which uncertainties matter most for the verdict.

Boxes come from PRIM, the Patient Rule Induction Method of EMA Workbench
(:mod:`ema_workbench.analysis.prim`, Kwakkel 2017), not from code of ours. For each
alternative, outcome and verdict (``win``: better than the reference at a point, i.e. at
more than half of its seeds; ``lose``: worse at more than half) PRIM peels the space of
design points into a box where that verdict is dense. The box kept from its peeling
trajectory is chosen by one rule (:func:`choose_box`): the highest density among the
boxes that still cover at least half of the points with that verdict (coverage ≥ 0.5);
ties go to the larger coverage, then fewer restricted dimensions. Its restricted
dimensions are said in words (:func:`describe_limits`).

Few design points in many dimensions let peeling find a pure box by chance: some
uncertainty always splits 64 points well. Two guards, as Bryant & Lempert (2010) advise:
PRIM searches only the :data:`PRIM_DIMENSIONS` uncertainties that move the alternative's
difference most (the ranking below), and the chosen box keeps only restrictions whose
quasi-p-value (EMA Workbench's one-sided binomial test of the box's density against the
box without that restriction) is below :data:`QP_LEVEL`, dropping the least significant
one at a time (:func:`refine`).

Which uncertainties matter: Sobol' total indices (SALib) of the seed-mean difference when
the design is Saltelli's, else EMA Workbench's extra-trees feature scores
(:func:`ema_workbench.analysis.feature_scoring.get_ex_feature_scores`) of it, with a fixed
random state so that a rerun gives the same ranking.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

MIN_COVERAGE = 0.5
"""The chosen box covers at least this share of the points with its verdict."""
PRIM_THRESHOLD = 0.8
"""PRIM's density threshold (EMA Workbench's ``threshold``)."""
PRIM_DIMENSIONS = 10
"""PRIM searches at most this many uncertainties, those ranked highest for the verdict."""
QP_LEVEL = 0.05
"""A box keeps a restriction only if its quasi-p-value is below this."""


def _prim() -> Any:
    """EMA Workbench's PRIM module, imported quietly (it warns about optional extras)."""
    logging.getLogger("EMA").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    return prim


def choose_box(trajectory: pd.DataFrame, min_coverage: float = MIN_COVERAGE) -> int:
    """Index of the chosen box on a peeling trajectory (the module's rule).

    Args:
        trajectory: PRIM's ``peeling_trajectory`` (coverage, density, res_dim per box).
        min_coverage: the least coverage a chosen box keeps.
    """
    eligible = trajectory[trajectory["coverage"] >= min_coverage]
    if eligible.empty:
        eligible = trajectory.iloc[:1]
    ordered = eligible.assign(neg_density=-eligible["density"],
                              neg_coverage=-eligible["coverage"])
    ordered = ordered.sort_values(["neg_density", "neg_coverage", "res_dim"], kind="stable")
    return int(ordered.index[0])


def quasi_p(box: Any, i: int) -> dict[str, float]:
    """Each restricted dimension's quasi-p-value in box ``i`` (the larger of its ends')."""
    return {key: float(max(ends)) for key, ends in box.qp[i].items()}


def refine(box: Any, i: int, level: float = QP_LEVEL) -> tuple[int, list[str]]:
    """Drop box ``i``'s restrictions whose quasi-p-value is not below ``level``.

    The least significant goes first; EMA Workbench adds each box without it to the
    trajectory and recomputes the others' quasi-p-values. Returns the final box's index
    and the dimensions dropped, in order.
    """
    dropped = []
    while True:
        qp = quasi_p(box, i)
        if not qp or max(qp.values()) < level:
            return i, dropped
        key = max(qp, key=lambda k: (qp[k], k))
        box.drop_restriction(key, i=i)
        i = len(box.peeling_trajectory) - 1
        dropped.append(key)


def find_box(x: pd.DataFrame, y: np.ndarray, threshold: float = PRIM_THRESHOLD,
             keys: list[str] | None = None) -> dict[str, Any] | None:
    """PRIM's box where ``y`` is true, with its statistics and restricted dimensions.

    Args:
        x: the design points' uncertainties, one column each.
        y: per point, whether the verdict holds there.
        threshold: PRIM's density threshold.
        keys: the columns PRIM searches (default all), e.g. the highest ranked.

    Returns None when ``y`` is all false or all true (nothing to discover: the verdict
    holds nowhere or everywhere), else coverage, density, mass, the restricted
    dimensions (key, min, max, which ends are restricted, quasi-p-value), the dimensions
    searched and dropped as not significant (:func:`refine`) and the trajectory.
    """
    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        return None
    prim = _prim()
    x = x.reset_index(drop=True).astype(float)
    if keys is not None:
        x = x[list(keys)]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        box = prim.Prim(x, y, threshold=threshold).find_box()
        if box is None:
            return None
        chosen, dropped = refine(box, choose_box(box.peeling_trajectory
                                                 .reset_index(drop=True)))
    trajectory = box.peeling_trajectory.reset_index(drop=True)
    limits, qp = box.box_lims[chosen], quasi_p(box, chosen)
    restricted = []
    for key in x.columns:
        low, high = float(limits.loc[0, key]), float(limits.loc[1, key])
        lo_cut, hi_cut = low > float(x[key].min()), high < float(x[key].max())
        if lo_cut or hi_cut:
            restricted.append({"key": key, "min": low, "max": high,
                               "min_restricted": bool(lo_cut), "max_restricted": bool(hi_cut),
                               "qp": qp.get(key)})
    row = trajectory.loc[chosen]
    return {
        "box": chosen,
        "coverage": float(row["coverage"]),
        "density": float(row["density"]),
        "mass": float(row["mass"]),
        "restricted": restricted,
        "searched": [str(k) for k in x.columns],
        "dropped": dropped,
        "trajectory": [{"coverage": float(r["coverage"]), "density": float(r["density"]),
                        "mass": float(r["mass"]), "res_dim": int(r["res_dim"])}
                       for _, r in trajectory.iterrows()],
    }


def describe_limits(restricted: list[dict[str, Any]], language: str = "en",
                    name: Callable[[str], str] | None = None) -> str:
    """The restricted dimensions in words: ``a above 0.12 and b below 0.01``.

    Args:
        restricted: the box's restricted dimensions (:func:`find_box`).
        language: ``en``, or ``fi`` (``a on yli 0,12 ja b on alle 0,01``); the limits are
            in that language's number format (:func:`analysis.report.i18n.significant`).
        name: how a key is shown (default: the key itself).
    """
    # Imported here: the report package loads matplotlib, which worker processes need not.
    from ..report.i18n import significant

    words = {"en": ("above", "below", "between", "and", "anywhere in the space", " and "),
             "fi": ("on yli", "on alle", "on välillä", "ja", "missä tahansa", "–")}[language]
    name = name or str
    parts = []
    for dim in restricted:
        low, high = (significant(dim[end], language) for end in ("min", "max"))
        if dim["min_restricted"] and dim["max_restricted"]:
            parts.append(f"{name(dim['key'])} {words[2]} {low}{words[5]}{high}")
        elif dim["min_restricted"]:
            parts.append(f"{name(dim['key'])} {words[0]} {low}")
        else:
            parts.append(f"{name(dim['key'])} {words[1]} {high}")
    if not parts:
        return words[4]
    return f" {words[3]} ".join(parts)


def no_region_sentence(box: dict[str, Any], language: str = "en") -> str:
    """A box that kept no restriction in words: the verdict's share, and no region.

    After :func:`refine` a box may restrict nothing: the verdict (at more than half of a
    point's seeds, as PRIM's ``y``) is spread over the space searched, with no region where
    it holds significantly more often.
    """
    from ..report.i18n import percent, significant, text

    verb = text("decision_wins" if box["kind"] == "win" else "decision_loses", language)
    share, n = percent(box["density"], language, 0), len(box.get("searched", []))
    if language == "fi":
        return (f"{box['alternative']} {verb} ({box['outcome']}) yli puolella siemenistä "
                f"{share} suunnittelupisteistä; sen {n} tärkeimmän epävarmuuden avaruudesta "
                f"ei löydy aluetta, jossa niin käy merkitsevästi useammin (kvasi-p alle "
                f"{significant(QP_LEVEL, 'fi')}).")
    return (f"{box['alternative']} {verb} {box['outcome']} at more than half of the seeds of "
            f"{share} of the design points, with no region of its {n} most important "
            f"uncertainties where it does so significantly more often (quasi-p below {QP_LEVEL}).")


def feature_scores(x: pd.DataFrame, y: np.ndarray, seed: int) -> pd.Series:
    """EMA Workbench's extra-trees scores of ``y`` over the columns of ``x``, summing to 1."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import feature_scoring
        from ema_workbench.analysis.scenario_discovery_util import RuleInductionType

        scores, _ = feature_scoring.get_ex_feature_scores(
            x.reset_index(drop=True).astype(float), np.asarray(y, dtype=float),
            mode=RuleInductionType.REGRESSION, random_state=seed % (2**32))
    return scores.iloc[:, 0].rename("score")


def sobol_scores(keys: list[str], y: np.ndarray, seed: int) -> pd.Series:
    """Sobol' total indices (SALib) of ``y`` over a Saltelli sample in design order."""
    from ..experiments.indices import sobol_indices

    table = sobol_indices(keys, y, seed=seed)
    total = table[table["index"] == "ST"].set_index("parameter")["value"]
    return total.sort_values(ascending=False).rename("score")
