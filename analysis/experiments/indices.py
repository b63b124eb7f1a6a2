"""Global sensitivity analysis (herkkyysanalyysi) of sweep outcomes with SALib.

Small pure functions in SALib's style: a sample's outcomes in, a table of indices with
confidence intervals out. Samples live in the unit hypercube (:mod:`.design`), so Morris
elementary effects are per whole range of each parameter, comparable across parameters;
Sobol' indices do not depend on the scaling at all. :func:`sensitivity` is ``kasvu
sensitivity`` without the terminal: the spec's sweep with the method's sampler
(:func:`sensitivity_sweep`), run or reused, then its indices written into the sweep
directory (:func:`write_indices`).

The table is long: ``outcome, parameter, index, value, conf`` where ``conf`` is the
half-width of the confidence interval (SALib's ``*_conf``), NaN where SALib gives none.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .design import ANALYSIS_KEY, derive_seed, salib_problem
from .spec import Sweep, load_spec
from .store import StoredRuns, SweepStore
from .sweep import run_sweep

METHODS = ("sobol", "morris")
COLUMNS = ["outcome", "parameter", "index", "value", "conf"]


def point_means(outcomes: pd.DataFrame, name: str, points: int) -> np.ndarray:
    """Mean of outcome ``name`` over replications, one value per design point, in order.

    Raises:
        ValueError: some design point has no finished run.
    """
    means = outcomes.groupby("point")[name].mean().reindex(range(points))
    missing = np.flatnonzero(means.isna().to_numpy())
    if missing.size:
        raise ValueError(
            f"outcome {name}: design point(s) {missing[:10].tolist()} have no "
            "finished run; rerun the sweep or fix its failed runs"
        )
    return means.to_numpy(dtype=np.float64)


def sobol_indices(
    keys: list[str],
    y: np.ndarray,
    *,
    second_order: bool = False,
    seed: int | None = None,
    conf_level: float = 0.95,
    resamples: int = 100,
) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol' indices, with second order (S2) if sampled.

    Args:
        keys: parameter names in sample order.
        y: outcomes of Saltelli's sample (``N·(D+2)`` or ``N·(2D+2)`` values, in order).
        second_order: whether the sample was drawn with ``calc_second_order``.
        seed: seed of the bootstrap of the confidence intervals.
        conf_level: level of the confidence intervals.
        resamples: bootstrap resamples.
    """
    from SALib.analyze import sobol

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        si = sobol.analyze(
            salib_problem(keys),
            np.asarray(y, dtype=np.float64),
            calc_second_order=second_order,
            num_resamples=resamples,
            conf_level=conf_level,
            seed=(seed or 0) + 1,
        )
    rows = []
    for index in ("S1", "ST"):
        rows += [(key, index, si[index][i], si[f"{index}_conf"][i]) for i, key in enumerate(keys)]
    if second_order:
        for i, a in enumerate(keys):
            for j in range(i + 1, len(keys)):
                rows.append((f"{a} × {keys[j]}", "S2", si["S2"][i, j], si["S2_conf"][i, j]))
    return pd.DataFrame(rows, columns=COLUMNS[1:])


def morris_indices(
    keys: list[str],
    x: np.ndarray,
    y: np.ndarray,
    *,
    levels: int = 4,
    seed: int | None = None,
    conf_level: float = 0.95,
    resamples: int = 100,
) -> pd.DataFrame:
    """Morris screening: mu_star (with its confidence interval), mu and sigma.

    Args:
        keys: parameter names in sample order.
        x: the unit-hypercube Morris sample, one row per model evaluation.
        y: the outcome of each row.
        levels: grid levels the sample was drawn with.
        seed: seed of the bootstrap of mu_star's confidence interval.
        conf_level: level of the confidence interval.
        resamples: bootstrap resamples.
    """
    from SALib.analyze import morris

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        si = morris.analyze(
            salib_problem(keys),
            np.asarray(x, dtype=np.float64),
            np.asarray(y, dtype=np.float64),
            num_resamples=resamples,
            conf_level=conf_level,
            num_levels=levels,
            seed=seed,
        )
    rows = []
    for i, key in enumerate(keys):
        rows.append((key, "mu_star", si["mu_star"][i], si["mu_star_conf"][i]))
        rows.append((key, "mu", si["mu"][i], np.nan))
        rows.append((key, "sigma", si["sigma"][i], np.nan))
    return pd.DataFrame(rows, columns=COLUMNS[1:])


