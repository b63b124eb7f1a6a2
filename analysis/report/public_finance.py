"""Public finance (julkinen talous): the money tables of a run as sums of its payments.

``public_finance.parquet`` holds every payment of every month: payer, payee, item, whether
the growth-services budget pays it, euros (:data:`sim.organising.ledger.FINANCE_COLUMNS`).
The organisers' and providers' money columns are its sums (:func:`organiser_columns`,
:func:`provider_columns`), and so is each party's net (:func:`net_by_party`): what it
received less what it paid. Every payment has a payer and a payee, so the nets of all
parties sum to zero each month.
"""

from __future__ import annotations

import pandas as pd

from sim.organising.ledger import ITEM_COLUMNS, RECEIVED_COLUMNS

PROVIDER_ITEMS = {"service": "revenue_eur", "outcome_payment": "revenue_eur",
                  "gain_pain": "gain_pain_eur", "kra_bonus": "kra_bonus_eur"}
"""The providers.parquet column each item a provider receives adds up in."""


def _sides(finance: pd.DataFrame) -> pd.DataFrame:
    """Each payment twice: as paid (``euros`` < 0) by its payer and received by its payee."""
    paid = finance.assign(party=finance["payer"], euros=-finance["euros"])
    received = finance.assign(party=finance["payee"])
    return pd.concat([paid, received], ignore_index=True)


def net_by_party(finance: pd.DataFrame) -> pd.DataFrame:
    """Per month and party, what it received less what it paid (EUR).

    Returns:
        Columns month, party, net_eur.
    """
    sides = _sides(finance)
    return (sides.groupby(["month", "party"], sort=True)["euros"].sum()
            .rename("net_eur").reset_index())


def organiser_columns(finance: pd.DataFrame, organisers: list[str]) -> pd.DataFrame:
    """The money columns of organisers.parquet from the payments.

    Each item adds, as paid less received, into its column (:data:`ITEM_COLUMNS`); tax
    revenue and the state's compensation as received. ``net_eur`` is everything received
    less everything paid;
    ``budget_outlays_eur`` the budget's items paid less received.

    Args:
        finance: the public finance table of a run.
        organisers: the organisers' names (parties that are organisers).

    Returns:
        Indexed by (month, organiser); one column per money column of organisers.parquet
        except the budget (0 where an organiser paid nothing).
    """
    sides = _sides(finance)
    sides = sides[sides["party"].isin(organisers)]
    sides = sides.assign(column=sides["item"].map(ITEM_COLUMNS),
                         outlay=-sides["euros"])
    index = ["month", "party"]
    columns = sides.pivot_table(index=index, columns="column", values="outlay",
                                aggfunc="sum", fill_value=0.0)
    for name in sorted(set(ITEM_COLUMNS.values())):
        if name not in columns:
            columns[name] = 0.0
    for name in RECEIVED_COLUMNS:
        columns[name] = -columns[name]
    columns["net_eur"] = sides.groupby(index)["euros"].sum()
    budget = sides[sides["budget_line"]]
    columns["budget_outlays_eur"] = budget.groupby(index)["outlay"].sum()
    columns = columns.fillna(0.0)
    columns.index = columns.index.set_names(["month", "organiser"])
    columns.columns.name = None
    return columns


def provider_columns(finance: pd.DataFrame) -> pd.DataFrame:
    """The money columns of providers.parquet that payments make, from the payments.

    Returns:
        Indexed by (month, provider): revenue_eur (services and outcome payments
        received), gain_pain_eur (gain received less pain paid back), kra_bonus_eur.
    """
    rows = finance[finance["item"].isin(PROVIDER_ITEMS)]
    received = rows.assign(party=rows["payee"], value=rows["euros"])
    paid = rows.assign(party=rows["payer"], value=-rows["euros"])  # pain paid back
    sides = pd.concat([received, paid], ignore_index=True)
    sides = sides.assign(column=sides["item"].map(PROVIDER_ITEMS))
    columns = sides.pivot_table(index=["month", "party"], columns="column", values="value",
                                aggfunc="sum", fill_value=0.0)
    columns.index = columns.index.set_names(["month", "provider"])
    columns.columns.name = None
    return columns
