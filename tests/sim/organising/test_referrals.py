"""Referrals between organisers: who is lost, who waits and for how long, who starts when
the wait ends, and the quarter's counts of referrals sent and lost by home municipality.

The random draws are given by hand (``FixedDraws``): a client is lost when its draw falls
below the loss share.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from organising_cases import COACHING, TRAINING, FixedDraws

from sim import load_scenario
from sim.labour.population import EMPLOYED, UNEMPLOYED
from sim.organising.referrals import ReferralDesk
from sim.organising.units import Unit
from sim.services.state import Coded, ServiceState

CHOSEN = np.array([1, 3, 4, 6])
PROVIDERS = np.array([0, 0, 1, 1])
EFFORT = np.array([1.0, 0.5, 1.0, 0.3])
HOMES = np.array([0, 0, 1, 2])


@functools.cache
def scenario(loss: float, delay: int):
    """The tiny scenario with referrals losing ``loss`` and waiting ``delay`` months."""
    return load_scenario("tiny", [f"separate.referral_loss={loss}",
                                  f"separate.referral_delay_months={delay}"])


def municipal_unit(friction: bool = True) -> Unit:
    """A municipality's unit, its clients referred (or not) to the services it buys."""
    return Unit("A", [1], np.array([100.0]), np.array([True, False, False]), np.ones(8) / 8,
                referral_friction=friction)


def refer(desk, state, loss, delay, draws=(0.1, 0.5, 0.2, 0.9), friction=True):
    """A's unit (payer 7) refers persons 1, 3, 4 and 6 to coaching with ``draws``."""
    return desk.refer(scenario(loss, delay), municipal_unit(friction), 7, COACHING, CHOSEN,
                      PROVIDERS, EFFORT, HOMES, state, FixedDraws(draws))


def test_without_friction_everyone_starts_now_and_counts_as_sent():
    desk, state = ReferralDesk(8, 3), ServiceState.empty(8, 0)
    chosen, providers, effort = refer(desk, state, 0.25, 2, draws=(), friction=False)
    assert chosen.tolist() == CHOSEN.tolist() and providers.tolist() == PROVIDERS.tolist()
    assert effort.tolist() == EFFORT.tolist()
    assert desk.counts.tolist() == [[2.0, 0.0], [1.0, 0.0], [1.0, 0.0]]
    assert (state.referral_wait == -1).all()


def test_friction_loses_some_and_the_rest_wait():
    desk, state = ReferralDesk(8, 3), ServiceState.empty(8, 0)
    # Draws 0.1 and 0.2 fall below the loss share 0.25: persons 1 and 4 are lost.
    assert refer(desk, state, 0.25, 2) is None
    assert desk.counts.tolist() == [[2.0, 1.0], [1.0, 1.0], [1.0, 0.0]]
    waiting = np.flatnonzero(state.referral_wait > 0)
    assert waiting.tolist() == [3, 6] and state.referral_wait[waiting].tolist() == [2, 2]
    assert desk.service[waiting].tolist() == [COACHING] * 2
    assert desk.provider[waiting].tolist() == [0, 1]
    assert desk.payer[waiting].tolist() == [7, 7]
    assert desk.effort[waiting].tolist() == [0.5, 0.3]
    assert (desk.service[[0, 1, 2, 4, 5, 7]] == -1).all()


def test_friction_without_a_delay_starts_the_kept_at_once():
    desk, state = ReferralDesk(8, 3), ServiceState.empty(8, 0)
    chosen, providers, effort = refer(desk, state, 0.25, 0)
    assert chosen.tolist() == [3, 6] and providers.tolist() == [0, 1]
    assert effort.tolist() == [0.5, 0.3]
    assert desk.counts[:, 1].sum() == 2.0 and (state.referral_wait == -1).all()


def test_no_loss_draws_no_numbers():
    desk, state = ReferralDesk(8, 3), ServiceState.empty(8, 0)
    chosen, _, _ = refer(desk, state, 0.0, 0, draws=())
    assert chosen.tolist() == CHOSEN.tolist() and not desk.counts[:, 1].any()


class Starts:
    """Records the calls of ``begin(idx, service, providers, uid, effort, month)``."""

    def __init__(self) -> None:
        self.calls = []

    def __call__(self, idx, service, providers, uid, effort, month) -> None:
        self.calls.append((idx.tolist(), service, providers.tolist(), uid.tolist(),
                           effort.tolist(), month))


def test_activate_starts_the_waiting_still_out_of_work_when_the_wait_ends():
    desk, state = ReferralDesk(8, 3), ServiceState.empty(8, 0)
    refer(desk, state, 0.0, 2, draws=())  # persons 1, 3, 4, 6 wait 2 months for coaching
    state.referral_wait[0] = 1  # person 0 waits a month for training
    desk.service[0], desk.provider[0], desk.payer[0], desk.effort[0] = TRAINING, 2, 5, 0.8
    status = np.full(8, UNEMPLOYED, dtype=np.int8)
    begin = Starts()
    desk.activate(state, status, begin, month=10)
    assert begin.calls == [([0], TRAINING, [2], [5], [0.8], 10)]
    assert state.referral_wait[[0, 1, 3, 4, 6]].tolist() == [-1, 1, 1, 1, 1]
    assert desk.service[0] == -1 and desk.provider[0] == -1 and desk.payer[0] == -1
    status[3] = EMPLOYED  # found work while waiting: the referral lapses
    desk.activate(state, status, begin, month=11)
    assert begin.calls[1:] == [([1, 4, 6], COACHING, [0, 1, 1], [7, 7, 7], [1.0, 1.0, 0.3],
                                11)]
    assert (state.referral_wait == -1).all() and (desk.service == -1).all()
    desk.activate(state, status, begin, month=12)  # no one waits: nothing starts
    assert len(begin.calls) == 2


def test_a_new_quarter_starts_its_counts_afresh():
    desk, state = ReferralDesk(8, 3), ServiceState.empty(8, 0)
    refer(desk, state, 0.25, 2)
    desk.end_quarter()
    assert not desk.counts.any()


@pytest.mark.parametrize("friction", [True, False])
def test_counts_of_sent_referrals_are_by_home(friction):
    desk, state = ReferralDesk(8, 3), ServiceState.empty(8, 0)
    refer(desk, state, 0.0, 0, draws=(), friction=friction)
    refer(desk, state, 0.0, 0, draws=(), friction=friction)
    assert desk.counts[:, 0].tolist() == [4.0, 2.0, 2.0]


def test_coded_values_read_back_exactly_as_an_array_would():
    """The desk's one-byte effort store against a plain float64 array (the reference)."""
    rng = np.random.default_rng(3)
    levels = np.unique(np.r_[np.linspace(0.3, 1.7, 11), 1.0])
    coded, plain = Coded(50, 1.0), np.ones(50)
    for _ in range(20):
        idx = rng.choice(50, size=rng.integers(1, 10), replace=False)
        values = rng.choice(levels, size=idx.size)
        coded[idx], plain[idx] = values, values
        assert coded[np.arange(50)].tobytes() == plain.tobytes()
    coded[7] = 0.1  # a scalar, and a value outside the grid
    assert coded[7] == 0.1 and coded.codes.dtype == np.uint8


def test_coded_refuses_more_values_than_a_byte_holds():
    coded = Coded(300, 0.0)
    coded[np.arange(255)] = np.arange(1, 256) / 256
    with pytest.raises(ValueError, match="256 distinct"):
        coded[299] = 2.0
