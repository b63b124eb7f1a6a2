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

Firm services are scored on the same scale, jobs above the no-service baseline per start
(:meth:`OutcomeRecord.observe_firms`, :meth:`OutcomeRecord.firm_value_added`): a client
firm's follow-up ends in its employment then (none if it died), against its employment at
the start (at the end of the month before) grown at the monthly employment growth of
firms outside any firm service or follow-up. Only joint decisions read it (providers'
learning counts person follow-ups).
"""

from __future__ import annotations

import numpy as np

from ..labour.population import UNEMPLOYED, Firms
from ..scenario.services import FIRM_SERVICES, SERVICES, Services
from .state import NONE, ServiceState

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
        self.firm_seen = np.zeros((n_providers, len(FIRM_SERVICES)))  # firm follow-ups
        self.firm_jobs = np.zeros_like(self.firm_seen)  # their jobs above the baseline
        self.base_employment = np.zeros(2)  # unserved firms: employment before, after

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
            pad = np.zeros((extra, len(FIRM_SERVICES)))
            self.firm_seen = np.concatenate([self.firm_seen, pad])
            self.firm_jobs = np.concatenate([self.firm_jobs, pad])

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


    # -------------------------------------------------------------------- firm services
    def observe_firms(self, month: int, state: ServiceState, firms: Firms,
                      windows: np.ndarray) -> None:
        """The month's firm observations, once its employment is final (after the hires).

        The baseline: firms alive at last month's end and now outside any firm service or
        follow-up add their employment then and now (a slot whose firm died and another
        was born in this month adds none now). A follow-up ends in its last month, or
        earlier when the firm dies (its employment is then known: none), in jobs above the
        baseline (:meth:`end_firm_follow_ups`). Each firm's employment now is kept in
        ``state.firm_last_employment`` for the next month.

        Args:
            month: this month.
            state: the firms' services and follow-ups.
            firms: the firm table.
            windows: per firm service, the months of a follow-up's span
                (:func:`firm_windows`).
        """
        self.firm_seen *= self.keep
        self.firm_jobs *= self.keep
        self.base_employment *= self.keep
        n = firms.capacity
        state.grow_firms(n)
        alive = firms.alive[:n]
        now = np.where(alive, firms.employment[:n], 0)
        before = state.firm_last_employment[:n]  # -1: no firm at last month's end
        until = state.firm_outcome_until[:n]
        base = (before >= 0) & (until.max(axis=1, initial=NONE) < month)
        self.base_employment += (before[base].sum(),
                                 now[base & (firms.born[:n] != month)].sum())
        provider = state.firm_outcome_provider[:n]
        ends = (provider >= 0) & ((until == month) | ((until >= month) & ~alive[:, None]))
        f, c = np.nonzero(ends)
        self.end_firm_follow_ups(f, c, now[f], state, windows)
        state.firm_last_employment[:n] = np.where(alive, now, NONE)

    def firm_growth(self) -> float:
        """Monthly employment growth of firms outside firm services (the baseline)."""
        before, after = self.base_employment
        return after / before - 1.0 if before > 0 else 0.0

    def end_firm_follow_ups(self, firm: np.ndarray, column: np.ndarray,
                            employment: np.ndarray, state: ServiceState,
                            windows: np.ndarray) -> None:
        """End the follow-ups of firm services ``column`` of ``firm``, employing ``employment``.

        Each counts a follow-up seen and its jobs above the baseline: the employment less
        that at the start × (1 + :meth:`firm_growth`) ** its span (``windows`` per firm
        service, months), for its provider. The follow-up is then over.
        """
        if firm.size == 0:
            return
        p = state.firm_outcome_provider[firm, column]
        self.grow(int(p.max()) + 1)
        expected = (state.firm_start_employment[firm, column]
                    * (1.0 + self.firm_growth()) ** windows[column])
        np.add.at(self.firm_seen, (p, column), 1.0)
        np.add.at(self.firm_jobs, (p, column), employment - expected)
        state.firm_outcome_provider[firm, column] = NONE

    def firms_reborn(self, slots: np.ndarray, state: ServiceState, windows: np.ndarray
                     ) -> None:
        """New firms in ``slots``: a dead firm's follow-up still running there ends now.

        A slot is taken only after its firm died (this month, or the follow-up would have
        ended at the death), so the follow-up ends employing none; the slot starts with no
        follow-up.
        """
        rows, column = np.nonzero(state.firm_outcome_provider[slots] >= 0)
        self.end_firm_follow_ups(slots[rows], column, np.zeros(rows.size), state, windows)
        state.firm_start_employment[slots] = 0
        state.firm_outcome_until[slots] = NONE

    def firm_value_added(self, providers: np.ndarray | list[int], column: int
                         ) -> tuple[float, float]:
        """Jobs above the baseline per follow-up of firm service ``column``, and follow-ups.

        Pooled over ``providers``, on the scale of :meth:`value_added`.
        """
        self.grow(int(np.max(providers, initial=-1)) + 1)
        n = float(self.firm_seen[providers, column].sum())
        if n <= 0:
            return 0.0, 0.0
        return float(self.firm_jobs[providers, column].sum() / n), n


def firm_windows(catalogue: Services, follow_up: int) -> np.ndarray:
    """Per firm service, the whole months a follow-up spans.

    From the end of the month before the start (the employment at the start,
    :func:`sim.services.state.start_firms`) to the follow-up's last month: the start month,
    the service's other months and the follow-up (``follow_up``), so that the start month's
    hires count and the no-service growth runs over the same whole months.
    """
    return np.array([catalogue.spec(name).duration_months + follow_up + 1
                     for name in FIRM_SERVICES], dtype=float)
