"""The what-if dashboard for strategy workshops (kasvu app): Mesa's SolaraViz around Kasvu.

Start it with ``kasvu app`` (or ``solara run analysis.app.dashboard``) and open the
address it prints. In the sidebar the user picks a region scenario and the cooperation
model, sets the budgets, the alliance's members and levers, the payment regime, the
gain/pain split and the exit rule, and presses *Run*: separate action and the alliance are
stepped side by side, month by month, with the same seed, and the charts grow as the
months pass. Labels are in Finnish or English (the toggle in the top bar; strings in
:mod:`.labels`).

As in Mesa's examples, this module is only the user interface: the settings and scenarios
are in :mod:`.settings`, the paired model and the data the charts draw in :mod:`.state`,
the charts in :mod:`.charts`. Mesa's own controls (Reset, Play, Step) work too: Reset builds
the model from the current settings. Everything is served from this machine; no internet is
needed (solara-assets carries the front-end files).

Environment variables (set by ``kasvu app``): ``KASVU_APP_SCENARIO`` (the built-in scenario
to open), ``KASVU_APP_MONTHS``, ``KASVU_APP_LANGUAGE`` (``fi`` or ``en``),
``KASVU_APP_DECISION`` (a ``kasvu decide`` directory: show that study instead, see
:mod:`.decision_view`).
"""

from __future__ import annotations

import os
import time
import warnings

import solara
import solara.lab

with warnings.catch_warnings():  # Mesa 3.3's own hook order, harmless; not ours to fix
    warnings.filterwarnings("ignore", message=".*use_state` found despite early return",
                            category=UserWarning)
    from mesa.visualization import SolaraViz
    from mesa.visualization.utils import force_update, update_counter

from sim import ScenarioError
from sim.scenario import LEVERS

from ..report import i18n
from .charts import line_chart, map_chart, money_chart, summary_html
from .labels import LANGUAGES, name, t
from .settings import (
    COOPERATION,
    DEFAULT_MONTHS,
    DEFAULT_SCENARIO,
    Settings,
    base_scenario,
    defaults_for,
    organiser_choices,
    scenario_choices,
    settings_problem,
)
from .state import WhatIfModel

RENDER_SECONDS = 0.5
"""While running, redraw the charts at most this often (see :func:`redraw`)."""


def initial_settings() -> Settings:
    """The settings the dashboard opens with (``KASVU_APP_SCENARIO``, ``KASVU_APP_MONTHS``)."""
    scenario = os.environ.get("KASVU_APP_SCENARIO", DEFAULT_SCENARIO)
    months = int(os.environ.get("KASVU_APP_MONTHS", DEFAULT_MONTHS))
    return defaults_for(scenario, months=months)


def initial_language() -> str:
    """The language the dashboard opens with (``KASVU_APP_LANGUAGE``, default Finnish)."""
    return i18n.check_language(os.environ.get("KASVU_APP_LANGUAGE", "fi"))


# Reactive state; solara keeps one value of each per browser session.
chosen_settings = solara.reactive(initial_settings())
language = solara.reactive(initial_language())
reset_problem = solara.reactive(None)


class DashboardModel(WhatIfModel):
    """A :class:`WhatIfModel` built from the dashboard's settings.

    SolaraViz's Reset button rebuilds the model with the keyword arguments it was given;
    passing the reactive settings makes it rebuild from the current widget values. Settings
    that cannot run fall back to the chosen scenario as written, with a message.

    Args:
        settings: settings, or a reactive holding them; defaults to the current ones.
    """

    def __init__(self, settings: Settings | solara.Reactive | None = None) -> None:
        """Build from ``settings`` (see the class docstring)."""
        chosen = chosen_settings if settings is None else settings
        chosen = chosen.value if isinstance(chosen, solara.Reactive) else chosen
        try:
            super().__init__(chosen)
            reset_problem.set(None)
        except ScenarioError as exc:
            reset_problem.set(str(exc))
            super().__init__(defaults_for(chosen.scenario, months=chosen.months,
                                          seed=chosen.seed))


