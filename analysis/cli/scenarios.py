"""``kasvu scenarios``: the built-in scenarios, one line each, or the scenario schema."""

from __future__ import annotations

import argparse
import json


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """Register ``kasvu scenarios`` on ``sub``."""
    parser = sub.add_parser("scenarios", help="list the built-in scenarios")
    parser.add_argument(
        "--schema", action="store_true", help="print the JSON schema of scenario files instead"
    )
    parser.set_defaults(handler=cmd_scenarios)


def cmd_scenarios(args: argparse.Namespace) -> int:
    """``kasvu scenarios``: one line per built-in scenario, or the schema."""
    import scenarios as builtin
    from sim import Scenario, ScenarioError, load_scenario  # on use, as .sweep

    if args.schema:
        print(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False))
        return 0
    for name in builtin.names():
        try:
            description = load_scenario(name).description
        except ScenarioError as exc:
            description = f"(invalid: {exc})"
        print(f"{name:<28}{description}")
    return 0
