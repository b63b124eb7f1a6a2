"""Comparing two scenarios (vertailu): paired replications, the difference table, the levers.

:func:`compare` is ``kasvu compare`` without the terminal: it runs both scenarios with the
same seeds (common random numbers) in worker processes, tabulates B − A with confidence
intervals (:mod:`.paired`) for every metric and for each party's net (who pays whom:
:func:`analysis.report.public_finance.party_nets`), optionally splits B's alliance effect by lever
(:mod:`.decomposition`), and returns a :class:`Comparison`, which writes the comparison
directory only when asked (through an :class:`~analysis.outputs.Output`, checked before the runs).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim import InputError, Scenario, load_scenario
from sim.scenario import check_seed
from sim.scenario.loading import Overrides

from ..outputs import Writer, json_writer, optional_output, write_files
from . import decomposition
from .executors import default_workers
from .paired import compare_tables, headline_table, payers_headline
from .runs import Job, Replications, run_jobs, summarise


@dataclass(frozen=True)
class Comparison:
    """Two scenarios run with the same seeds, and how B differs from A.

    Attributes:
        a: the baseline's replications (scenario as run and stacked tables).
        b: the compared scenario's replications, with the same seeds.
        names: names of A and B in the tables and the directory (``NAME-a``/``NAME-b``
            when both scenarios have the same name).
        table: every metric, area and statistic: B − A with its 95 % CI (compare.csv).
        decomposition: B's alliance effect by lever (decomposition.csv), or None.
        seeds: the seeds of the replications, in order.
        months: months after month 0.
        overrides: the overrides applied to both scenarios, as given.
        payers: each party's mean monthly net in A and B and B − A with its 95 % CI
            (payers.csv; :func:`analysis.report.public_finance.party_nets`), or None.
    """

    a: Replications
    b: Replications
    names: tuple[str, str]
    table: pd.DataFrame
    decomposition: pd.DataFrame | None
    seeds: list[int]
    months: int
    overrides: Overrides = ()
    payers: pd.DataFrame | None = None

    def headline(self) -> str:
        """The region's final-month differences and each party's net as short text tables."""
        text = headline_table(self.table, *self.names)
        if self.payers is not None:
            text += "\n\n" + payers_headline(self.payers, *self.names)
        return text

    def meta(self) -> dict[str, Any]:
        """What compare.json records: names, replications, months, seeds and overrides."""
        overrides = (dict(self.overrides) if isinstance(self.overrides, Mapping)
                     else list(self.overrides))
        return {"a": self.names[0], "b": self.names[1], "reps": len(self.seeds),
                "months": self.months, "seeds": list(self.seeds), "overrides": overrides}

    def files(self) -> dict[str, Writer]:
        """The comparison directory's files.

        Both run directories (named by :attr:`names`), compare.csv, compare.json,
        payers.csv (with :attr:`payers`) and, with a decomposition, decomposition.csv.
        """
        files: dict[str, Writer] = {}
        for name, side in zip(self.names, (self.a, self.b), strict=True):
            files |= side.files(under=f"{name}/")
        files["compare.csv"] = functools.partial(self.table.to_csv, index=False)
        files["compare.json"] = json_writer(self.meta())
        if self.payers is not None:
            files["payers.csv"] = functools.partial(self.payers.to_csv, index=False)
        if self.decomposition is not None:
            files["decomposition.csv"] = functools.partial(self.decomposition.to_csv,
                                                           index=False)
        return files

    def write(self, out: str | Path, *, overwrite: bool = False) -> Path:
        """Write the comparison directory ``out`` (:meth:`files`), all files or none.

        See :func:`~analysis.outputs.write_files`.
        """
        return write_files(out, "compare", self.files(), overwrite=overwrite)


def compare(
    a: Scenario | str | Path,
    b: Scenario | str | Path,
    *,
    reps: int = 10,
    seed: int | None = None,
    months: int | None = None,
    overrides: Overrides = (),
    decompose: bool = False,
    method: str = "oat",
    workers: int | None = None,
    out: str | Path | None = None,
    overwrite: bool = False,
    on_run: Callable[[], None] | None = None,
) -> Comparison:
    """Run A and B with the same seeds and compare them, replication by replication.

    Args:
        a: the baseline: a scenario, a path to a TOML file or a built-in name.
        b: the scenario compared with it.
        reps: replications, with seeds ``seed, seed + 1, ...``.
        seed: the first seed; defaults to A's ``simulation.seed``.
        months: months after month 0, at least 1 (the means compared are over months
            1 on); defaults to A's ``simulation.months``.
        overrides: values to change in both scenarios (see :func:`sim.load_scenario`).
        decompose: also split B's alliance effect by lever (needs a lever switched on).
        method: the decomposition: ``oat`` (2n + 2 runs per replication) or exact
            ``shapley`` (2^n runs).
        workers: local worker processes (default one per core); results do not depend
            on it.
        out: write the comparison directory here; nothing is written without it. It is
            checked before the runs.
        overwrite: write into an ``out`` that is not empty and not an earlier comparison,
            keeping the files a comparison does not write.
        on_run: called after each model run (progress).

    Raises:
        ScenarioError: a scenario or override that cannot be used (nothing has run).
        SeedError: seeds outside 0 .. :data:`sim.MAX_SEED` (nothing has run).
        InputError: ``months`` below 1 (nothing has run).
        ValueError: ``decompose`` for a B without levers, or an unknown method.
        OutputError: ``out`` may not or cannot be written (nothing has run).
        ResultNotWritten: a file cannot be written; ``out`` is as it was.
    """
    sa, sb = load_scenario(a, overrides), load_scenario(b, overrides)
    if decompose:
        decomposition.runs_needed(sb, method)  # no lever or an unknown method: fail now
    seed = sa.simulation.seed if seed is None else seed
    check_seed(seed, reps)
    months = sa.simulation.months if months is None else months
    if months < 1:
        raise InputError(f"months {months}: a comparison needs at least 1 month after "
                         "month 0 (its means are taken over months 1 on)")
    names = (sa.name, sb.name) if sa.name != sb.name else (f"{sa.name}-a", f"{sb.name}-b")
    workers = workers or default_workers()
    jobs = [Job(label, sc, rep, seed + rep, months)
            for label, sc in (("a", sa), ("b", sb)) for rep in range(reps)]
    with optional_output(out, "compare", overwrite=overwrite) as output:
        done = run_jobs(jobs, workers, on_run=on_run)
        ta, tb = done["a"], done["b"]
        table = compare_tables(ta["timeseries"], tb["timeseries"])
        payers = _payers(ta, tb)
        parts = None
        if decompose:
            parts = decomposition.decompose(sb, seed, reps, months, method, on_run=on_run,
                                            workers=workers)
        result = Comparison(
            a=Replications(sa, ta, summarise(ta["timeseries"])),
            b=Replications(sb, tb, summarise(tb["timeseries"])),
            names=names, table=table, decomposition=parts,
            seeds=list(range(seed, seed + reps)), months=months, overrides=overrides,
            payers=payers,
        )
        if output is not None:
            output.write(result.files())
    return result


def _payers(a: Mapping[str, pd.DataFrame], b: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Each party's net in A and B (:func:`analysis.report.public_finance.party_nets`).

    The organisers are those of either scenario's organisers table, A's first.
    """
    # Imported here: the report package loads matplotlib, which worker processes need not.
    from ..report.public_finance import party_nets

    organisers = pd.concat([a["organisers"]["organiser"], b["organisers"]["organiser"]])
    return party_nets(a["public_finance"], b["public_finance"], organisers.unique().tolist())
