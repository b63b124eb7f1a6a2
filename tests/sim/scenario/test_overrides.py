"""Key paths and overrides: splitting and joining paths (quoted names, brackets, indices),
errors for malformed paths, overrides as Python values, mapping fields, and a municipality
whose name contains a dot, reached through ``load_scenario`` and ``kasvu run --set``.
"""

from __future__ import annotations

import re
import textwrap

import pandas as pd
import pytest

from analysis.cli import main
from analysis.cli.options import EXIT_BAD_INPUT
from sim import ScenarioError, load_scenario
from sim.scenario import LEVERS
from sim.scenario.overrides import Part, join_key, split_key

ST_OLOF = """\
name = "saaristo"
description = "Two made-up municipalities, one with a dot in its name."

[simulation]
burn_in_months = 1
months = 2

[[municipalities]]
name = "St. Olof"
population = 3000
lat = 60.30
lon = 22.30

[[municipalities]]
name = "Beta"
population = 1500
lat = 60.40
lon = 22.40
"""


@pytest.fixture
def saaristo(tmp_path):
    """A scenario file with the municipalities "St. Olof" and "Beta"."""
    path = tmp_path / "saaristo.toml"
    path.write_text(textwrap.dedent(ST_OLOF), encoding="utf-8")
    return path


def meaning(parts: list[Part]) -> list[tuple[str, int | None]]:
    """What parts name: each one's text, and its list index (None for a name)."""
    return [(p.text, p.index) for p in parts]


@pytest.mark.parametrize(("key", "parts"), [
    ("labour.monthly_separation_rate",
     [("labour", None), ("monthly_separation_rate", None)]),
    ('municipalities."St. Olof".population',
     [("municipalities", None), ("St. Olof", None), ("population", None)]),
    ('municipalities["St. Olof"].population',
     [("municipalities", None), ("St. Olof", None), ("population", None)]),
    ("municipalities['St. Olof'].population",
     [("municipalities", None), ("St. Olof", None), ("population", None)]),
    ("municipalities[3].population",
     [("municipalities", None), ("3", 3), ("population", None)]),
    ("municipalities[ 3 ].population",
     [("municipalities", None), ("3", 3), ("population", None)]),
    ("providers.0.quality", [("providers", None), ("0", 0), ("quality", None)]),
    ('municipalities."3".population',  # a municipality named 3, not the fourth
     [("municipalities", None), ("3", None), ("population", None)]),
    ('organisers.municipal_budgets."say \\"hi\\""',
     [("organisers", None), ("municipal_budgets", None), ('say "hi"', None)]),
    ("alliances[1].levers.pooled_budget",
     [("alliances", None), ("1", 1), ("levers", None), ("pooled_budget", None)]),
])
def test_split_key_reads_names_quotes_brackets_and_indices(key, parts):
    assert meaning(split_key(key)) == parts


@pytest.mark.parametrize(("key", "canonical"), [
    ("labour.monthly_separation_rate", "labour.monthly_separation_rate"),
    ('municipalities["St. Olof"].population', 'municipalities."St. Olof".population'),
    ("municipalities['St. Olof'].population", 'municipalities."St. Olof".population'),
    ('municipalities."St. Olof".population', 'municipalities."St. Olof".population'),
    ("municipalities[3].population", "municipalities.3.population"),
    ('municipalities."3".population', 'municipalities."3".population'),
    ('organisers.municipal_budgets."say \\"hi\\""',
     'organisers.municipal_budgets."say \\"hi\\""'),
])
def test_join_key_quotes_only_what_needs_it(key, canonical):
    assert join_key(split_key(key)) == canonical
    assert meaning(split_key(canonical)) == meaning(split_key(key))


@pytest.mark.parametrize("name", [
    "St. Olof", "a[b]", 'say "hi"', "it's", "back\\slash", " padded ", "3", "Mänttä-Vilppula",
    "x.y.z", "tab\there", "]", "'", "plain"])
