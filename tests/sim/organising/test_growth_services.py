"""The coordinator of the growth services on a small model: the tables it gives, the
service columns of the time series, which alliances act, new firms' service state, and
the quarter's end (the alliance's rows; counts that start afresh).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import GrowthServicesModel
from sim.labour.population import UNEMPLOYED
from sim.organising.alliance import ALLIANCE_COLUMNS
from sim.organising.ledger import ORGANISER_COLUMNS, PROVIDER_COLUMNS
from sim.services.outcomes import QUINTILE_COLUMNS
from sim.services.trial import TRIAL_COLUMNS

SHORT = {"simulation.burn_in_months": 1}


def model_at(scenario: str, month: int, **overrides) -> GrowthServicesModel:
    """A model of ``scenario`` stepped to ``month`` (a one-month burn-in, seed 3)."""
    model = GrowthServicesModel(scenario, seed=3, months=month + 3,
                                overrides={**SHORT, **overrides})
    for _ in range(month):
        model.step()
    return model


def test_tables_of_the_service_side():
    sv = model_at("tiny-alliance", 3).services
    tables = sv.tables()
    assert list(tables) == ["organisers", "providers", "alliance", "quintiles", "experiment",
                            "public_finance"]
    assert tables["organisers"].columns.tolist() == ["month", "organiser", "kind", "alliance",
                                                     *ORGANISER_COLUMNS]
    assert tables["providers"].columns.tolist() == ["month", "provider", "kind",
                                                    *PROVIDER_COLUMNS]
    assert tables["alliance"].columns.tolist() == list(ALLIANCE_COLUMNS)
    assert tables["quintiles"].columns.tolist() == list(QUINTILE_COLUMNS)
    assert tables["experiment"].columns.tolist() == list(TRIAL_COLUMNS)
    # Four organisers and four own units a month, months 0 to 3; one quarter end (month 3).
    assert len(tables["organisers"]) == len(tables["providers"]) == 16
    assert tables["alliance"]["month"].tolist() == [3]
    assert tables["experiment"].empty


def test_area_columns_append_the_region():
    model = model_at("tiny", 2)
    columns = model.services.area_columns(
        model.labour.stock_columns(model.services.state.service >= 0))
    assert set(columns) == {"service_spend_eur", "clients_in_services",
                            "municipal_benefit_cost_eur", "caseload"}
    caseload = columns.pop("caseload")
    for name, values in columns.items():
        assert values.shape == (4,) and values[-1] == pytest.approx(values[:-1].sum()), name
    assert columns["clients_in_services"][-1] > 0
    # The region's caseworkers are one pool: every area has the region's caseload.
    assert caseload.shape == (4,) and (caseload == caseload[-1]).all() and caseload[-1] > 0


def test_caseworkers_are_fixed_at_month_0_from_the_unemployed():
    model = model_at("tiny", 0, **{"organisers.caseworkers": "municipalities"})
    sv, p = model.services, model.persons
    unemployed = np.bincount(p.home[p.status == UNEMPLOYED], minlength=sv.orgs.n_munis)
    assert sv.caseworkers.base.tolist() == unemployed.tolist()
    assert sv.caseworkers.staff == pytest.approx(unemployed / 136.0)
    ts = model.collector.to_frame()
    assert ts["caseload"].tolist() == [136.0] * 4  # month 0: three areas and the region
    model.step()
    now = sv.unemployed_by_home()
    assert sv.caseworkers.caseload(sv.alliances, now, 1)[:-1] == pytest.approx(
        136.0 * now / unemployed)
    assert model.collector.to_frame()["caseload"].iloc[4:8].tolist() == pytest.approx(
        [*(136.0 * now / unemployed), 136.0 * now.sum() / unemployed.sum()])


def test_only_implemented_alliances_act():
    model = model_at("tiny-alliance", 1)
    sv = model.services
    assert sv.active_alliances(6) == []  # development ends in month 6
    assert sv.active_alliances(7) == sv.alliances
    sv.alliances[0].members.clear()
    assert sv.active_alliances(7) == []


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_new_firms_start_without_services(share):
    sv = model_at("tiny", 1, **{"separate.municipal_vacancy_share": share}).services
    st = sv.state
    slots = np.array([0, 2])
    st.firm_left[slots] = 3
    st.firm_provider[slots] = st.firm_payer[slots] = st.firm_outcome_provider[slots] = 1
    st.firm_outcome_until[slots], st.firm_start_employment[slots] = 9, 4
    record = sv.market.record
    seen = record.firm_seen[1].sum()
    sv.firms_born(slots, np.random.default_rng(0))
    assert not st.firm_left[slots].any()
    assert (st.firm_provider[slots] == -1).all() and (st.firm_payer[slots] == -1).all()
    # The dead firms' client follow-ups end there (employing none); the new firms have none.
    assert record.firm_seen[1].sum() == seen + 6
    assert (st.firm_outcome_provider[slots] == -1).all()
    assert (st.firm_outcome_until[slots] == -1).all() and not st.firm_start_employment[slots].any()
    assert st.firm_class[slots].tolist() == [int(share)] * 2  # known to the municipality only


def test_each_month_keeps_its_firms_employment_for_the_next_starts():
    model = model_at("tiny", 2)
    f, st = model.firms, model.services.state
    assert st.firm_last_employment.tolist() == np.where(f.alive, f.employment, -1).tolist()


def test_a_quarters_end_records_the_alliance_and_starts_counts_afresh():
    model = model_at("tiny-alliance", 5)  # development; its last quarter ends in month 6
    sv = model.services
    sv.referrals.counts[:] = 1.0
    sv.outcomes.hard_to_help_hires[:] = 1.0
    sv.ledger.open_book_cost[0] = 5.0
    rows_before = len(sv.alliance_rows.rows)
    sv.govern(6)
    assert len(sv.alliance_rows.rows) == rows_before + 1
    assert sv.alliance_rows.rows[-1][:3] == (6, "Tiny alliance", "development")
    assert sv.alliances[0].levels is not None  # development ended: levels set
    assert not sv.referrals.counts.any() and not sv.outcomes.hard_to_help_hires.any()
    assert sv.ledger.open_book_cost == {} and not sv.alliances[0].acc.any()


def test_a_month_inside_the_quarter_keeps_the_counts():
    model = model_at("tiny-alliance", 4)
    sv = model.services
    sv.referrals.counts[:] = 1.0
    rows_before = len(sv.alliance_rows.rows)
    sv.govern(5)
    assert sv.referrals.counts.all() and len(sv.alliance_rows.rows) == rows_before


def test_caseload_from_the_months_stocks_equals_a_count_of_the_persons():
    model = model_at("tiny-alliance", 14)
    stocks = model.labour.stock_columns(model.services.state.service >= 0)
    jobseekers = model.services.unemployed_by_home()
    counted = model.services.caseworkers.caseload(model.services.alliances, jobseekers,
                                                  model.month)
    from_stocks = model.services.area_columns(stocks)
    np.testing.assert_array_equal(from_stocks["caseload"], counted)
    assert jobseekers.sum() > 0
    np.testing.assert_array_equal(
        (stocks["unemployed"] + stocks["in_services"])[:-1], jobseekers)
