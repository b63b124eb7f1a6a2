"""``kasvu app``: start the what-if dashboard (:mod:`analysis.app.dashboard`) on this machine.

The dashboard is a Solara server; this command checks the options, tells the dashboard
what to open through environment variables and runs ``solara run`` in this process (so
stopping this process stops the server). Nothing is fetched from the internet: the version
check and usage statistics of Solara are switched off, and solara-assets serves the
front-end files.
"""

from __future__ import annotations

import argparse
import os
import sys

from .options import EXIT_BAD_INPUT

APP = "analysis.app.dashboard"
"""The module Solara serves (a module name, so that its imports are the package's)."""
DEFAULT_PORT = 8765
INSTALL_HINT = ('the dashboard needs the app extra: .venv/bin/pip install -e ".[app]" '
                "(or make setup)")


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """Register ``kasvu app`` on ``sub``."""
    p_app = sub.add_parser("app", help="start the interactive what-if dashboard")
    p_app.add_argument("--port", type=_port, default=DEFAULT_PORT,
                       help=f"port on localhost (default {DEFAULT_PORT})")
    p_app.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this machine only)")
    p_app.add_argument("--scenario", default=None,
                       help="built-in scenario to open (default pirkanmaa-alliance)")
    p_app.add_argument("--months", type=_months, default=None,
                       help="months to simulate at first (default 24)")
    p_app.add_argument("--language", choices=("fi", "en"), default="fi",
                       help="language of the labels at first (default fi)")
    p_app.add_argument("--decision", metavar="DIR", default=None,
                       help="show the decision study in DIR (written by kasvu decide): its "
                       "differences, PRIM boxes and where the verdict flips along one "
                       "uncertainty, instead of the what-if page")
    p_app.set_defaults(handler=cmd_app)


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number 1..65535, got {value}")
    return value


def _months(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 600:
        raise argparse.ArgumentTypeError(f"must be 1..600, got {value}")
    return value


def app_environment(args: argparse.Namespace) -> dict[str, str]:
    """Environment variables that tell the app what to open and keep Solara offline.

    Raises:
        ScenarioError: the scenario is not a built-in one or does not validate, or
            ``--decision`` names a directory without a decision study.
    """
    from sim import ScenarioError

    from ..app.settings import DEFAULT_MONTHS, DEFAULT_SCENARIO, defaults_for, scenario_choices

    scenario = args.scenario or DEFAULT_SCENARIO
    months = args.months or DEFAULT_MONTHS
    defaults_for(scenario, months=months)  # fails here, with the key, not in the browser
    if scenario not in scenario_choices():
        raise ScenarioError(f"{scenario}: the dashboard offers the built-in scenarios with "
                            "listed municipalities: " + ", ".join(scenario_choices()))
    decision = ""
    if args.decision:
        from ..app.decision import load_study

        load_study(args.decision)  # fails here, with what to run, not in the browser
        decision = os.path.abspath(args.decision)
    return {
        "KASVU_APP_SCENARIO": scenario,
        "KASVU_APP_MONTHS": str(months),
        "KASVU_APP_LANGUAGE": args.language,
        "KASVU_APP_DECISION": decision,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    }


def cmd_app(args: argparse.Namespace) -> int:
    """``kasvu app``: serve the dashboard until interrupted."""
    os.environ.update(app_environment(args))  # before Solara reads its settings
    try:
        from solara.__main__ import cli as solara_cli

        from ..app import dashboard  # noqa: F401 - SolaraViz and the dashboard's other needs
    except ImportError as exc:
        print(f"kasvu: error: {INSTALL_HINT} ({exc})", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"kasvu app: http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    solara_cli.main(
        args=["run", APP, "--host", args.host, "--port", str(args.port), "--production",
              "--no-open", "--no-check-version", "--log-level", "warning"],
        prog_name="kasvu app", standalone_mode=False,
    )
    return 0
