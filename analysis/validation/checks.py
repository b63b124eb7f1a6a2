"""Validation of a scenario against the stylised facts of labour markets and firms.

Two kinds of run feed the checks (:mod:`.facts`):

- a **cycle run**: the scenario with a sine business cycle in demand (``[economy]
  cycle_amplitude``, default ±4 % over 48 months unless the scenario sets its own), giving
  the Beveridge curve, the matching function (:mod:`.matching`), the inflow/outflow
  decomposition, the worker flows (:mod:`.transitions`), and the firm sizes at month 0 and
  month 12 (firm sizes and growth rates);
- a **steady run**: the same scenario, seed and months without the cycle, giving the
  baseline's drift (:mod:`.stationarity`), which the Beveridge curve is read net of;
- one **trial run per service**: the organisers' budgets set to 0 and half of the eligible
  assigned to the service at month 0 (``[experiment]``), giving the service effects;
- the **displacement design** (:mod:`.displacement`): municipalities given treated shares at
  random, in normal times and in a recession, a few replications each, giving the gross
  and net effects of treating more jobseekers.

:func:`validate` is ``kasvu validate`` without the terminal: plan (every scenario checked
before anything runs), check the output directory, run, check the facts, and write the
report (``validation.md``, ``validation.json`` and one PNG figure per fact, :mod:`.figures`)
through an :class:`~analysis.outputs.Output`: all files or none.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim import Scenario, ScenarioError, load_scenario, run, simulate
from sim.collect import REGION_AREA
from sim.labour import build_geography, reach_weights
from sim.scenario.loading import Overrides
from sim.scenario.overrides import Part, join_key

from ..outputs import Writer, json_writer, optional_output, text_writer
from . import DEFAULT_SCENARIO, displacement, facts, matching, stationarity, transitions

TRIAL_SERVICES = ("coaching", "training", "wage_subsidy", "rehabilitation")
"""Services tested by a trial each (``--quick``: the first two)."""
GROWTH_MONTHS = 12
"""Months between the two firm-size snapshots of the growth-rate check (annual growth)."""
QUICK_BURN_IN_MONTHS = 12
"""The burn-in of the quick version (CI)."""


@dataclass(frozen=True)
class ValidationPlan:
    """What a validation runs: the scenarios, seed and lengths, fixed before any run.

    Attributes:
        name: the scenario's name.
        cycle: the scenario with its demand cycle.
        steady: the same scenario without the cycle (the baseline's drift).
        trials: one scenario per tested service (budgets 0, ``[experiment]`` set).
        designs: the displacement design's runs, each with its market (normal times or
            a recession).
        replications: replications of each design (seeds ``seed`` onwards).
        seed: seed of every run.
        months: months of the cycle run after month 0.
        trial_months: months of each trial after month 0.
        quick: the short version (CI).
    """

    name: str
    cycle: Scenario
    steady: Scenario
    trials: dict[str, Scenario]
    designs: tuple[tuple[str, Scenario], ...]
    replications: int
    seed: int
    months: int
    trial_months: int
    quick: bool

    @property
    def total_months(self) -> int:
        """Months the plan simulates after month 0, over all its runs (progress)."""
        return (2 * self.months + len(self.trials) * self.trial_months
                + len(self.designs) * self.replications * displacement.HORIZON_MONTHS)


def zero_budgets(scenario: Scenario) -> dict[str, float]:
    """Overrides putting every organiser's service budget at 0 (a clean trial)."""
    org = scenario.organisers
    out = {"organisers.region_budget_eur_per_resident": 0.0,
           "organisers.municipal_budget_eur_per_resident": 0.0}
    if org.region_budget_eur_per_year is not None:
        out["organisers.region_budget_eur_per_year"] = 0.0
    # Quoted, so that a municipality whose name has a dot is still one key part.
    out |= {join_key([Part("organisers"), Part("municipal_budgets"), Part(name, quoted=True)]): 0.0
            for name in org.municipal_budgets}
    return out


