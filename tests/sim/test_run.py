"""The boundary: sim.run and sim.simulate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from frame_checks import COUNTS, check_frame

from sim import GrowthServicesModel, run
from sim.collect import METRICS, REGION_AREA


def test_run_returns_every_metric_for_every_area(tiny):
    result = run(tiny, seed=3, months=4)
    frame = result.timeseries
    assert list(frame.columns) == ["month", "area", *METRICS]
    assert sorted(frame["month"].unique()) == [0, 1, 2, 3, 4]
    assert set(frame["area"]) == {m.name for m in tiny.municipalities} | {REGION_AREA}
    assert all(frame[c].dtype == np.int64 for c in COUNTS)
    assert result.seed == 3
    assert result.region().index.tolist() == [0, 1, 2, 3, 4]
    check_frame(frame)


def test_run_takes_the_scenario_seed_and_months_by_default(tiny):
    short = tiny.model_copy(
        update={"simulation": tiny.simulation.model_copy(update={"months": 2, "seed": 11})}
    )
    result = run(short)
    assert result.seed == 11
    assert result.region().index.tolist() == [0, 1, 2]
    pd.testing.assert_frame_equal(result.timeseries, run(short, seed=11, months=2).timeseries)


def test_run_loads_a_scenario_by_name():
    result = run("tiny", seed=2, months=0)
    assert result.scenario.name == "tiny"
    assert result.timeseries["month"].unique().tolist() == [0]


def test_run_rejects_negative_months(tiny):
    with pytest.raises(ValueError, match="months"):
        run(tiny, months=-1)


def test_on_month_is_called_after_each_month(tiny):
    seen = []
    run(tiny, seed=1, months=3, on_month=seen.append)
    assert seen == [1, 2, 3]


def test_same_seed_same_time_series(tiny):
    first = run(tiny, seed=42, months=6).timeseries
    second = run(tiny, seed=42, months=6).timeseries
    pd.testing.assert_frame_equal(first, second)


def test_different_seeds_differ(tiny):
    first = run(tiny, seed=42, months=6).timeseries
    second = run(tiny, seed=43, months=6).timeseries
    assert not first[COUNTS].equals(second[COUNTS])
    # Not only the start: the months after month 0 differ too.
    later = first["month"] > 0
    assert not first.loc[later, "hires"].equals(second.loc[later, "hires"])


def test_finished_runs_are_freed(tiny):
    """A long sweep must not keep every finished model alive (Mesa's agent-id counter)."""
    import gc

    def live():
        gc.collect()
        return {id(o) for o in gc.get_objects() if isinstance(o, GrowthServicesModel)}

    before = live()  # models other tests still hold
    for seed in (1, 2):
        run(tiny, seed=seed, months=1)
    assert not live() - before
