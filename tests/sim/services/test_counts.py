"""Counts over the service state (sim.services.counts) against references.
"""

from __future__ import annotations

import naive
import numpy as np
import pytest
from service_cases import served_population

from sim.labour.population import UNEMPLOYED
from sim.scenario.services import Targeting
from sim.services.counts import (
    clients_by_area,
    provider_load,
    served_by_providers,
)
from sim.services.eligibility import (
    eligibility_rules,
    eligible_by_home,
)


@pytest.mark.parametrize("seed", range(3))
def test_client_counts_match_references(seed):
    rng = np.random.default_rng(seed)
    pop = served_population(rng, 400)
    need = rng.random(8) + 0.5
    home = rng.integers(0, 6, 400).astype(np.int32)
    load = provider_load(pop["provider"], pop["service"], need, 4)
    assert load.tolist() == naive.provider_load(pop["provider"], pop["service"], need, 4)
    served = served_by_providers(pop["service"], pop["provider"])
    assert served.tolist() == naive.served_by_providers(pop["service"], pop["provider"])
    clients = clients_by_area(pop["service"], home, 6)
    assert clients.tolist() == naive.clients_by_area(pop["service"], home, 6)
    assert load.sum() > 0 and served.size > 0 and clients.sum() > served.size


def test_counting_kernels_reject_indices_out_of_range():
    service = np.array([0, 1, -1])
    with pytest.raises(ValueError, match="providers must lie"):
        provider_load(np.array([0, 7, -1]), service, np.ones(2), 3)
    with pytest.raises(ValueError, match="home municipalities"):
        clients_by_area(service, np.array([0, 4, 1]), 3)
    status = np.full(3, UNEMPLOYED, dtype=np.int8)
    none = np.full(3, -1)
    with pytest.raises(ValueError, match="home municipalities"):
        eligible_by_home(status, none, none, np.zeros(3, np.int64), np.full(3, 0.5),
                         np.array([0, 3, 1]), eligibility_rules(Targeting(), 12), 3)
