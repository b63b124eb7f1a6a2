"""Running a decision study (päätöstutkimus) on the experiments engine, resumably.

Layout of a decision directory::

    DIR/decision-plan.json     the study's hash, entropy, uncertainties, design, seeds
    DIR/spec.toml              the decision spec as given
    DIR/alternatives/NAME.toml the sweep spec of one alternative (its keys), for the record
    DIR/alternatives/NAME/     one sweep directory per alternative (:mod:`analysis.
                               experiments.store`: a Parquet file per run, manifest,
                               checksum records, failures, quarantine)
    DIR/decision.json          the verdicts (:mod:`.results`), written when every run is in
    DIR/decision.parquet       one row per alternative, design point and outcome

Every alternative runs at every design point with the same seeds (common random numbers:
replication *r* has the seed ``(3, r)`` of the root entropy everywhere), each alternative
a sweep whose design is the study's own (:attr:`~analysis.experiments.spec.Sweep.
given_design`), restricted to the keys that apply to it. Rerunning the same command
resumes every alternative's sweep (finished runs verified and skipped, bad ones set aside
and run again); a spec changed since ``DIR`` was started is refused.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from ..experiments.design import derive_seed, design_matrix, new_entropy
from ..experiments.executors import make_executor
from ..experiments.spec import SpecError, Sweep
from ..experiments.store import StoredRuns, StoreError, SweepStore, atomic_write
from ..experiments.sweep import SweepReport, code_fingerprint, run_sweep, versions
from .spec import Alternative, Decision

PLAN = "decision-plan.json"
SPEC_COPY = "spec.toml"
ALTERNATIVES = "alternatives"
PLAN_FORMAT = 1


@dataclass
class DecisionReport:
    """What a call of :func:`run_decision` did: one sweep report per alternative."""

    directory: Path
    sweeps: dict[str, SweepReport] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Runs planned over every alternative."""
        return sum(r.total for r in self.sweeps.values())

    @property
    def done(self) -> int:
        """Runs stored."""
        return sum(r.done for r in self.sweeps.values())

    @property
    def failed(self) -> int:
        """Runs recorded as failed."""
        return sum(r.failed for r in self.sweeps.values())

    @property
    def pending(self) -> int:
        """Runs neither stored nor failed (a limited or interrupted call)."""
        return sum(r.pending for r in self.sweeps.values())

    @property
    def failed_now(self) -> int:
        """Runs that failed in this call."""
        return sum(r.failed_now for r in self.sweeps.values())

    @property
    def seconds(self) -> float:
        """Time spent running."""
        return sum(r.seconds for r in self.sweeps.values())


def new_plan(decision: Decision, entropy: int) -> dict[str, Any]:
    """The plan of a decision directory: design, seeds and what applies to whom."""
    values, unit = design_matrix(decision.design_spec(), entropy)
    seeds = [derive_seed(entropy, 3, r) for r in range(decision.spec.replications)]
    return {
        "format": PLAN_FORMAT,
        "kind": "decision",
        "name": decision.spec.name,
        "description": decision.spec.description,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "spec_file": str(decision.path.resolve()),
        "spec_hash": decision.hash,
        "spec": decision.spec.model_dump(mode="json"),
        "entropy": entropy,
        "entropy_source": "spec" if decision.spec.entropy is not None else "generated",
        "reference": decision.reference,
        "alternatives": {a.name: {"scenario": str(a.base_path.resolve()), "keys": list(a.keys)}
                         for a in decision.alternatives},
        "months": decision.months,
        "replications": decision.spec.replications,
        "seeds": seeds,
        "outcomes": list(decision.spec.outcomes),
        "uncertainties": [{**p.model_dump(mode="json"), "source": decision.sources[p.key]}
                          for p in decision.uncertainties],
        "notes": list(decision.notes),
        "design_kind": decision.spec.design.kind,
        "design": values,
        "unit_design": unit,
        "code_fingerprint": code_fingerprint(),
        "versions": versions(),
    }


def read_plan(directory: str | Path) -> dict[str, Any]:
    """A decision directory's plan.

    Raises:
        StoreError: no plan (not a decision directory) or an unreadable one.
    """
    path = Path(directory) / PLAN
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{directory}: not a decision directory (no {PLAN})") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise StoreError(f"{path}: unreadable ({exc}); start the study in a new --out") from None
    if not isinstance(plan, dict) or plan.get("kind") != "decision":
        raise StoreError(f"{path}: not a decision plan")
    return plan


def is_decision(directory: str | Path) -> bool:
    """Whether ``directory`` holds a decision study (its plan)."""
    return (Path(directory) / PLAN).is_file()