def test_any_name_survives_a_round_trip(name):
    parts = [Part("municipalities"), Part(name, quoted=True), Part("0"), Part("population")]
    key = join_key(parts)
    assert meaning(split_key(key)) == meaning(parts), key


@pytest.mark.parametrize(("key", "message"), [
    ("", "empty part in ''"),
    ("labour..rate", "empty part in 'labour..rate'"),
    ("labour.", "empty part in 'labour.'"),
    (".labour", "empty part in '.labour'"),
    ("municipalities[3", "unclosed '[' in 'municipalities[3'"),
    ('municipalities."St. Olof.population', "unclosed quote"),
    ("municipalities[St. Olof].population", "expected an index or a quoted name in [...]"),
    ("municipalities[-1].population", "expected an index or a quoted name in [...]"),
    ('municipalities["St. Olof" x].population', "unexpected text after the quoted name"),
    ('municipalities."St. Olof"population', "expected '.' or '[' after a part"),
    ("municipalities[0]population", "expected '.' or '[' after a part"),
])
def test_malformed_paths_are_errors(key, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        split_key(key)


def test_malformed_paths_name_the_file_and_the_setting():
    with pytest.raises(ScenarioError) as err:
        load_scenario("tiny", ["municipalities[x].population=5"])
    assert str(err.value).endswith("tiny.toml: --set municipalities[x].population: expected "
                                   "an index or a quoted name in [...] in "
                                   "'municipalities[x].population'")
    with pytest.raises(ScenarioError, match="--set labour: expected key.path=value"):
        load_scenario("tiny", ["labour"])


def test_with_overrides_takes_python_values():
    tiny = load_scenario("tiny")
    changed = tiny.with_overrides({
        "labour.monthly_separation_rate": 0.012,
        "labour.skill_shares": [0.5, 0.5],
        "municipalities.Rantala.population": 2500,
        "municipalities[2].lat": 61.0,
        "municipalities.0.sub_region": "Keski",
        "matching.applications_per_month": 6,
    })
    assert changed.labour.monthly_separation_rate == 0.012
    assert changed.labour.skill_shares == [0.5, 0.5]
    assert [m.population for m in changed.municipalities] == [5200, 2500, 1100]
    assert changed.municipalities[2].lat == 61.0
    assert changed.municipalities[0].sub_region == "Keski"
    assert changed.matching.applications_per_month == 6
    assert tiny.labour.monthly_separation_rate != 0.012  # the original is untouched
    # The same values as --set strings give the same scenario.
    assert changed == tiny.with_overrides([
        "labour.monthly_separation_rate=0.012", "labour.skill_shares=[0.5, 0.5]",
        "municipalities.Rantala.population=2500", "municipalities[2].lat=61.0",
        'municipalities.0.sub_region="Keski"', "matching.applications_per_month=6"])


def test_python_values_are_checked_by_the_schema():
    tiny = load_scenario("tiny")
    with pytest.raises(ScenarioError, match="matching.applications_per_month: Input should "
                       "be a valid integer"):
        tiny.with_overrides({"matching.applications_per_month": 6.5})
    with pytest.raises(ScenarioError, match="municipalities.9: no such element"):
        tiny.with_overrides({"municipalities.9.population": 10})
    with pytest.raises(ScenarioError, match="x.y: labour.monthly_separation_rate is a value, "
                       "not a table"):
        tiny.with_overrides({"labour.monthly_separation_rate.x.y": 1})


def test_a_lever_is_set_and_the_others_keep_their_defaults():
    alliance = load_scenario("tiny-alliance", {"alliance.levers.pooled_budget": False})
    assert alliance.alliance.levers == {lever: lever != "pooled_budget" for lever in LEVERS}
    again = alliance.with_overrides(["alliance.levers.joint_office=false"])
    assert [lever for lever in LEVERS if not again.alliance.lever(lever)] == [
        "pooled_budget", "joint_office"]
    with pytest.raises(ScenarioError, match="alliance: levers.pooled_budgetX: unknown lever"):
        load_scenario("tiny-alliance", ["alliance.levers.pooled_budgetX=true"])


def test_a_named_budget_is_one_entry_of_the_mapping():
    tiny = load_scenario("tiny", {"organisers.municipal_budgets.Rantala": 90000.0})
    assert tiny.organisers.municipal_budgets == {"Rantala": 90000.0}
    both = tiny.with_overrides(['organisers.municipal_budgets."Metsälä"=30000.0'])
    assert both.organisers.municipal_budgets == {"Rantala": 90000.0, "Metsälä": 30000.0}
    with pytest.raises(ScenarioError, match=r"no such municipality \['Nowhere'\]"):
        tiny.with_overrides({"organisers.municipal_budgets.Nowhere": 1.0})


@pytest.mark.parametrize("key", ['municipalities."St. Olof".population',
                                 'municipalities["St. Olof"].population',
                                 "municipalities['St. Olof'].population",
                                 "municipalities[0].population"])
def test_a_name_with_a_dot_is_reached_by_both_quoted_forms(saaristo, key):
    scenario = load_scenario(saaristo, [f"{key}=5000"])
    assert [(m.name, m.population) for m in scenario.municipalities] == [
        ("St. Olof", 5000), ("Beta", 1500)]
    assert scenario == load_scenario(saaristo).with_overrides({key: 5000})


def test_a_name_with_a_dot_in_a_mapping_and_in_messages(saaristo):
    scenario = load_scenario(saaristo, ['organisers.municipal_budgets."St. Olof"=60000.0'])
    assert scenario.organisers.municipal_budgets == {"St. Olof": 60000.0}
    with pytest.raises(ScenarioError) as err:
        load_scenario(saaristo, ['municipalities["St. Olof"].populaton=5'])
    assert str(err.value) == (f'{saaristo}: --set municipalities["St. Olof"].populaton: '
                              'municipalities."St. Olof".populaton: no such key in the '
                              "scenario schema")
    # Unquoted, the dot splits the name: there is no municipality "St".
    with pytest.raises(ScenarioError, match='municipalities.St: no such element'):
        load_scenario(saaristo, ["municipalities.St. Olof.population=5000"])


@pytest.mark.parametrize("setting", ['municipalities."St. Olof".population=5000',
                                     'municipalities["St. Olof"].population=5000'])
def test_kasvu_run_sets_a_name_with_a_dot(saaristo, tmp_path, setting):
    out = tmp_path / "out"
    assert main(["run", str(saaristo), "--quiet", "--months", "0", "--out", str(out),
                 "--set", setting]) == 0
    frame = pd.read_parquet(out / "timeseries.parquet").set_index("area")
    assert frame.index.tolist() == ["St. Olof", "Beta", "ALL"]
    written = load_scenario(out / "scenario.toml")
    assert [m.population for m in written.municipalities] == [5000, 1500]
    assert frame.loc["St. Olof", "labour_force"] > 2 * frame.loc["Beta", "labour_force"]


def test_kasvu_run_rejects_the_unquoted_name_and_writes_nothing(saaristo, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(saaristo), "--quiet", "--out", str(out),
                 "--set", "municipalities.St. Olof.population=5000"]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == (
        f"kasvu: error: {saaristo}: --set municipalities.St. Olof.population: "
        "municipalities.St: no such element\n")
    assert not out.exists()


def test_one_value_of_a_table_the_file_leaves_out_keeps_the_schemas_defaults():
    # tiny.toml has no [services]: a service's catalogue entry has no defaults of its
    # own, only the catalogue's, and an empty table would lose them.
    default = load_scenario("tiny").services.coaching
    changed = load_scenario("tiny", {"services.coaching.employability_gain": 0.0})
    assert changed.services.coaching == default.model_copy(update={"employability_gain": 0.0})
    assert changed.services.training == load_scenario("tiny").services.training
    assert load_scenario("tiny", ["labour.scarring_rate=0.02"]).labour == \
        load_scenario("tiny").labour.model_copy(update={"scarring_rate": 0.02})
