import numpy as np

from sim import run
from sim.collect import METRICS
from sim.kernels import EMPLOYED
from sim.model import GrowthServicesModel


def test_run_returns_every_metric_for_every_area(tiny):
    result = run(tiny, seed=3, months=4)
    frame = result.timeseries
    assert list(frame.columns) == ["month", "area", *METRICS]
    assert sorted(frame["month"].unique()) == [0, 1, 2, 3, 4]
    assert set(frame["area"]) == {m.name for m in tiny.municipalities} | {"ALL"}


def test_persons_conserved_and_firm_employment_matches(tiny):
    model = GrowthServicesModel(tiny, seed=5)
    n = model.persons.size
    for _ in range(6):
        model.step()
        p, f = model.persons, model.firms
        employed = p.status == EMPLOYED
        assert employed.sum() + (~employed).sum() == n
        counted = np.bincount(p.employer[employed], minlength=f.capacity)
        np.testing.assert_array_equal(counted, f.employment)
        assert (f.employment >= 0).all() and (f.vacancies >= 0).all()
        assert not f.employment[~f.alive].any()
