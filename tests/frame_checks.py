"""Invariants of a run's time series, shared by the model's and the boundary's tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.collect import METRICS, RATIOS, REGION_AREA

COUNTS = [m for m in METRICS
          if not m.endswith(("_rate", "_eur", "_months")) and m not in RATIOS]
PUBLIC = ["organiser_outlays_eur", "public_net_eur"]  # ALL: the region's own money too
MONEY = [m for m in METRICS if m.endswith("_eur") and m not in PUBLIC]


def check_job_finding_rate(frame: pd.DataFrame) -> None:
    """Hires of an area's residents over its jobseekers of the month is a share."""
    bad = frame.loc[~frame["job_finding_rate"].between(0.0, 1.0), ["month", "area", "hires"]]
    assert bad.empty, f"job_finding_rate outside [0, 1]:\n{bad}"


def check_frame(frame: pd.DataFrame, job_finding: bool = True) -> None:
    """Invariants of a time series that hold in every month and every area."""
    assert list(frame.columns[-len(METRICS) :]) == list(METRICS)
    assert (frame[COUNTS + MONEY] >= 0).all().all(), "negative stock, flow or spend"
    assert (frame["long_term_unemployed"] <= frame["unemployed"]).all()
    np.testing.assert_array_equal(
        frame["employed"] + frame["unemployed"] + frame["in_services"], frame["labour_force"])
    duration = frame["vacancy_duration_months"]
    assert (duration.isna() | (duration >= 1.0)).all(), "a vacancy lasts at least its month"
    assert (frame["hires"] <= frame["labour_force"]).all()
    assert frame["unemployment_rate"].between(0.0, 1.0).all()
    caseload = frame["caseload"]
    assert (caseload.isna() | (caseload >= 0.0)).all(), "a negative caseload"
    if job_finding:
        check_job_finding_rate(frame)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(
            frame["labour_force"] > 0, frame["unemployed"] / frame["labour_force"], 0.0
        )
    np.testing.assert_allclose(frame["unemployment_rate"], expected)
    region = frame[frame["area"] == REGION_AREA].set_index("month")
    areas = frame[frame["area"] != REGION_AREA].groupby("month")[COUNTS].sum()
    pd.testing.assert_frame_equal(region[COUNTS], areas, check_names=False)
    money = frame[frame["area"] != REGION_AREA].groupby("month")[MONEY].sum()
    np.testing.assert_allclose(region[MONEY].to_numpy(), money.to_numpy(), rtol=1e-9)
    # The region's own outlays come on top of the municipalities', and its net (services
    # and overheads paid, no tax received) lowers the public sector's.
    public = frame[frame["area"] != REGION_AREA].groupby("month")[PUBLIC].sum()
    assert (frame["organiser_outlays_eur"] >= 0).all()
    assert (region["organiser_outlays_eur"] >= public["organiser_outlays_eur"] - 1e-6).all()
    assert (region["public_net_eur"] <= public["public_net_eur"] + 1e-6).all()
    np.testing.assert_array_equal(region["firm_employment"], region["employed"])
    # Flows add up to the change of stocks (each month after the first recorded one).
    months = region.index.to_numpy()
    consecutive = np.diff(months) == 1
    d_employed = np.diff(region["employed"].to_numpy())[consecutive]
    net_hires = (region["hires"] - region["separations"]).to_numpy()[1:][consecutive]
    assert (d_employed <= net_hires).all()  # the rest left the labour force from work
    persons = (region["labour_force"] + region["outside_labour_force"]).to_numpy()
    assert (persons == persons[0]).all(), "persons neither appear nor vanish"
    d_labour_force = np.diff(region["labour_force"].to_numpy())[consecutive]
    net_entries = (region["labour_force_entries"]
                   - region["labour_force_exits"]).to_numpy()[1:][consecutive]
    np.testing.assert_array_equal(d_labour_force, net_entries)
    d_firms = np.diff(region["firms"].to_numpy())[consecutive]
    net_births = (region["firm_births"] - region["firm_deaths"]).to_numpy()[1:][consecutive]
    np.testing.assert_array_equal(d_firms, net_births)