def make_plan(scenario: Scenario | str | Path = DEFAULT_SCENARIO, seed: int | None = None,
              months: int | None = None, quick: bool = False,
              overrides: Overrides = ()) -> ValidationPlan:
    """Load and validate every scenario the checks need, before anything runs.

    Args:
        scenario: a scenario, a path to a TOML file or a built-in name.
        seed: seed of every run; defaults to the scenario's ``simulation.seed``.
        months: months of the cycle run (default 120; quick: two demand cycles).
        quick: a 12-month burn-in, shorter runs and two trials (CI).
        overrides: values to change in the scenario (see :func:`sim.load_scenario`).

    Raises:
        ScenarioError: a bad scenario, override or length (file, key and problem named).
    """
    first = load_scenario(scenario, overrides)
    if quick:
        first = first.with_overrides({"simulation.burn_in_months": QUICK_BURN_IN_MONTHS})
    eco = first.economy
    cycle, period = first, eco.cycle_period_months
    if eco.cycle_amplitude == 0.0:
        period = 24 if quick else 48
        cycle = first.with_overrides({"economy.cycle_amplitude": 0.04,
                                      "economy.cycle_period_months": period})
    months = (2 * period if quick else 120) if months is None else months
    if months < period + GROWTH_MONTHS:
        where = first.name if isinstance(scenario, Scenario) else scenario
        raise ScenarioError(f"{where}: --months {months} is too short: the checks need "
                            f"at least one demand cycle ({period} months) and "
                            f"{GROWTH_MONTHS} months of firm growth")
    services = TRIAL_SERVICES[:2] if quick else TRIAL_SERVICES
    trials = {s: first.with_overrides({**zero_budgets(first), "experiment.service": s})
              for s in services}
    designs = displacement.design(first.with_overrides(zero_budgets(first)))
    replications = displacement.QUICK_REPLICATIONS if quick else displacement.REPLICATIONS
    seed = first.simulation.seed if seed is None else seed
    steady = cycle.with_overrides({"economy.cycle_amplitude": 0.0})
    return ValidationPlan(first.name, cycle, steady, trials, designs, replications, seed,
                          months, 24 if quick else 36, quick)


# ------------------------------------------------------------------------- the runs
@dataclass(frozen=True)
class CycleRun:
    """What the cycle run gives the checks."""

    timeseries: pd.DataFrame
    sizes0: np.ndarray  # employees of living firms at month 0
    sizes1: np.ndarray  # ... at month GROWTH_MONTHS
    same0: np.ndarray  # employees at month 0 of the firms alive at both dates
    same1: np.ndarray  # ... and the same firms' at month GROWTH_MONTHS
    job_to_job: np.ndarray  # each month's share of the employed who changed employer
    quarters: list[dict[str, float]]  # each quarter's transitions, survey's statuses
    register_quarters: list[dict[str, float]]  # ... between the register's statuses


def run_cycle(scenario: Scenario, seed: int, months: int,
              on_month: Callable[[], None] | None = None) -> CycleRun:
    """Run the cycle scenario, reading the firms' sizes at month 0 and ``GROWTH_MONTHS``.

    The model is stepped through :func:`sim.simulate` and read between months (read
    only), because the tables of :func:`sim.run` hold only area totals: the firms' sizes,
    and the persons' statuses, employers and services for the worker flows. A firm slot holds
    the same firm at both dates when it was alive at both and its birth month did not
    change (slots of dead firms are reused by births).
    """
    with simulate(scenario, seed, months=months) as months_left:
        f, p = months_left.model.firms, months_left.model.persons
        alive0, born0, size0 = f.alive.copy(), f.born.copy(), f.employment.copy()
        status, employer = p.status.copy(), p.employer.copy()
        quarter_start, moves, quarters, register_quarters = status, [], [], []
        survey_start = transitions.survey_status_of(months_left.model)
        for model in months_left:
            p = model.persons
            moves.append(transitions.job_to_job(status, employer, p.status, p.employer))
            status, employer = p.status.copy(), p.employer.copy()
            if model.month % 3 == 0:
                register_quarters.append(transitions.quarter_transitions(quarter_start, status))
                quarter_start = status
                survey = transitions.survey_status_of(model)
                quarters.append(transitions.quarter_transitions(survey_start, survey))
                survey_start = survey
            if model.month == GROWTH_MONTHS:
                n = alive0.size  # slots added later are births after month 0
                same = alive0 & f.alive[:n] & (f.born[:n] == born0)
                snap = (f.employment[f.alive].copy(), size0[same], f.employment[:n][same].copy())
            if on_month is not None:
                on_month()
        timeseries = months_left.results().timeseries
    return CycleRun(timeseries, size0[alive0], *snap, np.array(moves), quarters,
                    register_quarters)


def run_trials(plan: ValidationPlan, on_month: Callable[[], None] | None = None) -> pd.DataFrame:
    """Run every service's trial; their experiment tables stacked with a ``service`` column."""
    frames = []
    for service, scenario in plan.trials.items():
        table = run(scenario, plan.seed, months=plan.trial_months,
                    on_month=None if on_month is None else lambda _m: on_month()).experiment
        frames.append(table.assign(service=service))
    return pd.concat(frames, ignore_index=True)


def run_steady(plan: ValidationPlan, on_month: Callable[[], None] | None = None
               ) -> pd.DataFrame:
    """The run without the cycle: its time series (same seed and months as the cycle)."""
    return run(plan.steady, plan.seed, months=plan.months,
               on_month=None if on_month is None else lambda _m: on_month()).timeseries