@solara.lab.task(prefer_threaded=True)
def run_months(model: solara.Reactive, chosen: Settings) -> str:
    """Build a model from ``chosen``, show it, and step it to the end, redrawing as it goes.

    Returns:
        ``"done"``, or ``"stopped"`` when the user stopped it (or started another run).

    Raises:
        ScenarioError: the settings cannot run (shown under the Run button).
    """
    problem = settings_problem(chosen)
    if problem is not None:
        raise ScenarioError(problem)
    new = DashboardModel(chosen)
    model.set(new)
    run_months.progress = 0
    new.prepare()
    cost = redraw()
    drawn = time.monotonic()
    while new.month < new.months:
        if not run_months.is_current():
            return "stopped"
        new.step()
        run_months.progress = 100.0 * new.month / new.months
        if new.month == new.months or time.monotonic() - drawn >= max(RENDER_SECONDS,
                                                                       2.0 * cost):
            cost = redraw()
            drawn = time.monotonic()
    return "done"


def redraw() -> float:
    """Redraw every chart now (Mesa's update counter); returns the seconds it took.

    The run redraws at most every :data:`RENDER_SECONDS`, and never more often than twice
    the time a redraw takes, so that drawing never takes more than a third of the time.
    """
    start = time.monotonic()
    force_update()
    return time.monotonic() - start


# ------------------------------------------------------------------ controls
def _update(**changes) -> None:
    chosen_settings.set(chosen_settings.value.replace(**changes))


def _choose_scenario(scenario: str) -> None:
    """A new scenario resets the widgets to its values; the run options stay."""
    s = chosen_settings.value
    chosen_settings.set(defaults_for(scenario, cooperation=s.cooperation, quick=s.quick,
                                     months=s.months, seed=s.seed))


def _switch_lever(lever: str, on: bool) -> None:
    levers = chosen_settings.value.levers
    _update(levers=(*levers, lever) if on else tuple(x for x in levers if x != lever))


@solara.component
def Choice(label: str, value, items: list[tuple[object, str]], on_value, multiple=False,
           classes: list[str] | None = None):
    """A select whose items show translated text but carry plain values."""
    return solara.v.Select(
        label=label, v_model=list(value) if multiple else value,
        items=[{"text": text, "value": key} for key, text in items],
        on_v_model=on_value, multiple=multiple, chips=multiple, small_chips=multiple,
        deletable_chips=multiple, hide_details=True, dense=True,
        class_=" ".join(classes or []), style_="margin-bottom: 12px",
    )


@solara.component
def Slider(label: str, value: float, on_value, minimum: float, maximum: float, step: float,
           marker: str, decimals: int = 0):
    """A slider whose label shows its value; ``marker`` names it for tests (CSS class)."""
    lang = language.value
    shown = i18n.number(value, lang, decimals)
    with solara.Div(classes=[f"kasvu-{marker}"]) as div:
        if decimals == 0 and float(step).is_integer():
            solara.SliderInt(f"{label}: {shown}", value=int(value), min=int(minimum),
                             max=int(maximum), step=int(step), on_value=on_value)
        else:
            solara.SliderFloat(f"{label}: {shown}", value=float(value), min=minimum,
                               max=maximum, step=step, on_value=on_value)
    return div


