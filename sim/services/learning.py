"""What providers and alliances learn from outcomes (tulosseuranta): job chances, value added.

Every client's follow-up (``market.outcome_follow_up_months`` after the service) ends in
an observation: a job within it or none. The record keeps, per provider, service and band
of baseline employability (quintiles at set-up), the follow-ups seen and the jobs among
them, and, per band, the monthly job-finding rate of unemployed jobseekers outside any
service or follow-up (what the clients' characteristics predict without a service). Old
observations fade by ``market.outcome_memory_months``.

From it:

- a provider's estimate of a client's job chance (:meth:`OutcomeRecord.job_chance`): its
  own clients' share with a job, shrunk toward the rule of thumb
  ``market.expected_outcome_slope`` × employability with the weight of
  ``market.estimate_prior_clients`` clients; under joint learning the alliance's
  providers pool their records (open data);
- value added (:meth:`OutcomeRecord.value_added`): jobs against what the clients' bands
  predict without the service, per follow-up seen. Joint learning and joint decisions read it.

A follow-up cut short by a new service is not observed; nor are transfers (no provider).
"""

from __future__ import annotations

import numpy as np

from ..labour.population import UNEMPLOYED
from ..scenario.services import SERVICES
from .state import ServiceState

BANDS = 5
"""Bands of baseline employability (quintiles at set-up)."""


class OutcomeRecord:
    """Follow-ups seen and jobs, per provider × service × band; the no-service baseline."""

    def __init__(self, base_employability: np.ndarray, n_providers: int, slope: float,
                 prior_clients: float, memory_months: float) -> None:
        """Band edges from the population at set-up; nothing observed yet.

        Args:
            base_employability: every person's baseline employability at set-up.
            n_providers: providers now (the record grows with entrants).
            slope: ``market.expected_outcome_slope``, the rule of thumb's slope.
            prior_clients: ``market.estimate_prior_clients``, the rule of thumb's weight.
            memory_months: ``market.outcome_memory_months``, the observations' time scale.
        """
        self.edges = np.quantile(base_employability, np.arange(1, BANDS) / BANDS)
        band = self.band(base_employability)
        means = np.bincount(band, weights=base_employability, minlength=BANDS)
        counts = np.maximum(np.bincount(band, minlength=BANDS), 1)
        self.prior = np.clip(slope * means / counts, 0.0, 1.0)  # rule of thumb per band
        self.prior_clients = prior_clients
        self.keep = 1.0 - 1.0 / memory_months  # monthly retention of old observations
        self.seen = np.zeros((n_providers, len(SERVICES), BANDS))
        self.jobs = np.zeros_like(self.seen)
        self.base_months = np.zeros(BANDS)  # jobseeker-months outside services
        self.base_hires = np.zeros(BANDS)

    def band(self, employability: np.ndarray) -> np.ndarray:
        """Band (0 = hardest to help) of each baseline employability."""
        return np.searchsorted(self.edges, employability, side="right")

    def grow(self, n_providers: int) -> None:
        """Room for providers that entered."""
        extra = n_providers - self.seen.shape[0]
        if extra > 0:
            pad = np.zeros((extra, *self.seen.shape[1:]))
            self.seen = np.concatenate([self.seen, pad])
            self.jobs = np.concatenate([self.jobs, pad])

    # ------------------------------------------------------------------ observations
    def observe(self, month: int, hired: np.ndarray, state: ServiceState,
                status: np.ndarray, base_employability: np.ndarray) -> None:
        """The month's observations, after its hires and before their outcome payments.

        Clients hired within their follow-up count a job (once per follow-up); follow-ups
        ending this month without one count none. Hires of jobseekers outside any service
        or follow-up, and those still looking, give the baseline's monthly rate.
        """
        st = state
        self.seen *= self.keep
        self.jobs *= self.keep
        self.base_months *= self.keep
        self.base_hires *= self.keep
        # Performance: the scans below are over the month's hires and the persons whose
        # follow-up ends now, except one pass over every person for the baseline.
        within = hired[(st.outcome_until[hired] >= month) & (st.outcome_provider[hired] >= 0)
                       & ~state.outcome_found[hired]]
        state.outcome_found[within] = True
        self._add(within, st, base_employability, jobs=True)
        ending = np.flatnonzero(st.outcome_until == month)
        ending = ending[(st.outcome_provider[ending] >= 0) & ~state.outcome_found[ending]]
        self._add(ending, st, base_employability, jobs=False)
        outside = hired[st.outcome_until[hired] < month]
        looking = np.flatnonzero((status == UNEMPLOYED) & (st.outcome_until < month))
        hires_b = np.bincount(self.band(base_employability[outside]), minlength=BANDS)
        months_b = np.bincount(self.band(base_employability[looking]), minlength=BANDS)
        self.base_hires += hires_b
        self.base_months += hires_b + months_b

    def _add(self, idx: np.ndarray, st: ServiceState, base_employability: np.ndarray,
             jobs: bool) -> None:
        """Count follow-ups ``idx`` as seen (and as jobs when ``jobs``)."""
        if idx.size == 0:
            return
        p = st.outcome_provider[idx].astype(np.int64)
        self.grow(int(p.max()) + 1)
        s = st.outcome_service[idx].astype(np.int64)
        b = self.band(base_employability[idx])
        np.add.at(self.seen, (p, s, b), 1.0)
        if jobs:
            np.add.at(self.jobs, (p, s, b), 1.0)

    # ------------------------------------------------------------------- estimates
    def job_chance(self, providers: np.ndarray | list[int], service: int,
                   bands: np.ndarray) -> np.ndarray:
        """Estimated job chance within the follow-up, from the pooled ``providers``' record.

        Each band's share of follow-ups with a job, shrunk toward the rule of thumb with the
        weight of ``prior_clients`` follow-ups.
        """
        self.grow(int(np.max(providers, initial=-1)) + 1)
        seen = self.seen[providers, service].sum(axis=0)
        jobs = self.jobs[providers, service].sum(axis=0)
        w = self.prior_clients
        return ((jobs + w * self.prior) / (seen + w))[bands]

    def baseline(self, window_months: float) -> np.ndarray:
        """Per band, the chance of a job within ``window_months`` without a service."""
        rate = np.divide(self.base_hires, self.base_months,
                         out=np.zeros(BANDS), where=self.base_months > 0)
        return 1.0 - (1.0 - rate) ** window_months

    def value_added_by_provider(self, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per provider: jobs above the no-service baseline per follow-up, and follow-ups seen.

        ``windows`` are each service's duration plus follow-up, months.
        """
        base = np.stack([self.baseline(w) for w in windows])  # services × bands
        seen = self.seen.sum(axis=(1, 2))
        above = (self.jobs - self.seen * base[None]).sum(axis=(1, 2))
        return np.divide(above, seen, out=np.zeros_like(seen), where=seen > 0), seen

    def value_added(self, providers: np.ndarray | list[int], service: int,
                    window_months: float) -> tuple[float, float]:
        """Jobs above the no-service baseline per follow-up, and the follow-ups seen.

        Pooled over ``providers``; ``window_months`` is the service's duration plus the
        follow-up (the window in which its clients' jobs count).
        """
        self.grow(int(np.max(providers, initial=-1)) + 1)
        seen = self.seen[providers, service].sum(axis=0)
        jobs = self.jobs[providers, service].sum(axis=0)
        n = float(seen.sum())
        if n <= 0:
            return 0.0, 0.0
        return float((jobs - seen * self.baseline(window_months)).sum() / n), n

