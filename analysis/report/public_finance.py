"""Public finance (julkinen talous): the money tables of a run as sums of its payments.

``public_finance.parquet`` holds every payment of every month: payer, payee, item, whether
the growth-services budget pays it, euros (:data:`sim.organising.ledger.FINANCE_COLUMNS`).
The organisers' and providers' money columns are its sums (:func:`organiser_columns`,
:func:`provider_columns`), and so is each party's net (:func:`net_by_party`): what it
received less what it paid. Every payment has a payer and a payee, so the nets of all
parties sum to zero each month.

A comparison's payer table (:func:`party_nets`) gives each party's mean monthly net in A
and in B and the difference B − A paired by replication, with the providers summed into
one party and the public sector (the organisers and the state) as one more row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.organising.ledger import ITEM_COLUMNS, RECEIVED_COLUMNS

from ..experiments.paired import mean_ci

PROVIDER_ITEMS = {"service": "revenue_eur", "outcome_payment": "revenue_eur",
                  "gain_pain": "gain_pain_eur", "kra_bonus": "kra_bonus_eur"}
"""The providers.parquet column each item a provider receives adds up in."""


def _sides(finance: pd.DataFrame) -> pd.DataFrame:
    """Each payment twice: as paid (``euros`` < 0) by its payer and received by its payee."""
    paid = finance.assign(party=finance["payer"], euros=-finance["euros"])
    received = finance.assign(party=finance["payee"])
    return pd.concat([paid, received], ignore_index=True)


def net_by_party(finance: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Per month and party, what it received less what it paid (EUR).

    Args:
        finance: the public finance table of a run, or of replications stacked.
        by: leading columns kept apart, such as ``("rep",)`` for stacked replications.

    Returns:
        Columns ``by``, month, party, net_eur.
    """
    sides = _sides(finance)
    return (sides.groupby([*by, "month", "party"], sort=True)["euros"].sum()
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


FIXED_PARTIES = ("state", "persons", "firms", "administration")
"""The parties of the payments that are neither organisers nor providers."""
PROVIDERS = "providers"
"""The party of :func:`party_nets` that sums every provider."""
PUBLIC_SECTOR = "public_sector"
"""The row of :func:`party_nets` that sums the organisers and the state."""
PAYER_COLUMNS = ("party", "kind", "a_mean", "b_mean", "diff_mean", "diff_ci_low",
                 "diff_ci_high", "reps")
"""The columns of :func:`party_nets` (payers.csv)."""


def monthly_nets(finance: pd.DataFrame, organisers: Sequence[str]) -> pd.DataFrame:
    """Each party's mean monthly net over months ≥ 1, per replication.

    A party with no payment in a month has a net of 0 in it; every party that is neither
    an organiser nor one of :data:`FIXED_PARTIES` is a provider, and the providers are
    summed into :data:`PROVIDERS`.

    Args:
        finance: the stacked public finance table of a scenario's replications (with rep).
        organisers: the organisers' names.

    Returns:
        Indexed by rep (replications with a month ≥ 1), one column per party present.
    """
    nets = net_by_party(finance[finance["month"] >= 1], by=("rep",))
    known = set(organisers) | set(FIXED_PARTIES)
    party = nets["party"].where(nets["party"].isin(known), PROVIDERS)
    by_month = nets.assign(party=party).pivot_table(
        index=["rep", "month"], columns="party", values="net_eur", aggfunc="sum",
        fill_value=0.0)
    by_month.columns.name = None
    return by_month.groupby(level="rep").mean()


def party_nets(a: pd.DataFrame, b: pd.DataFrame, organisers: Sequence[str]) -> pd.DataFrame:
    """Each party's mean monthly net in A and in B, and B − A paired by replication.

    Parties: :data:`PUBLIC_SECTOR` (the organisers and the state together), the state,
    each organiser, :data:`PROVIDERS` (all providers), persons, firms and administration,
    in this order. A party absent from a scenario counts as 0 there. The rows other than
    the public sector sum to zero, as every payment has a payer and a payee.

    Args:
        a: A's stacked public finance table (leading columns scenario, rep, seed).
        b: B's, with the same seeds.
        organisers: the organisers' names, in both scenarios.

    Returns:
        The columns of :data:`PAYER_COLUMNS`: party, kind (``public_sector``, ``state``,
        ``organiser``, ``providers``, ``persons``, ``firms`` or ``administration``), the
        means over replications of A and B, the mean difference with its 95 % CI, and
        the replications paired.
    """
    organisers = list(dict.fromkeys(organisers))
    kinds = {"state": "state", **dict.fromkeys(organisers, "organiser"),
             PROVIDERS: PROVIDERS, **{p: p for p in FIXED_PARTIES if p != "state"}}
    va, vb = monthly_nets(a, organisers), monthly_nets(b, organisers)
    common = va.index.intersection(vb.index)
    va, vb = (v.reindex(index=common, columns=list(kinds), fill_value=0.0) for v in (va, vb))
    public = ["state", *organisers]
    va.insert(0, PUBLIC_SECTOR, va[public].sum(axis=1))
    vb.insert(0, PUBLIC_SECTOR, vb[public].sum(axis=1))
    kinds = {PUBLIC_SECTOR: PUBLIC_SECTOR, **kinds}
    rows = []
    for party, kind in kinds.items():
        xa, xb = va[party].to_numpy(float), vb[party].to_numpy(float)
        mean, low, high = mean_ci(xb - xa) if common.size else (np.nan,) * 3
        a_mean, b_mean = (float(x.mean()) if x.size else np.nan for x in (xa, xb))
        rows.append((party, kind, a_mean, b_mean, mean, low, high, int(common.size)))
    return pd.DataFrame(rows, columns=list(PAYER_COLUMNS))
