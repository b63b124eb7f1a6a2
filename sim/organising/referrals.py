"""Referrals (lähetteet): how clients reach another organiser's services.

Under separate action a municipality's client who needs a service the municipality buys
reaches it by referral: some are lost (``separate.referral_loss``) and the rest wait
(``separate.referral_delay_months``) before the service starts. The alliance's "one door"
(lever ``unified_referrals``) removes both. The desk keeps the waiting referrals and the
quarter's counts of referrals sent and lost (a KRA).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..labour.population import EMPLOYED
from ..scenario import Scenario
from ..services.state import Coded, ServiceState
from .units import Unit


class ReferralDesk:
    """Waiting referrals, one slot per person, and the quarter's referral counts."""

    def __init__(self, n_persons: int, n_munis: int) -> None:
        """No one referred yet."""
        self.service = np.full(n_persons, -1, np.int8)  # narrow, as in ServiceState
        self.provider = np.full(n_persons, -1, np.int16)
        self.payer = np.full(n_persons, -1, np.int16)
        self.effort = Coded(n_persons, 1.0)
        self.counts = np.zeros((n_munis, 2))  # per municipality: sent, lost (quarter)

    def refer(self, scenario: Scenario, unit: Unit, uid: int, service: int,
              chosen: np.ndarray, providers: np.ndarray, effort: np.ndarray,
              homes: np.ndarray, state: ServiceState, rng: np.random.Generator
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Clients a municipal unit chose for a service bought from a provider.

        With referral friction some are lost and the rest wait; without, all are counted
        as sent and start now.

        Returns:
            The clients to start now (chosen, providers, effort), or None when they wait.
        """
        np.add.at(self.counts[:, 0], homes, 1.0)
        if not unit.referral_friction:
            return chosen, providers, effort
        sep = scenario.separate
        if sep.referral_loss > 0:
            lost = rng.random(chosen.size) < sep.referral_loss
            np.add.at(self.counts[:, 1], homes[lost], 1.0)
            keep = ~lost
            chosen, providers, effort = chosen[keep], providers[keep], effort[keep]
        if sep.referral_delay_months > 0:
            state.referral_wait[chosen] = sep.referral_delay_months
            self.service[chosen] = service
            self.provider[chosen] = providers
            self.payer[chosen] = uid
            self.effort[chosen] = effort
            return None
        return chosen, providers, effort

    def activate(self, state: ServiceState, status: np.ndarray,
                 begin: Callable[..., None], month: int) -> None:
        """Referrals whose wait ends this month start, for those still out of work.

        ``begin(idx, service, providers, uid, effort, month)`` starts them, one call per
        service in service order.
        """
        waiting = np.flatnonzero(state.referral_wait > 0)
        if waiting.size == 0:
            return
        state.referral_wait[waiting] -= 1
        due = waiting[state.referral_wait[waiting] == 0]
        state.referral_wait[due] = -1
        still = due[status[due] != EMPLOYED]
        for s in np.unique(self.service[still]):
            idx = still[self.service[still] == s]
            begin(idx, int(s), self.provider[idx], self.payer[idx], self.effort[idx], month)
        for arr in (self.service, self.provider, self.payer):
            arr[due] = -1

    def end_quarter(self) -> None:
        """A new quarter's counts start."""
        self.counts[:] = 0.0