@solara.component
def RunCard(model: solara.Reactive):
    """The Run and Stop buttons, progress and messages."""
    lang, s = language.value, chosen_settings.value
    update_counter.get()  # Mesa's Step and Play move the model too: redraw with them
    problem = settings_problem(s)
    with solara.Card(t("card_run", lang)):
        with solara.Row():
            solara.Button(t("run", lang), color="primary", icon_name="mdi-play",
                          on_click=lambda: run_months(model, chosen_settings.value),
                          disabled=problem is not None or run_months.pending,
                          classes=["kasvu-run"])
            if run_months.pending:
                solara.Button(t("stop", lang), on_click=run_months.cancel,
                              classes=["kasvu-stop"])
        current = model.value
        if run_months.pending:
            solara.ProgressLinear(run_months.progress or True)
        if problem:
            solara.Error(t("error", lang, message=problem))
        elif run_months.error:
            solara.Error(t("error", lang, message=run_months.exception))
        elif reset_problem.value:
            solara.Error(t("error", lang, message=reset_problem.value))
        solara.Text(status_text(current, lang), classes=["kasvu-status"])


def status_text(model: WhatIfModel, lang: str) -> str:
    """One line on where the run is."""
    if run_months.pending:
        if not model.ready:
            return t("building", lang, burn_in=model.burn_in_months)
        return t("running", lang, month=model.month, months=model.months)
    if not model.ready:
        return t("press_run", lang)
    if model.month >= model.months:
        return t("done", lang, months=model.months)
    if run_months.cancelled:
        return t("stopped", lang, month=model.month)
    return t("running", lang, month=model.month, months=model.months)  # Mesa's Step


@solara.component
def ScenarioCard():
    """Region scenario, cooperation model and run options."""
    lang, s = language.value, chosen_settings.value
    with solara.Card(t("card_scenario", lang)):
        Choice(t("scenario", lang), s.scenario, [(n, n) for n in scenario_choices()],
               _choose_scenario, classes=["kasvu-scenario"])
        solara.Text(base_scenario(s.scenario).description, style="font-size: 0.8em")
        Choice(t("cooperation", lang), s.cooperation,
               [(c, t(f"coop_{c}", lang)) for c in COOPERATION],
               lambda v: _update(cooperation=v), classes=["kasvu-cooperation"])
        solara.Switch(label=t("quick", lang), value=s.quick,
                      on_value=lambda v: _update(quick=v))
        Slider(t("months", lang), s.months, lambda v: _update(months=int(v)), 6, 120, 6,
               "months")
        solara.InputInt(t("seed", lang), value=s.seed, on_value=lambda v: _update(seed=v))
    with solara.Card(t("card_budgets", lang)):
        Slider(t("region_budget", lang), s.region_budget,
               lambda v: _update(region_budget=float(v)), 0, 300, 5, "region-budget")
        Slider(t("municipal_budget", lang), s.municipal_budget,
               lambda v: _update(municipal_budget=float(v)), 0, 150, 5, "municipal-budget")


@solara.component
def AllianceCard():
    """Members, levers, payment regime, gain/pain split and exit rule of the alliance."""
    lang, s = language.value, chosen_settings.value
    with solara.Card(t("card_alliance", lang)):
        if s.cooperation != "alliance":
            solara.Info(t("separate_note", lang))
            return
        choices = organiser_choices(base_scenario(s.scenario))
        Choice(t("members", lang), s.members, [(o, name(o, lang)) for o in choices],
               lambda v: _update(members=tuple(v)), multiple=True, classes=["kasvu-members"])
        with solara.Row():
            solara.Button(t("all", lang), text=True, small=True,
                          on_click=lambda: _update(members=tuple(choices)))
            solara.Button(t("none", lang), text=True, small=True,
                          on_click=lambda: _update(members=()))
        solara.Text(t("levers", lang), style="font-weight: bold")
        for lever in LEVERS:
            solara.Switch(
                label=name(lever, lang), value=lever in s.levers,
                on_value=lambda on, lever=lever: _switch_lever(lever, on),
                classes=[f"kasvu-lever-{lever}"], style="margin-top: 0",
            )
        solara.Text(t("payment", lang), style="font-weight: bold")
        solara.Switch(label=t("differential_prices", lang), value=s.differential_prices,
                      disabled="outcome_payment" not in s.levers,
                      on_value=lambda v: _update(differential_prices=v))
        Slider(t("gain_share", lang), s.gain_share, lambda v: _update(gain_share=float(v)),
               0, 1, 0.05, "gain-share", decimals=2)
        Slider(t("exit_quarters", lang), s.exit_quarters,
               lambda v: _update(exit_quarters=int(v)), 0, 8, 1, "exit-quarters")


