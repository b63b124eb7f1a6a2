"""Key result areas: values over an alliance's areas, levels set in development, scores.

The observations are those of ``organising_cases``: labour force 100, 50, 50 and employed
80, 40, 45 in A, B and C; long-term unemployed 3, 2, 1; jobs 70, 30, 20; referrals sent
(lost) 10 (2), 5 (0) and 0; hires of the hard to help 4, 1, 0. Value added per euro is
read from an outcome record filled by hand.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from organising_cases import COACHING, alliance, observed

from sim.organising.kra import composite, kra_levels, kra_score
from sim.scenario import FIRM_SERVICES, SERVICES
from sim.scenario.organising import KRA
from sim.services.learning import OutcomeRecord

A_AND_B = np.array([True, True, False])


def test_values_sum_over_the_areas_asked():
    values = observed().values(A_AND_B, np.array([10.0, 5_000.0, 400.0]), 4_000.0)
    assert values == pytest.approx({
        "employment_rate": 120 / 150,
        "long_term_unemployed": 5.0,
        "firm_employment": 100.0,
        "hard_to_help_placements": 5.0,
        "referrals_completed": 1 - 2 / 15,
        # 5,000 EUR spent against a target of 400 EUR × 10 client-months.
        "cost_vs_target": 5_000 / 4_000,
    })


def test_values_without_a_target_or_referrals_are_neutral():
    only_c = np.array([False, False, True])
    values = observed().values(only_c, np.array([10.0, 5_000.0, 0.0]), np.nan)
    assert values["referrals_completed"] == 1.0  # none sent: none lost
    assert values["cost_vs_target"] == 1.0  # no target set yet
    assert values["employment_rate"] == pytest.approx(0.9)


def test_values_of_an_area_without_labour_force_do_not_divide_by_zero():
    empty = observed(labour_force=(100.0, 50.0, 0.0), employed=(80.0, 40.0, 0.0))
    assert empty.values(np.array([False, False, True]), np.zeros(3), 1.0)[
        "employment_rate"] == 0.0


def test_score_is_linear_between_the_levels_and_clipped():
    assert kra_score(5.0, 4.0, 6.0) == 0.5
    assert kra_score(3.0, 4.0, 6.0) == 0.0
    assert kra_score(9.0, 4.0, 6.0) == 1.0
    # Lower is better when the exceptional level is below the minimum.
    assert kra_score(95.0, 100.0, 90.0) == 0.5
    assert kra_score(101.0, 100.0, 90.0) == 0.0


def test_score_of_equal_levels_is_a_step():
    assert kra_score(1.0, 1.0, 1.0) == 1.0
    assert kra_score(0.99, 1.0, 1.0) == 0.0


def test_levels_from_the_development_value():
    assert kra_levels("employment_rate", 0.8, 0.1) == (0.8, pytest.approx(0.88))
    assert kra_levels("hard_to_help_placements", 20.0, 0.5) == (20.0, 30.0)
    # Fewer long-term unemployed is better.
    assert kra_levels("long_term_unemployed", 100.0, 0.1) == (100.0, pytest.approx(90.0))
    # Cost against target: at the target is the minimum, whatever was measured.
    assert kra_levels("cost_vs_target", 1.7, 0.03) == (1.0, 0.97)


def test_composite_is_the_weighted_mean_score():
    kras = [KRA(name="employment_rate", weight=3.0), KRA(name="firm_employment", weight=1.0)]
    levels = {"employment_rate": (0.8, 0.9), "firm_employment": (100.0, 110.0)}
    values = {"employment_rate": 0.85, "firm_employment": 120.0}
    # (3 × 0.5 + 1 × 1) / 4.
    assert composite(kras, values, levels) == pytest.approx(0.625)


def test_a_firm_services_value_per_euro_is_its_client_firms_jobs_above_controls(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, providers=["Coach Oy"])  # and the region's own unit
    record = OutcomeRecord(np.linspace(0.0, 1.0, 50), len(provs), 0.6, 20.0, 24.0)
    column = FIRM_SERVICES.index("business_advisory")
    # Coach Oy's and the region's unit's client firms: 20 jobs more in 40 follow-ups;
    # Other Oy's are not the alliance's. The service's controls: 0.5 fewer a follow-up.
    record.firm_seen[[0, 2, 1], column] = 30.0, 10.0, 50.0
    record.firm_change[[0, 2, 1], column] = 24.0, -4.0, 500.0
    record.control_seen[column], record.control_change[column] = 200.0, -100.0
    record.seen[0, COACHING, 0], record.jobs[0, COACHING, 0] = 40.0, 10.0  # no baseline
    cost = np.full(len(SERVICES), 1_000.0)
    advisory = SERVICES.index("business_advisory")
    cost[advisory] = 3_000.0
    obs = replace(observed(), record=record, start_cost=cost,
                  windows=np.full(len(SERVICES), 9.0))
    per_euro, seen = obs.value_per_euro(a)
    assert (per_euro[advisory], seen[advisory]) == pytest.approx((1.0 / 3_000.0, 40.0))
    assert (per_euro[COACHING], seen[COACHING]) == pytest.approx((0.25 / 1_000.0, 40.0))
    growth_funding = SERVICES.index("growth_funding")
    assert (per_euro[growth_funding], seen[growth_funding]) == (0.0, 0.0)  # none seen
