"""The public finance table: payments booked with both parties, and, in runs of the
built-in scenarios, every money column of the organisers' and providers' tables equal to
the payments' sums to the cent, month by month."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from builtin_runs import REGIONAL, long_run

from analysis.report.public_finance import net_by_party, organiser_columns, provider_columns
from sim.organising.ledger import (
    BUDGET_ITEMS,
    FINANCE_COLUMNS,
    ITEM_COLUMNS,
    ORGANISER_COLUMNS,
    Flows,
    OrganiserBooks,
)

CENT = 0.005


def test_a_negative_payment_is_booked_the_other_way_and_zero_not_at_all():
    flows = Flows()
    flows.add("A", "Coach Oy", "gain_pain", 100.0)
    flows.add("A", "Coach Oy", "gain_pain", -30.0)  # pain paid back
    flows.add("A", "Coach Oy", "service", 0.0)
    flows.add("A", "Coach Oy", "gain_pain", 20.0)
    assert flows.rows(4) == [(4, "A", "Coach Oy", "gain_pain", True, 120.0),
                             (4, "Coach Oy", "A", "gain_pain", True, 30.0)]


def test_books_with_an_item_are_payments_from_each_organiser():
    books = OrganiserBooks(3, ["region", "A", "B"])
    books.add("overhead_eur", [1, 2], np.array([3.0, 1.0]), 100.0, "administration", "overhead")
    books.add("overhead_eur", [0], np.ones(1), 10.0)  # no item: the books alone
    assert books.values["overhead_eur"].tolist() == [10.0, 75.0, 25.0]
    assert books.flows.rows(1) == [(1, "A", "administration", "overhead", True, 75.0),
                                   (1, "B", "administration", "overhead", True, 25.0)]
    books.reset()
    assert books.flows.rows(2) == []


def test_every_item_has_its_column_and_the_budget_pays_only_budget_items():
    assert set(BUDGET_ITEMS) <= set(ITEM_COLUMNS)
    assert set(ITEM_COLUMNS.values()) <= set(ORGANISER_COLUMNS)
    assert "unemployment_benefit" not in BUDGET_ITEMS  # paid from other appropriations


@pytest.mark.parametrize("name", REGIONAL)
def test_money_tables_are_the_sums_of_the_payments(name):
    results = long_run(name)
    finance = results.public_finance
    assert finance.columns.tolist() == list(FINANCE_COLUMNS)
    assert (finance["euros"] > 0).all()
    assert not finance.duplicated(["month", "payer", "payee", "item"]).any()
    assert (finance["budget_line"] == finance["item"].isin(BUDGET_ITEMS)).all()
    # Organisers: every money column, every month, to the cent.
    o = results.organisers.set_index(["month", "organiser"])
    sums = organiser_columns(finance, o.index.get_level_values(1).unique().tolist())
    sums = sums.reindex(o.index, fill_value=0.0)
    for column in ORGANISER_COLUMNS:
        if column != "budget_eur":
            np.testing.assert_allclose(sums[column], o[column], rtol=0, atol=CENT,
                                       err_msg=column)
    # Providers: what they were paid, the gain/pain and bonus they got.
    p = results.providers.set_index(["month", "provider"])
    got = provider_columns(finance).reindex(p.index, fill_value=0.0)
    for column in ("revenue_eur", "gain_pain_eur", "kra_bonus_eur"):
        if column in got:
            np.testing.assert_allclose(got[column], p[column], rtol=0, atol=CENT,
                                       err_msg=column)
        else:
            assert (p[column].abs() < CENT).all(), column
    # Money only changes hands: the parties' nets sum to zero each month.
    total = net_by_party(finance).groupby("month")["net_eur"].sum()
    assert (total.abs() < CENT).all()
    assert set(finance["month"]) == set(results.organisers["month"])


def test_public_finance_of_a_run_names_its_parties():
    finance = long_run("pirkanmaa-alliance").public_finance
    parties = set(finance["payer"]) | set(finance["payee"])
    assert {"state", "persons", "firms", "administration", "region", "Tampere"} <= parties
    items = set(finance["item"])
    assert {"service", "wage_subsidy", "start_up_grant", "overhead", "caseworker_contacts",
            "unemployment_benefit", "income_tax", "gain_pain", "kra_bonus"} <= items
    assert isinstance(finance, pd.DataFrame)


def test_employment_areas_pay_their_residents_caseworkers_under_te24():
    """Under TE24 each municipality pays the contacts of its unemployed residents."""
    results = long_run("pirkanmaa-te24-separate")
    scenario, finance = results.scenario, results.public_finance
    org = scenario.organisers
    contacts = finance[finance["item"] == "caseworker_contacts"]
    assert set(contacts["payee"]) == {"administration"}
    assert "region" not in set(contacts["payer"])
    per_month = contacts.groupby("month")["euros"].sum()
    unemployed = results.region().loc[per_month.index, "unemployed"]
    # The statistics' unemployed leave out persons in services, who are seen too.
    seen = unemployed + results.region().loc[per_month.index, "in_services"]
    cost = org.min_contacts_per_month * org.caseworker_cost_eur_per_contact
    assert ((per_month >= unemployed * cost - CENT) & (per_month <= seen * cost + CENT)).all()
    default = long_run("pirkanmaa-separate").public_finance
    assert set(default.loc[default["item"] == "caseworker_contacts", "payer"]) == {"region"}


def test_the_state_pays_each_municipality_its_fixed_compensation_under_te24():
    """147 EUR a resident a year, a twelfth each month, to every municipality; none before."""
    results = long_run("pirkanmaa-te24-separate")
    finance = results.public_finance
    paid = finance[finance["item"] == "state_compensation"]
    assert set(paid["payer"]) == {"state"} and not paid["budget_line"].any()
    population = {m.name: m.population for m in results.scenario.municipalities}
    expected = pd.Series({n: 147.0 / 12 * p for n, p in population.items()})
    for _, month in paid.groupby("month"):
        got = month.set_index("payee")["euros"].sort_index()
        np.testing.assert_allclose(got, expected.loc[got.index], atol=CENT)
        assert len(got) == len(population)
    o = results.organisers
    assert (o.loc[o["organiser"] == "region", "state_compensation_eur"] == 0).all()
    default = long_run("pirkanmaa-separate").public_finance
    assert "state_compensation" not in set(default["item"])


def test_a_host_is_not_among_its_members():
    from sim import ScenarioError, load_scenario

    with pytest.raises(ScenarioError, match="leave out the host 'Keskikylä'"):
        load_scenario("tiny", ['host_arrangements=[{host = "Keskikylä", '
                               'members = ["Keskikylä", "Rantala"]}]'])
    with pytest.raises(ScenarioError, match="listed more than once"):
        load_scenario("tiny", ['host_arrangements=[{host = "Keskikylä", '
                               'members = ["Rantala", "Rantala"]}]'])