def open_decision(decision: Decision, root: Path) -> dict[str, Any] | None:
    """The plan of an existing study in ``root`` for this spec, or None for a new one.

    Raises:
        SpecError: ``root`` was started with another spec (or alternatives' scenarios).
        StoreError: ``root`` holds something else.
    """
    if is_decision(root):
        plan = read_plan(root)
        if plan["spec_hash"] != decision.hash:
            raise SpecError(
                f"{decision.path}: the spec (or an alternative's scenario) changed since "
                f"{root} was started from {plan.get('spec_file')} (hash "
                f"{plan['spec_hash'][:12]}, now {decision.hash[:12]}); resume with the "
                "original spec or choose a new --out")
        return plan
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root}: exists and is not a directory")
    if root.is_dir() and [p for p in root.iterdir() if not p.name.startswith(".")
                          and p.name != SPEC_COPY]:
        raise StoreError(f"{root}: directory exists and is not a decision study (no {PLAN}); "
                         "choose another --out")
    return None


def alternative_sweep(decision: Decision, alternative: Alternative, plan: dict[str, Any],
                      root: Path) -> Sweep:
    """The sweep of one alternative: the study's design and seeds, its own keys."""
    spec = decision.design_spec(alternative).model_copy(update={"entropy": plan["entropy"]})
    columns = [decision.keys.index(k) for k in alternative.keys]
    values = [[row[c] for c in columns] for row in plan["design"]]
    unit = [[row[c] for c in columns] for row in plan["unit_design"]]
    spec_path = root / ALTERNATIVES / f"{alternative.name}.toml"
    text = tomli_w.dumps(spec.model_dump(mode="json", exclude_none=True))
    if not spec_path.is_file() or spec_path.read_text(encoding="utf-8") != text:
        spec_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(spec_path, text.encode("utf-8"))
    return Sweep(spec, spec_path, alternative.base_path, alternative.base_data,
                 decision.months, (), alternative.base_read, given_design=(values, unit),
                 given_hash=f"{plan['spec_hash']}:{alternative.name}")


def run_decision(decision: Decision, directory: str | Path, executor: Any = "local", *,
                 workers: int | None = None, scheduler: str | None = None,
                 max_runs: int | None = None, retry_failed: bool = False,
                 progress: bool = True, notify: Callable[[str], None] | None = None
                 ) -> DecisionReport:
    """Start or resume a decision study in ``directory``; run every alternative's sweep.

    Args:
        decision: a checked spec (:func:`.spec.load_decision`).
        directory: the study's directory (created if new).
        executor: ``local``, ``dask`` or ``serial``, or an executor of
            :mod:`analysis.experiments.executors`.
        workers: worker processes of a named executor (default one per core).
        scheduler: a Dask scheduler's address for ``dask``.
        max_runs: run at most this many now, over all alternatives.
        retry_failed: rerun runs recorded as failed.
        progress: show a progress bar per alternative.
        notify: called with each line about a directory (default: printed to stderr).

    Raises:
        SpecError: a changed spec. StoreError: a foreign or busy directory.
        WorkerLost: a local worker died; finished runs are kept.
    """
    root = Path(directory)
    plan = open_decision(decision, root)
    if isinstance(executor, str):
        executor = make_executor(executor, workers, scheduler)
    if plan is None:
        entropy = decision.spec.entropy if decision.spec.entropy is not None else new_entropy()
        plan = new_plan(decision, entropy)
        root.mkdir(parents=True, exist_ok=True)
        atomic_write(root / SPEC_COPY, decision.path.read_bytes())
        atomic_write(root / PLAN, json.dumps(plan, indent=1).encode("utf-8"))
    report = DecisionReport(root)
    for alternative in decision.alternatives:
        left = None if max_runs is None else max(0, max_runs - sum(
            r.ran for r in report.sweeps.values()))
        sweep = alternative_sweep(decision, alternative, plan, root)
        report.sweeps[alternative.name] = run_sweep(
            sweep, root / ALTERNATIVES / alternative.name, executor, max_runs=left,
            retry_failed=retry_failed, progress=progress, notify=notify)
    return report


def outcome_table(directory: str | Path) -> pd.DataFrame:
    """Every stored run's outcomes: alternative, point, replication, seed and outcomes.

    Each run file is verified (:class:`~analysis.experiments.store.StoredRuns`).
    """
    root = Path(directory)
    plan = read_plan(root)
    frames = []
    for name in plan["alternatives"]:
        store = SweepStore(root / ALTERNATIVES / name)
        if not store.exists():
            continue
        table = StoredRuns(store, store.read_manifest()).outcomes()
        if table.empty:
            continue
        table = table[["point", "replication", "seed", *plan["outcomes"]]].copy()
        table.insert(0, "alternative", name)
        frames.append(table)
    columns = ["alternative", "point", "replication", "seed", *plan["outcomes"]]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def design_table(plan: dict[str, Any]) -> pd.DataFrame:
    """The design: one row per point (index ``point``), a column per uncertainty."""
    keys = [u["key"] for u in plan["uncertainties"]]
    frame = pd.DataFrame(plan["design"], columns=keys)
    frame.index.name = "point"
    return frame
