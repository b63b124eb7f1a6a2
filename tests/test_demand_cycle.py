"""The economy's demand cycle: a sine from month 0, off by default."""

import pytest

from sim import load_scenario
from sim.model import GrowthServicesModel


def test_demand_cycle_is_a_sine_from_month_zero_and_off_by_default(tiny):
    model = GrowthServicesModel(tiny, seed=1, months=1)
    assert model.demand_index() == 1.0
    cyc = load_scenario("tiny", ["simulation.burn_in_months=3", "economy.cycle_amplitude=0.05",
                                 "economy.cycle_period_months=12"])
    model = GrowthServicesModel(cyc, seed=1, months=1)
    values = []
    for month in (-2, 0, 3, 6, 9):
        model.month = month
        values.append(model.demand_index())
    assert values == pytest.approx([1.0, 1.0, 1.05, 1.0, 0.95])
