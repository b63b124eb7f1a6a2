"""The dashboard's decision page (päätösanalyysin näkymä): ``kasvu app --decision DIR``.

A workshop picks an alternative, an outcome and one uncertainty (the most important
first), and moves a slider over that uncertainty's range: the page says how often the
alternative beats the reference among the design points nearest to that value, where along
the range the verdict flips, and whether the value lies in PRIM's box; below, the
difference at every design point against that uncertainty and the report's figure of all
differences. The data and the chart are in :mod:`.decision`; nothing is run again.
"""

from __future__ import annotations

import solara

from ..decision.names import uncertainty_label
from ..report import decision as report_decision
from ..report.style import MissingData
from .decision import (
    box_limits,
    box_sentence,
    boxes,
    flips,
    key_range,
    load_study,
    near_verdict,
    points,
    uncertainty_choices,
    value_text,
    verdict_chart,
    verdict_curve,
    verdict_text,
)
from .labels import t

SLIDER_STEPS = 100
"""The slider moves in this many steps over the uncertainty's range."""


@solara.component
def DecisionPage(directory: str, language: solara.Reactive):
    """The decision study of ``directory`` with the language toggle of ``language``."""
    from .dashboard import Choice, LanguageToggle

    study = solara.use_memo(lambda: load_study(directory), [directory])
    lang = language.value
    alternative = solara.use_reactive(study.others[-1])
    outcome = solara.use_reactive(study.doc["outcomes"][0])
    keys = uncertainty_choices(study, alternative.value, outcome.value)
    chosen_key = solara.use_reactive(keys[0] if keys else "")
    key = chosen_key.value if chosen_key.value in keys else (keys[0] if keys else "")
    low, high = key_range(study, key) if key else (0.0, 1.0)
    chosen_value = solara.use_reactive((low + high) / 2)
    value = min(max(chosen_value.value, low), high)
    with solara.Column(style="padding: 0") as page:
        with solara.AppBar():
            LanguageToggle()
        solara.Title(t("decision_title", lang, name=study.doc["name"]))
        with solara.Sidebar(), solara.Card(t("card_decision", lang)):
            Choice(t("decision_alternative", lang), alternative.value,
                   [(a, a) for a in study.others], alternative.set,
                   classes=["kasvu-decision-alternative"])
            Choice(t("decision_outcome", lang), outcome.value,
                   [(o, report_decision.outcome_label(o, lang)) for o in study.doc["outcomes"]],
                   outcome.set, classes=["kasvu-decision-outcome"])
            Choice(t("decision_uncertainty", lang), key,
                   [(k, uncertainty_label(k, lang)) for k in keys],
                   lambda k: (chosen_key.set(k), chosen_value.set(sum(key_range(study, k)) / 2)),
                   classes=["kasvu-decision-key"])
            with solara.Div(classes=["kasvu-decision-value"]):
                solara.SliderFloat(f"{t('decision_value', lang)}: {value_text(value, lang)}",
                                   value=value, min=low, max=high,
                                   step=(high - low) / SLIDER_STEPS or 1.0,
                                   on_value=chosen_value.set)
            solara.Text(t("decision_note", lang), style="font-size: 0.8em")
        Verdict(study, alternative.value, outcome.value, key, value, (low, high), lang)
    return page


@solara.component
def Verdict(study, alternative: str, outcome: str, key: str, value: float,
            span: tuple[float, float], lang: str):
    """The verdict near ``value``, where it flips, PRIM's boxes and the charts."""
    doc = study.doc
    rows = points(study, alternative, outcome)
    found = boxes(study, alternative, outcome)
    name = uncertainty_label(key, lang) if key else ""
    with solara.Column(classes=["kasvu-decision"]) as column:
        solara.Text(t("decision_study", lang, points=doc["points"], seeds=doc["replications"],
                      uncertainties=doc["uncertainties"], reference=doc["reference"]))
        if key:
            verdict = near_verdict(rows, key, value)
            solara.Text(verdict_text(verdict, key, value, alternative, doc["reference"], lang),
                        classes=["kasvu-decision-verdict"], style="font-weight: bold")
            where = flips(verdict_curve(rows, key, *span))
            solara.Text(t("decision_flips", lang, uncertainty=name, values=", ".join(
                value_text(v, lang) for v in where)) if where else t("decision_no_flip", lang),
                classes=["kasvu-decision-flips"])
        for box in found:
            limits = box_limits(box, key) if key else None
            where = "" if limits is None else " " + t(
                "decision_in_box" if limits[0] <= value <= limits[1] else "decision_out_box",
                lang, uncertainty=name)
            solara.Text(box_sentence(box, lang) + where, classes=["kasvu-decision-box"])
        if not found:
            solara.Text(t("decision_no_box", lang), classes=["kasvu-decision-box"])
        with solara.Div(classes=["kasvu-chart", "kasvu-chart-decision"]):
            if key:
                solara.FigureMatplotlib(verdict_chart(rows, key, value, span, found, lang),
                                        format="png")
        with solara.Div(classes=["kasvu-chart", "kasvu-chart-differences"]):
            try:
                solara.FigureMatplotlib(report_decision.difference_figure(
                    doc, study.table, lang), format="png")
            except MissingData as exc:
                solara.Text(str(exc))
    return column


__all__ = ["DecisionPage", "Verdict"]