def analyse(
    method: str, manifest: dict[str, Any], outcomes: pd.DataFrame, seed: int | None = None
) -> pd.DataFrame:
    """Indices of every outcome of a finished sweep, as one long table.

    Args:
        method: ``sobol`` or ``morris``; must match the sweep's design.
        manifest: the sweep's manifest (design, parameters, outcomes).
        outcomes: the sweep's outcome table (:func:`.store.load` ``table="outcomes"``).
        seed: seed of the bootstrap.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if manifest["design_kind"] != method:
        raise ValueError(f"the sweep's design is {manifest['design_kind']!r}, not {method!r}")
    keys, spec = manifest["parameters"], manifest["spec"]["design"]
    points = len(manifest["design"])
    frames = []
    for name in manifest["outcomes"]:
        y = point_means(outcomes, name, points)
        if method == "sobol":
            table = sobol_indices(keys, y, second_order=spec["second_order"], seed=seed)
        else:
            table = morris_indices(
                keys, np.asarray(manifest["unit_design"]), y, levels=spec["levels"] or 4, seed=seed
            )
        table.insert(0, "outcome", name)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def format_table(table: pd.DataFrame) -> str:
    """The indices as a fixed-width text table, one row per outcome and parameter."""
    wide = table.pivot_table(
        index=["outcome", "parameter"], columns="index", values=["value", "conf"], sort=False
    )
    lines = []
    indices = list(dict.fromkeys(table["index"]))
    head = f"{'outcome':<28}{'parameter':<40}" + "".join(f"{i:>18}" for i in indices)
    lines.append(head)
    for (outcome, parameter), row in wide.iterrows():
        cells = ""
        for index in indices:
            value, conf = row.get(("value", index)), row.get(("conf", index))
            cell = "" if value is None or pd.isna(value) else f"{value:.3g}"
            if conf is not None and not pd.isna(conf):
                cell += f" ±{conf:.2g}"
            cells += f"{cell:>18}"
        lines.append(f"{outcome:<28}{parameter:<40}{cells}")
    return "\n".join(lines)


def plot_indices(table: pd.DataFrame, path: str | Path, title: str = "") -> Path:
    """Bars of the indices that have confidence intervals, with CI whiskers.

    One panel per outcome; written as PNG (or any format matplotlib infers from ``path``).
    Kept small and apart so that a figures module can restyle it.
    """
    from matplotlib.figure import Figure

    shown = table[table.groupby("index")["conf"].transform(lambda c: c.notna().any())]
    outcomes = list(dict.fromkeys(shown["outcome"]))
    indices = list(dict.fromkeys(shown["index"]))
    params = list(dict.fromkeys(shown["parameter"]))
    fig = Figure(figsize=(2 + 1.2 * len(params) * len(indices) ** 0.5, 1 + 2.4 * len(outcomes)))
    axes = fig.subplots(len(outcomes), 1, squeeze=False)[:, 0]
    width = 0.8 / len(indices)
    for ax, outcome in zip(axes, outcomes, strict=True):
        part = shown[shown["outcome"] == outcome]
        for k, index in enumerate(indices):
            rows = part[part["index"] == index].set_index("parameter").reindex(params)
            xs = np.arange(len(params)) + (k - (len(indices) - 1) / 2) * width
            ax.bar(xs, rows["value"], width, yerr=rows["conf"], capsize=3, label=index)
        ax.set_title(outcome, fontsize=9)
        ax.set_xticks(np.arange(len(params)), params, rotation=20, ha="right", fontsize=8)
        ax.axhline(0, color="black", linewidth=0.5)
    axes[0].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return Path(path)


def sensitivity_sweep(spec: str | Path, method: str, *, samples: int | None = None,
                      levels: int | None = None) -> Sweep:
    """The spec's sweep with ``method``'s SALib sampler as its design.

    The spec's parameters, replications, months and outcomes are kept; ``samples``
    defaults to the spec's ``design.samples``, ``levels`` (Morris) to the spec's when its
    design is already Morris.

    Raises:
        SpecError: the spec, or the design it gets, cannot be used.
    """
    given = load_spec(spec).spec.design
    same = given.kind == method
    return load_spec(spec, design={
        "kind": method,
        "samples": samples or given.samples,
        "levels": levels or (given.levels if same else None),
        "second_order": given.second_order,
    })


def write_indices(directory: str | Path, method: str) -> pd.DataFrame:
    """The indices of a finished sweep, written as sensitivity.csv, .parquet and .png.

    Each file is written under a temporary name and moved into place.

    Raises:
        ValueError: some run failed or is pending, or the sweep's design is not
            ``method``'s.
        StoreError: ``directory`` is not a sweep, or a run file in it is bad.
    """
    directory = Path(directory)
    store = SweepStore(directory)
    manifest = store.read_manifest()
    outcomes = StoredRuns(store, manifest).outcomes()  # every file verified
    failed = len(store.failures())
    pending = len(manifest["runs"]) - len(outcomes) - failed
    if pending or failed:
        raise ValueError(
            f"{directory}: {failed} failed and {pending} pending runs; "
            "the indices need every run (see kasvu sweep --status)"
        )
    table = analyse(method, manifest, outcomes,
                    seed=derive_seed(manifest["entropy"], ANALYSIS_KEY))
    _write(directory / "sensitivity.csv", lambda tmp: table.to_csv(tmp, index=False))
    _write(directory / "sensitivity.parquet", lambda tmp: table.to_parquet(tmp, index=False))
    _write(directory / "sensitivity.png",
           lambda tmp: plot_indices(table, tmp, title=f"{manifest['name']}: {method}"))
    return table


def _write(path: Path, writer: Callable[[Path], Any]) -> None:
    """Call ``writer`` on a temporary name with ``path``'s suffix, then move it into place."""
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        writer(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def sensitivity(spec: str | Path, method: str, directory: str | Path, *,
                samples: int | None = None, levels: int | None = None,
                executor: Any = "local", workers: int | None = None,
                scheduler: str | None = None, progress: bool = True) -> pd.DataFrame:
    """Sobol' or Morris indices of a spec's outcomes: sample, run (or reuse), analyse, write.

    Args:
        spec: the sweep spec file; its design is replaced by ``method``'s sampler.
        method: ``sobol`` or ``morris``.
        directory: the sweep directory; finished runs in it are reused.
        samples: sobol: base sample N (a power of 2); morris: trajectories.
        levels: morris grid levels (default 4).
        executor: ``local``, ``dask``, ``serial`` or an executor (see
            :func:`.sweep.run_sweep`).
        workers: workers of a named executor.
        scheduler: a Dask scheduler's address.
        progress: show a progress bar.

    Returns:
        The indices (columns outcome, parameter, index, value, conf), also written into
        ``directory`` as sensitivity.csv, sensitivity.parquet and sensitivity.png.

    Raises:
        SpecError, StoreError: a bad spec or directory (nothing run).
        ValueError: runs failed, so that the indices cannot be computed.
    """
    sweep = sensitivity_sweep(spec, method, samples=samples, levels=levels)
    run_sweep(sweep, directory, executor, workers=workers, scheduler=scheduler,
              progress=progress)
    return write_indices(directory, method)