# ------------------------------------------------------------------------ the checks
def plan_reach(scenario: Scenario) -> tuple[list[str], np.ndarray]:
    """The municipalities' names and the commuting reach weights their seekers apply by."""
    geo = build_geography(scenario)
    m = scenario.matching
    return geo.names, reach_weights(geo.distance_km, m.commuting_reach_km, m.distance_decay_km)


def _region(timeseries: pd.DataFrame) -> pd.DataFrame:
    """The region's rows, in month order."""
    return timeseries[timeseries["area"] == REGION_AREA].sort_values("month")


def _region_rates(region: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The region's months, unemployment rate and vacancy rate (rows of :func:`_region`)."""
    return (region["month"].to_numpy(), region["unemployment_rate"].to_numpy(),
            (region["vacancies"] / region["labour_force"]).to_numpy())


def check_all(plan: ValidationPlan, cycle: CycleRun, steady: pd.DataFrame,
              trials: pd.DataFrame, designs: pd.DataFrame) -> list[facts.Fact]:
    """Every stylised-fact check on the runs' outputs."""
    # Everyone unemployed searches, in a service or not: the matching and flow facts count
    # them all (jobseekers), where the ministry's unemployment rate leaves services out.
    ts = cycle.timeseries.assign(
        jobseekers=cycle.timeseries["unemployed"] + cycle.timeseries["in_services"])
    region = _region(ts)
    month, u, v = _region_rates(region)
    _, u_steady, v_steady = _region_rates(_region(steady))
    out = [stationarity.stationarity(month, u_steady, u_cycle=u),
           facts.beveridge_curve(u, v, plan.cycle.economy.cycle_period_months,
                                 baseline=(u_steady, v_steady))]

    munis = ts[ts["area"] != REGION_AREA].sort_values(["area", "month"])
    geo, reach = plan_reach(plan.cycle)
    munis = munis.assign(**{f"near_{c}": matching.neighbour_totals(munis, c, reach, geo)
                            for c in ("jobseekers", "vacancies")})
    lagged = munis.groupby("area", sort=False)[
        ["jobseekers", "vacancies", "near_jobseekers", "near_vacancies"]].shift(1)
    ok = lagged["jobseekers"].notna()
    out.append(matching.matching_function(
        munis.loc[ok, "hires"], lagged.loc[ok, "jobseekers"], lagged.loc[ok, "vacancies"],
        munis.loc[ok, "area"],
        region=(region["hires"].to_numpy()[1:], region["jobseekers"].to_numpy()[:-1],
                region["vacancies"].to_numpy()[:-1]),
        months=munis.loc[ok, "month"],
        neighbours=(lagged.loc[ok, "near_jobseekers"], lagged.loc[ok, "near_vacancies"])))

    s, f = facts.flow_rates(*(region[c].to_numpy() for c in
                              ("separations", "hires", "employed", "jobseekers")))
    out.append(facts.flow_decomposition(s, f, u[1:], seed=plan.seed))
    out.append(transitions.transitions(cycle.job_to_job, cycle.quarters,
                                       cycle.register_quarters))
    out.append(facts.firm_sizes(cycle.sizes0))
    out.append(facts.growth_rates(cycle.same0, cycle.same1))
    out.append(facts.service_effects(trials))
    out.append(displacement.displacement(designs))
    return out


# ------------------------------------------------------------------------ the report
def headline(fact: facts.Fact) -> str:
    """The fact's first statistic as ``name = value [CI]``."""
    first = fact.statistics[0]
    return f"{first.name} = {first.text(3)}"


def terminal_table(found: list[facts.Fact]) -> str:
    """One line per fact: key, headline statistic, verdict."""
    lines = [f"{'fact':<17}{'statistic [95% CI]':<64}verdict"]
    lines += [f"{f.key:<17}{headline(f):<64}{f.verdict}" for f in found]
    return "\n".join(lines)


def markdown(plan: ValidationPlan, found: list[facts.Fact]) -> str:
    """The report: a summary table, then each fact with its statistics, rule and figure."""
    eco = plan.cycle.economy
    lines = [
        f"# Validation of `{plan.name}` against stylised facts",
        "",
        f"Seed {plan.seed}. Cycle run: {plan.months} months after month 0, demand "
        f"±{eco.cycle_amplitude:.0%} in a {eco.cycle_period_months}-month sine cycle; "
        "steady run: the same without the cycle. "
        f"Trials: {plan.trial_months} months, services {', '.join(plan.trials)}. "
        f"Displacement design: {displacement.HORIZON_MONTHS} months, {plan.replications} "
        f"replications in normal times and in a recession."
        + (" Quick mode (burn-in 12 months, shorter runs)." if plan.quick else ""),
        "",
        "| fact | statistic [95 % CI] | reference | verdict |",
        "|---|---|---|---|",
    ]
    lines += [f"| {f.title} | {headline(f)} | {f.reference} | **{f.verdict}** |" for f in found]
    for f in found:
        lines += ["", f"## {f.title}", "", f"![{f.title}]({f.key}.png)", "",
                  f"**Verdict: {f.verdict}.** Rule: {f.rule}.", "", f"Reference: {f.reference}.",
                  "", "| statistic | value [95 % CI] |", "|---|---|"]
        lines += [f"| {s.name} | {s.text(3)} |" for s in f.statistics]
        lines += [""] + [f"- {note}" for note in f.notes]
    return "\n".join(lines) + "\n"


def validation_files(plan: ValidationPlan, found: list[facts.Fact], cycle: CycleRun,
                     steady: pd.DataFrame, trials: pd.DataFrame,
                     designs: pd.DataFrame) -> dict[str, Writer]:
    """The report's files: one figure per fact, the report, its numbers and the runs' tables."""
    from ..report.style import save_figure
    from .figures import FIGURES

    meta = {"scenario": plan.name, "seed": plan.seed, "months": plan.months,
            "trial_months": plan.trial_months, "quick": plan.quick,
            "displacement_months": displacement.HORIZON_MONTHS,
            "displacement_replications": plan.replications,
            "cycle_amplitude": plan.cycle.economy.cycle_amplitude,
            "cycle_period_months": plan.cycle.economy.cycle_period_months,
            "facts": [f.to_dict() for f in found]}
    files: dict[str, Writer] = {
        f"{f.key}.png": lambda path, f=f: save_figure(FIGURES[f.key](f, plan.name), path)
        for f in found
    }
    files["validation.md"] = text_writer(markdown(plan, found))
    files["validation.json"] = json_writer(meta)
    files["cycle_timeseries.parquet"] = functools.partial(cycle.timeseries.to_parquet,
                                                          index=False)
    files["steady_timeseries.parquet"] = functools.partial(steady.to_parquet, index=False)
    files["experiment.parquet"] = functools.partial(trials.to_parquet, index=False)
    files["displacement.parquet"] = functools.partial(designs.to_parquet, index=False)
    return files


def validate(scenario: ValidationPlan | Scenario | str | Path = DEFAULT_SCENARIO, *,
             seed: int | None = None, months: int | None = None, quick: bool = False,
             overrides: Overrides = (), out: str | Path | None = None,
             overwrite: bool = False,
             on_month: Callable[[], None] | None = None) -> list[facts.Fact]:
    """Check a scenario against every stylised fact; write the report when ``out`` is given.

    Args:
        scenario: a plan (:func:`make_plan`), or a scenario, a path to a TOML file or a
            built-in name to plan with the other arguments.
        seed: seed of every run; defaults to the scenario's ``simulation.seed``.
        months: months of the cycle run (default 120; quick: two demand cycles).
        quick: a 12-month burn-in, shorter runs and two trials (CI).
        overrides: values to change in the scenario (see :func:`sim.load_scenario`).
        out: write validation.md, validation.json, one figure per fact and the runs'
            tables here; nothing is written without it. It is checked before the runs.
        overwrite: write into an ``out`` that is not empty and not an earlier validation,
            keeping the files a validation does not write.
        on_month: called after each simulated month of every run (progress).

    Returns:
        The facts, in the report's order.

    Raises:
        ScenarioError: a bad scenario, or a region too small for an estimate (nothing
            is written).
        OutputError: ``out`` may not or cannot be written (nothing has run).
        ResultNotWritten: a file cannot be written; ``out`` is as it was.
    """
    plan = (scenario if isinstance(scenario, ValidationPlan)
            else make_plan(scenario, seed, months, quick, overrides))
    with optional_output(out, "validate", overwrite=overwrite) as output:
        cycle = run_cycle(plan.cycle, plan.seed, plan.months, on_month=on_month)
        steady = run_steady(plan, on_month=on_month)
        trials = run_trials(plan, on_month=on_month)
        designs = displacement.run_design(plan.designs, plan.seed, plan.replications,
                                          on_month=on_month)
        try:
            found = check_all(plan, cycle, steady, trials, designs)
        except ValueError as exc:  # too few firms, months or observations for an estimate
            raise ScenarioError(f"{plan.name}: too small for the stylised-fact checks: "
                                f"{exc}") from exc
        if output is not None:
            output.write(validation_files(plan, found, cycle, steady, trials, designs))
    return found
