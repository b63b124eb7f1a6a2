"""Scenarios (skenaariot): what a run is asked, as validated, documented parameters.

A scenario is a TOML file (or a built-in name) read into a :class:`Scenario`, a frozen
pydantic model whose every field has a unit and a source. Where to look:

- :mod:`.schema`: :class:`Scenario`, the top of the schema;
- :mod:`.region`: municipalities or a generated region, and the length of a run;
- :mod:`.labour`: labour force, firms, matching and the economy's demand path;
- :mod:`.services`: the service catalogue, who is eligible, a randomised trial;
- :mod:`.organising`: organisers' budgets and caseworkers, providers, separate action,
  alliances and their levers, host-municipality arrangements;
- :mod:`.market`: the provider market (entry, exit, learning, outcome pay, effort);
- :mod:`.law`: rules of the statutes that reject a scenario (lainsäädäntö);
- :mod:`.loading`: reading files, ``extends``, ``--set`` overrides and error messages;
- :mod:`.ranges`: the plausible range of every assumption, for sweeps.
"""

from .base import MAX_SEED, InputError, SeedError, check_seed
from .loading import ScenarioError, load_scenario, scenario_to_toml
from .organising import LEVERS
from .ranges import plausible_ranges
from .schema import Scenario
from .services import FIRM_SERVICES, PERSON_SERVICES, SERVICES

__all__ = ["FIRM_SERVICES", "LEVERS", "MAX_SEED", "PERSON_SERVICES", "SERVICES", "InputError",
           "Scenario", "ScenarioError", "SeedError", "check_seed", "load_scenario",
           "plausible_ranges", "scenario_to_toml"]
