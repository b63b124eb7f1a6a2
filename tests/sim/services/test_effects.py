"""Service effects measured in the simulation itself, by a randomised trial in a run, against
the pattern of Card, Kluve & Weber (2018): small short-run gains, larger long-run gains for
training, job-search assistance best in the short run."""

from types import SimpleNamespace

import numpy as np
import pytest

from sim import load_scenario, run
from sim.scenario import SERVICES
from sim.services.providers import rank_providers

# A mid-sized version of the tiny region (about 45,000 persons), no other services, so that
# each arm of a trial has a few thousand persons (standard error of a difference ≈ 1.3 pp).
TRIAL = [
    "municipalities.Keskikylä.population=60000",
    "municipalities.Rantala.population=30000",
    "organisers.region_budget_eur_per_resident=0.0",
    "organisers.municipal_budget_eur_per_resident=0.0",
    "simulation.burn_in_months=36",
]
SHORT, LONG = 6, 30


@pytest.fixture(scope="module")
def effects():
    """Employment effect (treated − control, percentage points) by service and month."""
    out = {}
    for service in ("coaching", "training", "wage_subsidy", "rehabilitation"):
        sc = load_scenario("tiny", [*TRIAL, f'experiment.service="{service}"'])
        table = run(sc, seed=1, months=LONG).experiment
        wide = table.pivot(index="month", columns="group", values="employed_share")
        persons = table.pivot(index="month", columns="group", values="persons")
        assert (table[table["month"] == 0]["persons"] > 300).all()
        effect = 100 * (wide["treated"] - wide["control"])
        # Standard error of the long-run difference, from the two binomial variances (pp).
        p, n = wide.loc[LONG], persons.loc[LONG]
        effect.attrs["se_long"] = 100 * float(np.sqrt((p * (1 - p) / n).sum()))
        out[service] = effect
    return out


def test_groups_start_equal(effects):
    for effect in effects.values():
        assert effect.loc[0] == pytest.approx(0.0)


def test_job_search_assistance_is_best_in_the_short_run(effects):
    assert effects["coaching"].loc[SHORT] > 2.0
    assert effects["coaching"].loc[SHORT] > effects["training"].loc[SHORT] + 3.0


def test_training_locks_in_then_pays_off(effects):
    """Below zero while in training, then a long-run gain clearly above noise."""
    training = effects["training"]
    assert training.loc[SHORT] < 1.0
    assert training.loc[LONG] > 2.0 * training.attrs["se_long"]
    assert training.loc[LONG] > training.loc[SHORT] + 4.0


def test_average_gain_is_larger_in_the_long_run(effects):
    short = sum(e.loc[SHORT] for e in effects.values()) / len(effects)
    long = sum(e.loc[LONG] for e in effects.values()) / len(effects)
    assert 0.0 < short < long < 15.0


def test_provider_ranking_is_quality_per_euro_then_index():
    rng = np.random.default_rng(3)
    providers = [SimpleNamespace(index=k, active=bool(rng.random() < 0.8),
                                 offers=rng.random(len(SERVICES)) < 0.6,
                                 quality=float(rng.choice([0.8, 1.0, 1.2])),
                                 price_factor=float(rng.choice([1.0, 1.25])))
                 for k in range(40)]
    ranked = rank_providers(providers)
    for s, got in enumerate(ranked):
        want = sorted((p for p in providers if p.active and p.offers[s]),
                      key=lambda p: (-p.quality / p.price_factor, p.index))
        assert [p.index for p in got] == [p.index for p in want]
    assert sum(len(r) for r in ranked) > 40  # ties by index occur among 40 providers
