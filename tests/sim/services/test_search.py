"""Job search in a service (sim.services.search) against the reference in tests/naive.py.
"""

from __future__ import annotations

import naive
import numpy as np
import pytest
from service_cases import served_population

from sim.labour import draws
from sim.services.search import seeker_modifiers


@pytest.mark.parametrize("seed", range(4))
def test_seeker_modifiers_match_reference(seed):
    rng = np.random.default_rng(seed)
    pop = served_population(rng, 300)
    seekers = np.flatnonzero(rng.random(300) < 0.6)
    u = rng.random(300)
    quality = np.array([0.9, 1.1, 1.4, 0.7, 1.0])
    extra, lock, score = rng.random(8) * 6, rng.random(8) * 0.5, rng.random(8) * 0.4
    args = (pop["service"], pop["provider"], pop["effort"], seekers, u, quality, extra, lock,
            score, 4)
    apps, boost = seeker_modifiers(*args)
    want_apps, want_boost = naive.seeker_modifiers(*args)
    assert apps.tolist() == want_apps
    assert boost.tolist() == want_boost
    assert len(set(want_apps)) > 2
    # Seekers who do not search actively keep only what a service adds.
    searching = (rng.random(300) < 0.5).astype(np.uint8)
    apps, boost = seeker_modifiers(*args, searching)
    want_apps, want_boost = naive.seeker_modifiers(*args, searching)
    assert apps.tolist() == want_apps and boost.tolist() == want_boost
    idle = (searching[seekers] == 0) & (pop["service"][seekers] < 0)
    assert idle.any() and (apps[idle] == 0).all()


def test_a_seeker_who_does_not_search_sends_only_what_its_service_adds():
    service = np.array([-1, -1, 0, 0])
    provider = np.array([-1, -1, 0, 0])
    effort = np.ones(4)
    searching = np.array([1, 0, 1, 0], np.uint8)
    u = np.full(4, 0.5)
    # Service 0 adds 2 applications at strength 1 and loses none.
    apps, _ = seeker_modifiers(service, provider, effort, np.arange(4), u, np.ones(2),
                               np.array([2.0]), np.zeros(1), np.zeros(1), 4, searching)
    assert apps.tolist() == [4, 0, 6, 2]
    with pytest.raises(ValueError, match="searching must have one entry per person"):
        seeker_modifiers(service, provider, effort, np.arange(4), u, np.ones(2),
                         np.array([2.0]), np.zeros(1), np.zeros(1), 4, searching[:2])


def test_seeker_modifiers_check_their_inputs():
    rng = np.random.default_rng(0)
    pop = served_population(rng, 50)
    quality = np.ones(5)
    common = (quality, np.ones(8), np.zeros(8), np.zeros(8), 4)
    with pytest.raises(ValueError, match="one entry per person"):
        seeker_modifiers(pop["service"], pop["provider"], pop["effort"], np.arange(5),
                         np.zeros(49), *common)
    with pytest.raises(ValueError, match="indices of persons"):
        seeker_modifiers(pop["service"], pop["provider"], pop["effort"],
                         np.array([3, 50]), np.zeros(50), *common)


def test_a_seekers_rounding_uniform_is_its_own_number_of_the_stream():
    rng = np.random.default_rng(1)
    pop = served_population(rng, 200)
    args = (np.ones(5), np.full(8, 1.5), np.full(8, 0.3), np.zeros(8), 4)
    seekers = np.array([150, 3, 77, 120, 9])  # in any order
    assert (pop["service"][seekers] >= 0).sum() >= 2
    keyed, _ = seeker_modifiers(pop["service"], pop["provider"], pop["effort"], seekers, 11,
                                *args)
    given, _ = seeker_modifiers(pop["service"], pop["provider"], pop["effort"], seekers,
                                draws.uniforms(11, 200), *args)
    assert keyed.tolist() == given.tolist()
    alone, _ = seeker_modifiers(pop["service"], pop["provider"], pop["effort"], seekers[:1],
                                11, *args)
    assert alone[0] == keyed[0]  # the others' presence changes nothing
