"""Worker flows (työmarkkinavirrat): job-to-job moves and quarterly transitions.

The flow statistics a labour economist compares first: how many of the employed change
employer each month without a spell of unemployment between two month ends, and where the
unemployed and the employed of one quarter are a quarter later (employed, unemployed, or
outside the labour force). Persons are followed by their index, so a person who leaves
the labour force between the two dates counts as outside.
"""

from __future__ import annotations

import numpy as np

from sim.labour import EMPLOYED, OUTSIDE, UNEMPLOYED
from sim.scenario import SERVICES

from ..experiments.paired import mean_ci
from .facts import Fact, Statistic, verdict_from

BANDS = {
    "job_to_job_month": (0.010, 0.025),
    "unemployed_to_employed_quarter": (0.24, 0.40),
    "unemployed_to_outside_quarter": (0.15, 0.30),
    "employed_to_unemployed_quarter": (0.008, 0.020),
}
"""Each flow's reference band: around the Finnish figures, wide enough for the EU's."""
FLOWS = ("unemployed_to_employed_quarter", "unemployed_to_outside_quarter",
         "employed_to_unemployed_quarter")
"""The quarterly transitions the fact reports."""
NOT_AVAILABLE = ("training", "rehabilitation")
"""Services whose unemployed participants the survey-like classification counts outside
the labour force: the ILO's unemployed are available for work (13th ICLS, 1982), and a
person in full-time training or rehabilitation is not (an assumption of this project)."""


def job_to_job(status0: np.ndarray, employer0: np.ndarray, status1: np.ndarray,
               employer1: np.ndarray) -> float:
    """Share of those employed at one month end who work for another employer at the next.

    Only moves without unemployment at either month end count (a separation and a new
    job within the same month count, as they would in register data).
    """
    n = min(status0.size, status1.size)
    both = (status0[:n] == EMPLOYED) & (status1[:n] == EMPLOYED)
    employed = int(np.sum(status0 == EMPLOYED))
    moved = int(np.sum(both & (employer0[:n] != employer1[:n])))
    return moved / employed if employed else np.nan


def quarter_transitions(before: np.ndarray, after: np.ndarray) -> dict[str, float]:
    """Where the unemployed and the employed of ``before`` are in ``after`` (shares).

    A person beyond the end of ``after``, or with any status other than employed or
    unemployed there, is outside the labour force.
    """
    n = min(before.size, after.size)
    later = np.full(before.size, -1, dtype=np.int64)
    later[:n] = after[:n]
    out = {}
    for name, status in (("unemployed", UNEMPLOYED), ("employed", EMPLOYED)):
        was = before == status
        count = int(was.sum())
        for dest, code in (("employed", EMPLOYED), ("unemployed", UNEMPLOYED)):
            out[f"{name}_to_{dest}_quarter"] = float(np.sum(was & (later == code)) / count) \
                if count else np.nan
        out[f"{name}_to_outside_quarter"] = float(
            np.sum(was & (later != EMPLOYED) & (later != UNEMPLOYED)) / count) \
            if count else np.nan
    return out


def survey_status(status: np.ndarray, service: np.ndarray,
                  searching: np.ndarray | None = None) -> np.ndarray:
    """Statuses as a labour force survey would see them (a copy).

    An unemployed jobseeker is the survey's unemployed only if available for work and
    searching actively: one in a service of :data:`NOT_AVAILABLE`, or with ``searching`` 0
    (no active search in the past four weeks), is outside the labour force. ``service`` is
    each person's service index (-1: none); without ``searching`` everyone counts as
    searching.
    """
    out = status.copy()
    codes = [SERVICES.index(name) for name in NOT_AVAILABLE]
    unemployed = status == UNEMPLOYED
    out[unemployed & np.isin(service, codes)] = OUTSIDE
    if searching is not None:
        out[unemployed & (searching == 0)] = OUTSIDE
    return out


