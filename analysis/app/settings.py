"""The dashboard's settings: what the widgets say, and the two scenarios they make.

:class:`Settings` holds what the dashboard's widgets say; :func:`defaults_for` fills it in
from a built-in scenario, :func:`widget_overrides` turns it into overrides (key path →
value, checked by the scenario schema as ``--set`` is) and :func:`build_scenarios` into
the two scenarios to compare.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, Literal

import scenarios as builtin
from sim import Scenario, ScenarioError, load_scenario
from sim.scenario import LEVERS

DEFAULT_SCENARIO = "pirkanmaa-alliance"
"""The case the dashboard opens with: Pirkanmaa, full alliance (quick mode keeps it fast)."""
QUICK_BURN_IN_MONTHS = 12
"""Burn-in in quick mode (the built-in scenarios use 36)."""
DEFAULT_MONTHS = 24
"""Months simulated after month 0 when the dashboard opens."""
SIDES = ("separate", "alliance")
"""The sides stepped side by side: separate action and the alliance."""
COOPERATION = SIDES
"""Cooperation models the user can choose: separate action only, or both side by side."""
REGION_ORGANISER = "region"
"""The region's name as an organiser and alliance member."""


@dataclass(frozen=True)
class Settings:
    """What the dashboard's widgets say (the defaults are Pirkanmaa's full alliance).

    Attributes:
        scenario: built-in scenario name (region, providers, every other parameter).
        cooperation: ``"separate"`` (separate action only) or ``"alliance"`` (separate
            action and the alliance side by side).
        quick: shorten the burn-in to :data:`QUICK_BURN_IN_MONTHS` months.
        months: months simulated after month 0.
        seed: seed of both sides (common random numbers).
        region_budget: the region's yearly budget, EUR per resident.
        municipal_budget: each municipality's yearly budget, EUR per resident.
        members: alliance members: ``"region"`` and municipality names.
        levers: alliance levers switched on.
        differential_prices: outcome prices rise for clients of low employability.
        gain_share: providers' share of gain or pain against the target cost.
        exit_quarters: an organiser leaves after this many failing quarters (0: never).
    """

    scenario: str = DEFAULT_SCENARIO
    cooperation: Literal["separate", "alliance"] = "alliance"
    quick: bool = True
    months: int = DEFAULT_MONTHS
    seed: int = 1
    region_budget: float = 120.0
    municipal_budget: float = 30.0
    members: tuple[str, ...] = (REGION_ORGANISER,)
    levers: tuple[str, ...] = LEVERS
    differential_prices: bool = False
    gain_share: float = 0.5
    exit_quarters: int = 0

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes``; levers and members keep a canonical order."""
        new = dataclasses.replace(self, **changes)
        levers = tuple(lv for lv in LEVERS if lv in set(new.levers))
        return dataclasses.replace(new, levers=levers, members=tuple(dict.fromkeys(new.members)))


@functools.lru_cache(maxsize=32)
def base_scenario(name: str) -> Scenario:
    """The built-in scenario ``name`` as written (cached; scenarios are immutable)."""
    return load_scenario(name)


@functools.lru_cache(maxsize=1)
def scenario_choices() -> tuple[str, ...]:
    """Built-in scenarios the dashboard offers: those with listed municipalities.

    Generated regions (``finland-synthetic``: 2.8 million persons) are left out; they are
    benchmarks, too slow for a workshop, and have no municipality names to choose from.
    """
    names = []
    for name in builtin.names():
        try:
            scenario = base_scenario(name)
        except ScenarioError:
            continue
        if scenario.municipalities is not None:
            names.append(name)
    return tuple(names)


def organiser_choices(scenario: Scenario) -> list[str]:
    """Possible alliance members: the region, then the municipalities in file order."""
    return [REGION_ORGANISER, *(m.name for m in scenario.municipalities or ())]


def defaults_for(name: str, **keep: Any) -> Settings:
    """Settings with every widget at the value the built-in scenario ``name`` gives it.

    Without an ``[alliance]`` in the file, the alliance defaults to the region and every
    municipality with every lever on (the full alliance of the source document).

    Args:
        name: a built-in scenario name.
        **keep: settings carried over unchanged (e.g. ``cooperation``, ``quick``,
            ``months``, ``seed``).

    Raises:
        ScenarioError: no such built-in scenario, or it does not validate.
    """
    if builtin.path(name) is None:
        raise ScenarioError(f"{name}: no such built-in scenario; built-ins are: "
                            + ", ".join(builtin.names()))
    scenario = base_scenario(name)
    org = scenario.organisers
    spec = scenario.alliance
    values: dict[str, Any] = {
        "scenario": name,
        "region_budget": float(org.region_budget_eur_per_resident),
        "municipal_budget": float(org.municipal_budget_eur_per_resident),
        "differential_prices": bool(scenario.market.differential_prices),
        "members": tuple(spec.members) if spec else tuple(organiser_choices(scenario)),
        "levers": tuple(lv for lv in LEVERS if spec is None or spec.lever(lv)),
        "gain_share": float(spec.provider_gain_share) if spec else 0.5,
        "exit_quarters": int(spec.exit_after_failing_quarters) if spec else 0,
    }
    values.update(keep)
    return Settings().replace(**values)


def widget_overrides(settings: Settings, base: Scenario) -> dict[str, Any]:
    """The overrides (key path → value) that turn ``base`` into what the widgets say.

    Budgets, the payment regime and quick mode apply to both sides; the alliance keys only
    when the cooperation model is the alliance. A base without an ``[alliance]`` gets one
    with the chosen members and every external and third-sector provider of the region
    (as in ``pirkanmaa-alliance``).

    Args:
        settings: the widgets' values.
        base: the built-in scenario ``settings.scenario`` as written.
    """
    out: dict[str, Any] = {
        "simulation.months": settings.months,
        "organisers.region_budget_eur_per_resident": float(settings.region_budget),
        "organisers.municipal_budget_eur_per_resident": float(settings.municipal_budget),
        "market.differential_prices": settings.differential_prices,
    }
    if settings.quick and base.simulation.burn_in_months > QUICK_BURN_IN_MONTHS:
        out["simulation.burn_in_months"] = QUICK_BURN_IN_MONTHS
    if settings.cooperation != "alliance":
        return out
    members = list(settings.members)
    out["alliance.members"] = members
    out |= {f"alliance.levers.{lv}": lv in settings.levers for lv in LEVERS}
    out["alliance.provider_gain_share"] = float(settings.gain_share)
    out["alliance.exit_after_failing_quarters"] = int(settings.exit_quarters)
    spec = base.alliance
    if spec is None:
        out["alliance.providers"] = [p.name for p in base.providers if p.kind != "own"]
    else:  # organisers taken out of the alliance can no longer use its exit right
        parties = set(members) | set(spec.providers)
        leaving = [m for m in spec.leave_after_development if m in parties]
        if leaving != list(spec.leave_after_development):
            out["alliance.leave_after_development"] = leaving
    return out


def build_scenarios(settings: Settings) -> tuple[Scenario, Scenario | None]:
    """The separate-action scenario and, for the alliance model, the alliance scenario.

    Both come from one loaded scenario, so that they differ only in their alliances.

    Raises:
        ScenarioError: the settings break the scenario schema or the law (the message names
            the key), or the alliance has no members.
    """
    if settings.cooperation not in COOPERATION:
        raise ScenarioError(f"cooperation: expected one of {COOPERATION}, "
                            f"got {settings.cooperation!r}")
    if settings.cooperation == "alliance" and not settings.members:
        raise ScenarioError("alliance.members: choose at least one member")
    base = base_scenario(settings.scenario)
    scenario = load_scenario(settings.scenario, widget_overrides(settings, base))
    separate = scenario.model_copy(update={"alliance": None, "alliances": []})
    return separate, (scenario if settings.cooperation == "alliance" else None)


@functools.lru_cache(maxsize=64)
def settings_problem(settings: Settings) -> str | None:
    """Why ``settings`` cannot run (the scenario loader's message), or None if they can."""
    try:
        build_scenarios(settings)
    except ScenarioError as exc:
        return str(exc)
    return None
