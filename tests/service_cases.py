"""Random service states for the services' kernel tests (shared by tests/sim/services)."""

from __future__ import annotations

import numpy as np

from sim.labour.population import EMPLOYED, UNEMPLOYED


def random_jobseekers(rng, n, m):
    """Persons of mixed status, durations, employability and services."""
    status = np.where(rng.random(n) < 0.6, UNEMPLOYED, EMPLOYED).astype(np.int64)
    service = np.where(rng.random(n) < 0.2, rng.integers(0, 5, n), -1)
    wait = np.where(rng.random(n) < 0.1, rng.integers(1, 3, n), -1)
    months = rng.integers(0, 30, n)
    employability = rng.random(n)
    home = rng.integers(0, m, n)
    return status, service, wait, months, employability, home


def served_population(rng, n, n_services=8, n_providers=4):
    """Persons in and out of services, some hired, some with a running wage subsidy."""
    status = np.where(rng.random(n) < 0.5, UNEMPLOYED, EMPLOYED).astype(np.int8)
    service = np.where(rng.random(n) < 0.5, rng.integers(0, n_services, n), -1)
    provider = np.where(service >= 0, rng.integers(-1, n_providers, n), -1)
    return {
        "status": status,
        "base": 0.5 + 0.5 * rng.random(n),
        "employability": 0.6 * rng.random(n),
        "service": service,
        "months_left": np.where(service >= 0, rng.integers(1, 4, n), 0),
        "provider": provider,
        "payer": np.where(service >= 0, rng.integers(0, 3, n), -1),
        "effort": rng.choice([0.5, 1.0, 1.3], n),
        "subsidy_left": np.where(rng.random(n) < 0.2, rng.integers(1, 5, n), 0),
    }