def survey_status_of(model) -> np.ndarray:
    """:func:`survey_status` of a model's persons now (their services and search)."""
    p = model.persons
    return survey_status(p.status, model.services.state.service, p.searching)


def _over_periods(name: str, values: np.ndarray | list[float]) -> Statistic:
    """Mean over the periods with a t-interval; a period without anyone (NaN) left out."""
    values = np.asarray(values, dtype=float)
    return Statistic(name, *mean_ci(values[np.isfinite(values)]))


def transitions(job_to_job_shares: np.ndarray, quarters: list[dict[str, float]],
                register_quarters: list[dict[str, float]] | None = None) -> Fact:
    """The flows fact: job-to-job moves a month and the quarterly transitions.

    Args:
        job_to_job_shares: :func:`job_to_job` of each month of a run.
        quarters: :func:`quarter_transitions` between :func:`survey_status` statuses (the
            survey's definitions, as the references), each quarter of the run; judged.
        register_quarters: the same between the register's statuses (persons in services
            unemployed); reported beside the others (suffix ``_register``), not judged.
    """
    found = {"job_to_job_month": _over_periods("job_to_job_month", job_to_job_shares)}
    found |= {name: _over_periods(name, [q[name] for q in quarters]) for name in FLOWS}
    inside = {name: BANDS[name][0] <= s.value <= BANDS[name][1] for name, s in found.items()}
    register = [_over_periods(f"{name}_register", [q[name] for q in register_quarters])
                for name in FLOWS] if register_quarters else []
    held = sum(inside.values())
    return Fact(
        key="transitions",
        title="Worker flows: job-to-job moves and quarterly transitions",
        statistics=(*found.values(), *register),
        reference="job-to-job moves 1.6 % of the employed a month in Finland in 2024 "
        "(Statistics Finland, Tieto&trendit, Sept 2025); of the unemployed of a quarter, "
        "about 33 % employed and 23 % outside the labour force a quarter later, of the "
        "employed about 1.5 % unemployed (Statistics Finland, experimental flow statistics, "
        "2021 Q3→Q4); EU 2023 Q3→Q4: 24.5 %, 24.4 % and 1.2 % (Eurostat flow statistics)",
        rule="pass: all four within their bands (job-to-job 1–2.5 % a month; unemployed → "
        "employed 24–40 %, unemployed → outside 15–30 %, employed → unemployed 0.8–2 % a "
        "quarter); warn: two or three; fail: fewer",
        verdict=verdict_from(held == len(inside), held >= 2),
        notes=("persons followed by index between month ends (job-to-job) and between "
               "quarter ends from month 0 (transitions); a person no longer in the labour "
               "force, or no longer in the population, counts as outside",
               "the transitions count persons as the Labour Force Survey behind the "
               "references does: the unemployed are unemployed jobseekers who searched "
               "actively in the past four weeks and are available for work; one who did "
               "not search, or is in training or rehabilitation, counts outside the labour "
               "force (the ILO's definition; which participants the survey counts so is "
               "this project's assumption). The model has no unemployed outside the "
               "register (students looking for work, say): of its register's unemployed, "
               "the survey's are those searching (40 % of the two statistics' unemployed "
               "are the same persons: Statistics Finland, Tieto&trendit, 1 Oct 2015)",
               "_register: the quarterly transitions with the register's unemployed "
               "(persons in services included, searching or not); reported, not judged. The "
               "register's spell moment bounds them: if no one's chance of leaving rises "
               "with the time waited, at most the 46 % of new spells that end within three "
               "months (calibration/targets.toml) can be employed or outside a quarter "
               "later (README, Calibration)",
               "CIs treat months and quarters as independent, which they are not over a "
               "demand cycle: read them as lower bounds of the uncertainty",
               f"within their bands: {held} of {len(inside)}; outside them: "
               f"{', '.join(k for k, ok in inside.items() if not ok) or 'none'}"),
        data={"job_to_job": np.asarray(job_to_job_shares, dtype=float),
              "quarters": quarters},
    )
