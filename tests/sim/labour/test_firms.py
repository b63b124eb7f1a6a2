"""Firms' month (sim.labour.firms): deaths, layoffs due and vacancies, against numpy rules.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.labour import firms, flows


# ------------------------------------------------------- firm-level glue kernels
def firm_case(seed, n=500):
    """Random firm slots: some dead, sizes 0..40 with a heavy tail, demands around them."""
    rng = np.random.default_rng(seed)
    employment = np.minimum(rng.zipf(1.6, n) - 1, 400).astype(np.int64)
    demand = np.maximum(employment + rng.normal(0.0, 3.0, n), 0.0)
    demand[:5] = [0.5, 1.5, 2.5, 2.4999999, 0.0]  # rint's ties go to even
    return {
        "employment": employment,
        "demand": demand,
        "alive": rng.random(n) < 0.8,
        "muni": rng.integers(0, 7, n),
        "vacancies": rng.integers(0, 5, n),
        "survival": rng.uniform(0.5, 1.0, n),
        "u": rng.random(n),
    }


@pytest.mark.parametrize("seed", range(5))
def test_firm_deaths_equal_the_numpy_rule(seed):
    c = firm_case(seed)
    rate, exponent = 0.01 * (seed + 1), -0.3 + 0.1 * seed
    # Reference: the per-firm numpy expressions the kernel replaces.
    p = rate * np.maximum(c["employment"], 1) ** exponent
    p *= c["survival"]
    want_dead = c["alive"] & (c["u"] < p)
    want_alive = c["alive"] & ~want_dead
    want_vac = np.where(want_dead, 0, c["vacancies"])
    want_by_area = np.bincount(c["muni"][want_dead], minlength=7)

    table = firms.size_power_table(int(c["employment"].max()) + 3, exponent)
    dead = np.empty(c["alive"].shape[0], dtype=bool)
    by_area = np.zeros(7, dtype=np.int64)
    n = firms.firm_deaths(c["u"], c["employment"], table, rate, c["survival"], c["alive"],
                            c["vacancies"], c["muni"], dead, by_area)
    assert n == want_dead.sum() > 0
    np.testing.assert_array_equal(dead, want_dead)
    np.testing.assert_array_equal(c["alive"], want_alive)
    np.testing.assert_array_equal(c["vacancies"], want_vac)
    np.testing.assert_array_equal(by_area, want_by_area)


def test_size_power_table_gives_the_bits_of_the_direct_power():
    sizes = np.random.default_rng(3).integers(0, 5000, 20_000)
    for exponent in (-0.5, -0.25, 0.3, 1.0):
        table = firms.size_power_table(5000, exponent)
        direct = np.maximum(sizes, 1) ** exponent
        assert np.array_equal(table[sizes].view(np.int64), direct.view(np.int64))


def test_firm_deaths_reject_a_short_size_table():
    c = firm_case(0)
    with pytest.raises(ValueError, match="size_power"):
        firms.firm_deaths(c["u"], c["employment"], np.ones(2), 0.1, c["survival"],
                            c["alive"], c["vacancies"], c["muni"],
                            np.empty(c["u"].shape[0], dtype=bool), np.zeros(7, np.int64))


@pytest.mark.parametrize("seed", range(5))
def test_layoff_need_and_vacancies_equal_the_numpy_rule(seed):
    c = firm_case(seed)
    dead = np.random.default_rng(seed + 50).random(c["alive"].shape[0]) < 0.05
    desired = np.rint(c["demand"]).astype(np.int64)
    want_need = np.where(c["alive"], np.maximum(c["employment"] - desired, 0), 0)
    want_uniforms = flows.layoff_uniforms_needed(want_need, c["employment"], dead)
    want_vac = np.where(c["alive"], np.maximum(desired - c["employment"], 0), 0)

    need = np.full(c["alive"].shape[0], -7, dtype=np.int64)
    got = firms.layoff_need(c["demand"], c["alive"], c["employment"], dead, need)
    np.testing.assert_array_equal(need, want_need)
    assert got == want_uniforms > 0
    vac = np.full(c["alive"].shape[0], -7, dtype=np.int64)
    firms.open_vacancies(c["demand"], c["alive"], c["employment"], vac)
    np.testing.assert_array_equal(vac, want_vac)
    assert vac[:5].tolist() == [max(int(r) - e, 0) if a else 0 for r, e, a in
                                zip([0, 2, 2, 2, 0], c["employment"][:5], c["alive"][:5],
                                    strict=True)]


@pytest.mark.parametrize("seed", range(4))
def test_free_slots_are_the_first_dead_empty_slots_in_order(seed):
    c = firm_case(seed)
    c["employment"][~c["alive"] & (np.arange(500) % 3 == 0)] = 0  # more free slots
    c["alive"][:203] = True  # a run of live firms (skipped eight at a time), a ragged end
    for size in (500, 499, 203):  # whole words of flags, and a tail
        alive, employment = c["alive"][:size], c["employment"][:size]
        want = np.flatnonzero(~alive & (employment == 0))
        assert want.size > 10 or size == 203
        for n in (0, 1, 7, want.size, want.size + 5):
            got = firms.free_slots(alive, employment, n)
            np.testing.assert_array_equal(got, want[:n])
            assert got.dtype == want.dtype