@solara.component
def Controls(model: solara.Reactive):
    """Everything the user sets, in the sidebar above Mesa's own controls."""
    with solara.Column(style="padding: 0"):
        RunCard(model)
        ScenarioCard()
        AllianceCard()


@solara.component
def LanguageToggle():
    """FI / EN in the top bar."""
    with solara.ToggleButtonsSingle(value=language, classes=["kasvu-language"]):
        for lang in LANGUAGES:
            solara.Button(lang.upper(), value=lang, text=True)


# ------------------------------------------------------------------ charts
def _chart(fig, marker: str):
    with solara.Div(classes=["kasvu-chart", f"kasvu-chart-{marker}"]) as div:
        solara.FigureMatplotlib(fig, format="png")
    return div


def Summary(model: WhatIfModel):
    """Headline numbers at the latest month, separate action vs the alliance."""
    return solara.HTML(tag="div", unsafe_innerHTML=summary_html(model.snapshot, language.value),
                       classes=["kasvu-summary"])


def _line(metric: str):
    def component(model: WhatIfModel):
        fig = line_chart(model.snapshot, metric, language.value, model.implementation_month)
        return _chart(fig, metric)

    component.__name__ = f"Chart_{metric}"
    return component


def Money(model: WhatIfModel):
    """Money per organiser."""
    return _chart(money_chart(model.snapshot, language.value), "money")


def Map(model: WhatIfModel):
    """The municipality map."""
    return _chart(map_chart(model.snapshot, language.value), "map")


COMPONENTS = [(Summary, 0), (Map, 0), (_line("employed"), 0), (_line("long_term_unemployed"), 0),
              (_line("firm_employment"), 0), (Money, 0)]
"""The charts (component, page), drawn by :func:`Charts` after every update."""


@solara.component
def Charts(model: WhatIfModel):
    """The charts in a grid, redrawn after every update (Mesa's update counter).

    Drawn here rather than by SolaraViz, whose page tabs are named "Page 0" in any language.
    """
    update_counter.get()
    with solara.Div(classes=["kasvu-charts"], style=CHART_GRID):
        for component, _ in COMPONENTS:
            component(model)


CHART_GRID = ("display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); "
              "gap: 12px; padding: 8px")


# ------------------------------------------------------------------ the page
@solara.component
def Page():
    """The dashboard: the what-if page, or the decision study of ``KASVU_APP_DECISION``.

    The what-if page is :func:`WhatIfPage`; the decision study's is
    :func:`.decision_view.DecisionPage`.
    """
    if decision_directory():
        from .decision_view import DecisionPage

        return DecisionPage(decision_directory(), language)
    return WhatIfPage()


@solara.component
def WhatIfPage():
    """SolaraViz with Kasvu's controls in the sidebar, the language toggle and the charts."""
    initial = solara.use_memo(lambda: DashboardModel(chosen_settings), [])
    model = solara.use_reactive(initial)
    with solara.Column(style="padding: 0") as page_:
        with solara.AppBar():
            LanguageToggle()
        with solara.Sidebar():
            Controls(model)
        SolaraViz(model, components=[], model_params={"settings": chosen_settings},
                  name=t("title", language.value))
        Charts(model.value)
    return page_


def decision_directory() -> str:
    """The decision study to show (``KASVU_APP_DECISION``), or ``""`` for the what-if page."""
    return os.environ.get("KASVU_APP_DECISION", "")


page = Page
"""What ``solara run analysis.app.dashboard`` serves."""

__all__ = ["COMPONENTS", "Charts", "DashboardModel", "LanguageToggle", "Page", "WhatIfPage",
           "page", "run_months"]
