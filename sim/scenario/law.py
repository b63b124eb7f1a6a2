"""The law as validation (lainsäädäntö): scenarios the statutes do not allow are rejected.

The source document is explicit: an alliance does not change the organisers' statutory
duties, forms no legal person, cannot move organising responsibility, cannot give
public-authority tasks to private providers, and must respect competition neutrality
(own production priced at cost at least). Each rule here raises a ``ValueError`` whose
message starts with the key path it concerns.
"""

from __future__ import annotations

from .organising import STATUTORY_MIN_CONTACTS_PER_MONTH

PUBLIC_TASKS = ("organising", "public_authority")


def municipality_names(scenario) -> list[str]:
    """Names of the scenario's municipalities (generated ones for a synthetic region)."""
    if scenario.municipalities is not None:
        return [m.name for m in scenario.municipalities]
    return [f"M{k:03d}" for k in range(scenario.synthetic_region.municipalities)]


def check_law(scenario) -> None:
    """Raise ``ValueError`` naming the key path of the first rule the scenario breaks."""
    munis = set(municipality_names(scenario))
    organisers = munis | {"region"}
    providers = {p.name: p for p in scenario.providers}
    org = scenario.organisers
    if org.min_contacts_per_month < STATUTORY_MIN_CONTACTS_PER_MONTH:
        raise ValueError(
            f"organisers.min_contacts_per_month: {org.min_contacts_per_month} lowers the "
            f"statutory minimum service ({STATUTORY_MIN_CONTACTS_PER_MONTH} contacts per "
            "jobseeker and month); an agreement cannot lower statutory duties")
    unknown = sorted(set(org.municipal_budgets) - munis)
    if unknown:
        raise ValueError(f"organisers.municipal_budgets: no such municipality {unknown}")
    for i, p in enumerate(scenario.providers):
        where = f"providers[{i}] ({p.name})"
        given = sorted(set(p.tasks) & set(PUBLIC_TASKS))
        if p.kind != "own" and given:
            raise ValueError(
                f"{where}.tasks: gives {given} to a private provider; organising "
                "responsibility and public-authority tasks cannot be transferred to private "
                "providers (growth-services and procurement law)")
        if p.kind == "own":
            if p.owner not in organisers:
                raise ValueError(f"{where}.owner: own production needs an owning organiser "
                                 f"('region' or a municipality), got {p.owner!r}")
            if p.price_factor < p.cost_factor:
                raise ValueError(
                    f"{where}.price_factor: own production priced at {p.price_factor} × the "
                    f"catalogue cost, below its own cost ({p.cost_factor} ×); competition "
                    "neutrality requires a price of at least cost")
        elif p.owner is not None:
            raise ValueError(f"{where}.owner: only own production has an owner")
    if len(providers) != len(scenario.providers):
        raise ValueError("providers: provider names must be unique")
    seen: dict[str, str] = {}
    for i, a in enumerate(scenario.all_alliances):
        where = "alliance" if (scenario.alliance is a and i == 0) else f"alliances[{i}]"
        for m in a.members:
            if m in providers:
                raise ValueError(
                    f"{where}.members: {m!r} is a provider; organising responsibility stays "
                    "with the region and the municipalities (providers join via 'providers')")
            if m not in organisers:
                raise ValueError(f"{where}.members: no such organiser {m!r}")
            if m in seen and m != "region":
                raise ValueError(f"{where}.members: {m!r} is already in alliance {seen[m]!r}")
            seen[m] = a.name
        missing = sorted(set(a.providers) - set(providers))
        if missing:
            raise ValueError(f"{where}.providers: no such provider {missing}")
        strangers = sorted(set(a.contributions) - set(a.members))
        if strangers:
            raise ValueError(
                f"{where}.contributions: {strangers} are not members; an alliance has no "
                "money of its own, only what its members contribute")
        paid = sum(a.contributions.values())
        if abs(paid - a.extra_budget_eur_per_year) > 1e-6:
            raise ValueError(
                f"{where}.extra_budget_eur_per_year: {a.extra_budget_eur_per_year} but members "
                f"contribute {paid}; an alliance has no money that no member contributed")
        leaving = sorted(set(a.leave_after_development) - set(a.members) - set(a.providers))
        if leaving:
            raise ValueError(f"{where}.leave_after_development: not parties {leaving}")
    for i, h in enumerate(scenario.host_arrangements):
        for m in [h.host, *h.members]:
            if m not in munis:
                raise ValueError(f"host_arrangements[{i}]: no such municipality {m!r}")
