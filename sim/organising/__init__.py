"""Organising the growth services (järjestäminen): organisers, units, alliances, money.

The region and the municipalities organise (they decide and pay); providers produce. Each
month the organisers are grouped into purchasing units by the cooperation model in force,
the units buy services, pay for them under their contracts and keep their books, and each
quarter the alliances settle. Where to look:

- :mod:`.organisers`: the region and municipalities (Mesa agents), budgets and mixes;
- :mod:`.units`: purchasing units under separate action, host municipalities, alliances;
- :mod:`.purchasing`: which clients a unit's money reaches, which providers serve them;
- :mod:`.referrals`: referrals between organisers (loss and delay; the "one door");
- :mod:`.vacancies`: which vacancies each municipality's jobseekers see;
- :mod:`.alliance`: the alliance as a Mesa agent: phases, contract, quarter, exits;
- :mod:`.kra`: key result areas: values, levels and scores;
- :mod:`.payments`: providers paid per output, for outcomes or by open books; transfers;
- :mod:`.overheads`: procurement offices, the joint office, caseworker contacts and
  caseworker capacity (caseloads and their effect on job search);
- :mod:`.public_money`: benefits and taxes by home municipality (TE24 schedule);
- :mod:`.ledger`: the books, spend by area, the month's plan and the budget pace;
- :mod:`.growth_services`: the thin coordinator that calls them in the month's order.

Where each alliance lever acts: ``pooled_budget`` in :func:`.units.build_units` (one unit,
unanimity floors: :func:`.units.unanimity_shares`); ``shared_vacancies`` in
:class:`.vacancies.VacancyAccess`; ``unified_referrals`` in :func:`.units.build_units`
(no referral friction) and :class:`.referrals.ReferralDesk`; ``joint_office`` in
:mod:`.overheads` (its cost, and its pooled caseworkers: :func:`.overheads.caseworker_pools`,
:class:`.overheads.Caseworkers`); ``outcome_payment`` and
``gain_pain_share`` in :mod:`.payments`, :meth:`.alliance.AllianceAgent.settle` and
:func:`sim.services.providers.choose_effort` (each provider's effort and order of clients);
``joint_learning`` in :meth:`.alliance.AllianceAgent.data_pool` and
:meth:`sim.services.market.ProviderMarket.close_month` (with open books' cost cutting,
:func:`sim.services.market.cut_cost`); ``joint_decisions`` in :func:`.alliance.adjust_mix`.
"""

from .alliance import AllianceAgent
from .growth_services import GrowthServices
from .ledger import Ledger, MonthPlan
from .organisers import REGION_INDEX, REGION_NAME, Municipality, Organisers, Region
from .units import Unit, UnitRegistry

__all__ = ["REGION_INDEX", "REGION_NAME", "AllianceAgent", "GrowthServices", "Ledger",
           "MonthPlan", "Municipality", "Organisers", "Region", "Unit", "UnitRegistry"]
