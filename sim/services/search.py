"""Job search in a service (haku palvelussa): applications and how firms score a client.

The rule, in one place: a client's strength is its provider's quality times the
provider's effort; a service adds ``extra_applications`` × min(strength, 2) applications
to the month's ``base_apps``, loses the ``lock_in`` share of them, and multiplies the
client's score by 1 + ``score_boost`` × strength. Expected applications are rounded at
random (with a uniform of the person's own, used only in a service), so that a lock-in of
30 % costs 30 % of the applications on average, not a rounded 25 % or 50 %. A seeker in no
service sends ``base_apps`` with score multiplier 1. A seeker who does not search actively
(:func:`sim.labour.flows.search_activity`) has no ``base_apps``: it sends only what a
service adds.

:func:`search_modifiers` applies it to the service state; :func:`seeker_modifiers` is the
thin wrapper of the kernel that computes it in one pass over arrays.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..labour import draws
from ..scenario.services import SERVICES, Services
from .state import Coded, ServiceState, code_parts


def search_modifiers(state: ServiceState, catalogue: Services, quality: np.ndarray,
                     base_apps: int, rng: np.random.Generator, seekers: np.ndarray,
                     searching: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Applications per month and score multiplier of the seekers (the module's rule).

    Args:
        state: service state.
        catalogue: service specs.
        quality: quality of each provider, plus a last entry 1.0 for "no provider".
        base_apps: applications per month without a service (job-search obligation).
        rng: generator of the stream whose numbers round expected applications.
        seekers: indices of this month's jobseekers.
        searching: per person, 0 when it does not search actively (absent: all do).

    Returns:
        (applications int64 per seeker, score multiplier float64 per seeker).
    """
    specs = [catalogue.spec(s) for s in SERVICES]
    return seeker_modifiers(state.service, state.provider, state.effort, seekers,
                            draws.new_key(rng), quality,
                            np.array([c.extra_applications for c in specs], dtype=np.float64),
                            np.array([c.lock_in for c in specs], dtype=np.float64),
                            np.array([c.score_boost for c in specs], dtype=np.float64),
                            base_apps, searching)


@nb.njit(cache=True)
def _search_kernel(service, provider, effort_code, effort_value, seekers, u, key, quality,
                   extra, lock, score, base_apps, searching, out_apps, out_boost):
    # Performance: a person's uniform is its own (number p of the stream), so only the
    # seekers are visited, not the whole population.
    n_prov = quality.shape[0]
    everyone = searching.shape[0] == 0
    for j in range(seekers.shape[0]):
        p = seekers[j]
        s = service[p]
        base = base_apps if everyone or searching[p] else 0
        apps = base
        boost = 1.0
        if s >= 0:
            q = provider[p]
            strength = quality[q if q >= 0 else n_prov - 1] * effort_value[effort_code[p]]
            expected = (base + extra[s] * min(strength, 2.0)) * (1.0 - lock[s])
            apps = np.int64(np.floor(expected + draws.draw(u, key, p)))
            boost = 1.0 + score[s] * strength
        out_apps[j] = apps
        out_boost[j] = boost


def seeker_modifiers(service: np.ndarray, provider: np.ndarray, effort: Coded | np.ndarray,
                     seekers: np.ndarray, u: np.ndarray | int, quality: np.ndarray,
                     extra: np.ndarray, lock: np.ndarray, score: np.ndarray,
                     base_apps: int, searching: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Applications and score multipliers of the seekers (the module's rule), over arrays.

    Args:
        service: per person, service index or -1.
        provider: per person, provider index or -1.
        effort: per person, the provider's effort.
        seekers: indices of the persons searching this month.
        u: one uniform per person (randomised rounding; only those in a service use
            theirs), or a stream key whose number p is person p's (:func:`sim.labour.draws.draw`).
        quality: per provider, quality, plus a last entry 1.0 for "no provider".
        extra: per service, extra applications at strength 1.
        lock: per service, lock-in (share of applications lost).
        score: per service, score boost at strength 1.
        base_apps: applications per month without a service.
        searching: per person, 0 when it does not search actively and so has no
            ``base_apps`` (absent: everyone searches).

    Returns:
        (applications int64, score multiplier float64), one entry per seeker.
    """
    seekers = np.ascontiguousarray(seekers, dtype=np.int64)
    n = service.shape[0]
    if seekers.size and (seekers.min() < 0 or seekers.max() >= n):
        raise ValueError("seekers must be indices of persons")
    u, key = draws.uniforms_or_key(u, n)
    apps = np.empty(seekers.size, dtype=np.int64)
    boost = np.empty(seekers.size)
    code, value = code_parts(effort)
    if searching is None:
        searching = np.zeros(0, dtype=np.uint8)
    elif searching.shape[0] != n:
        raise ValueError("searching must have one entry per person")
    _search_kernel(service, provider, code, value, seekers, u, key, quality, extra, lock,
                   score, int(base_apps), searching, apps, boost)
    return apps, boost
