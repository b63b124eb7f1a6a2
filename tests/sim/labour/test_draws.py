"""Counter-based uniforms (sim.labour.draws): SplitMix64's published outputs, a slow
reference, and the properties the model relies on."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.labour import draws

MASK = (1 << 64) - 1


def splitmix64(key: int, i: int) -> int:
    """Slow reference: output i of SplitMix64 started from state ``key`` (Steele, Lea &
    Flood 2014): the state advanced i + 1 times by the golden gamma, then mixed."""
    z = (key + (i + 1) * 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def test_the_stream_of_key_zero_is_splitmix64s_published_sequence():
    # SplitMix64 from state 0: the first outputs as printed by the reference C code
    # (Vigna's splitmix64.c, the seeding generator of xoshiro).
    published = [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]
    assert [splitmix64(0, i) for i in range(3)] == published
    got = draws.uniforms(0, 3)
    np.testing.assert_array_equal(got, [(x >> 11) * 2.0**-53 for x in published])


@pytest.mark.parametrize("key", [0, 1, 12345, 2**63, MASK])
@pytest.mark.parametrize("start", [0, 7, 2**40])
def test_uniforms_equal_the_slow_reference(key, start):
    want = [(splitmix64(key, start + j) >> 11) * 2.0**-53 for j in range(50)]
    np.testing.assert_array_equal(draws.uniforms(key, 50, start=start), want)


def test_uniforms_are_uniform_and_neighbouring_keys_independent():
    """A million numbers: in [0, 1), mean and variance of the uniform, the KS test passes;
    the streams of keys 1 apart and of a key's numbers i and i + 1 are uncorrelated."""
    u = draws.uniforms(2024, 1_000_000)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.002 and abs(u.var() - 1.0 / 12.0) < 0.001
    assert stats.kstest(u, "uniform").pvalue > 0.001
    v = draws.uniforms(2025, 1_000_000)
    assert abs(np.corrcoef(u, v)[0, 1]) < 0.005
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.005


def test_keys_come_from_the_generator():
    a = [draws.new_key(np.random.default_rng(5)) for _ in range(2)]
    assert a[0] == a[1] and a[0].dtype == np.uint64
    assert draws.new_key(np.random.default_rng(6)) != a[0]


def test_uniforms_reject_negative_sizes():
    with pytest.raises(ValueError, match="non-negative"):
        draws.uniforms(1, -1)
    assert draws.uniforms(1, 0).shape == (0,)


def test_a_kernels_uniforms_are_an_array_of_one_per_person_or_a_key():
    u = np.linspace(0.0, 0.9, 4)
    got, key = draws.uniforms_or_key(u, 4)
    assert got is u and key == 0
    got, key = draws.uniforms_or_key(np.uint64(77), 4)
    assert got.size == 0 and key == 77 and key.dtype == np.uint64
    assert draws.uniforms_or_key(77, 4)[1] == 77
    with pytest.raises(ValueError, match=r"one entry per person \(5\)"):
        draws.uniforms_or_key(u, 5)


def slow_sample_groups(key, items, starts, ends, take):
    """Reference: a whole shuffle of each group's copy, as the textbook writes it, stopped."""
    out, k = [], 0
    for s, e, t in zip(starts, ends, take, strict=True):
        group = list(items[s:e])
        for j in range(t):
            u = draws.uniforms(key, 1, start=k)[0]
            r = j + int(u * (len(group) - j))
            group[j], group[r] = group[r], group[j]
            out.append(group[j])
            k += 1
    return np.array(out, dtype=items.dtype)


@pytest.mark.parametrize("key", [0, 7, 2**63 + 5])
def test_sample_groups_equals_the_slow_reference(key):
    items = np.arange(100, 160, dtype=np.int64)
    starts, ends, take = [0, 10, 10, 40], [10, 10, 40, 60], [3, 0, 30, 5]
    got = draws.sample_groups(key, items, starts, ends, take)
    np.testing.assert_array_equal(got, slow_sample_groups(key, items, starts, ends, take))
    for s, e, lo, hi in zip(starts, ends, np.cumsum([0, *take[:-1]]), np.cumsum(take),
                            strict=True):
        drawn = got[lo:hi]
        assert np.unique(drawn).size == drawn.size  # without replacement
        assert np.isin(drawn, items[s:e]).all()  # from its own group


def test_samples_are_uniform_over_items_and_positions():
    items = np.arange(8)
    counts = np.zeros((3, 8))
    for key in range(4000):
        drawn = draws.sample(key, items, 3)
        counts[np.arange(3), drawn] += 1
    # Each of 3 positions holds each item with chance 1/8: 4000 / 8 = 500 expected.
    for row in counts:
        assert stats.chisquare(row).pvalue > 1e-3
    assert draws.sample(1, items, 8).tolist() != items.tolist()  # a whole draw is shuffled
    assert sorted(draws.sample(1, items, 8).tolist()) == items.tolist()


def test_sample_groups_reject_a_take_beyond_the_group():
    with pytest.raises(ValueError, match="at most its size"):
        draws.sample_groups(1, np.arange(5), [0], [3], [4])
    with pytest.raises(ValueError, match="slice of items"):
        draws.sample_groups(1, np.arange(5), [0], [6], [1])
    with pytest.raises(ValueError, match="one length"):
        draws.sample_groups(1, np.arange(5), [0, 1], [3], [1])
