"""The law as validation: scenarios the statutes do not allow are rejected at load time,
with the key path named."""

import pytest

from sim import ScenarioError, load_scenario

CASES = {
    "private provider organising": (
        ["providers=[{name = \"P Oy\", kind = \"external\", services = [\"coaching\"], "
         "capacity = 10, tasks = [\"production\", \"organising\"]}]"],
        "providers[0] (P Oy).tasks"),
    "public-authority task to third sector": (
        ["providers=[{name = \"Y ry\", kind = \"third_sector\", services = [\"coaching\"], "
         "capacity = 10, tasks = [\"public_authority\"]}]"],
        "providers[0] (Y ry).tasks"),
    "statutory minimum service lowered": (
        ["organisers.min_contacts_per_month=0.5"], "organisers.min_contacts_per_month"),
    "own production below cost": (
        ["providers=[{name = \"Own\", kind = \"own\", owner = \"Rantala\", "
         "services = [\"coaching\"], capacity = 10, cost_factor = 1.0, price_factor = 0.8}]"],
        "providers[0] (Own).price_factor"),
    "alliance money from a non-member": (
        ["alliance.extra_budget_eur_per_year=1000.0",
         "alliance.contributions={\"Outsider\" = 1000.0}"],
        "alliance.contributions"),
    "alliance money nobody contributed": (
        ["alliance.extra_budget_eur_per_year=1000.0"], "alliance.extra_budget_eur_per_year"),
    "provider as organising member": (
        ["providers=[{name = \"P Oy\", kind = \"external\", services = [\"coaching\"], "
         "capacity = 10}]", "alliance.members=[\"region\", \"P Oy\"]"],
        "alliance.members"),
    "unknown lever": (["alliance.levers.free_lunch=true"], "alliance: levers.free_lunch"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unlawful_scenarios_are_rejected_with_the_key(case):
    overrides, key = CASES[case]
    with pytest.raises(ScenarioError) as err:
        load_scenario("tiny-alliance", overrides)
    message = str(err.value)
    assert "tiny-alliance.toml" in message
    assert key in message


def test_lawful_variants_load():
    ok = load_scenario("tiny-alliance", [
        "providers=[{name = \"Own\", kind = \"own\", owner = \"Rantala\", "
        "services = [\"coaching\"], capacity = 10, cost_factor = 1.0, price_factor = 1.0, "
        "tasks = [\"production\", \"public_authority\"]}]",
        "organisers.min_contacts_per_month=2.0",
        "alliance.extra_budget_eur_per_year=1000.0",
        "alliance.contributions={\"Rantala\" = 1000.0}",
    ])
    assert ok.alliance.contributions == {"Rantala": 1000.0}
