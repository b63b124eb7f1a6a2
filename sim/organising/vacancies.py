"""Vacancy knowledge (työpaikkatieto): which vacancies a municipality's jobseekers see.

Under separate action some firms' vacancies are known only to their municipality's
employer services (vacancy class 1); jobseekers elsewhere see them only at the open
market's share (``separate.open_market_share``). Within an alliance with the lever
``shared_vacancies``, and within a host-municipality arrangement, the members' employer
services share what they know. Matching sees this as weights over (municipality, class)
destinations (:meth:`VacancyAccess.expanded_reach`), so the matching kernel is unchanged.
"""

from __future__ import annotations

import numpy as np

from .alliance import AllianceAgent
from .organisers import Organisers


def visibility(n_munis: int, groups: list[set[int]], open_share: float) -> np.ndarray:
    """Weight with which a home municipality's jobseekers see each vacancy class.

    Returns an (M, M, 2) array: class 0 vacancies (open) weigh 1; class 1 vacancies (known
    only to a municipality's employer services) weigh 1 at home and inside a group that
    shares vacancies, ``open_share`` elsewhere.
    """
    vis = np.ones((n_munis, n_munis, 2))
    vis[:, :, 1] = open_share
    np.fill_diagonal(vis[:, :, 1], 1.0)
    for group in groups:
        idx = np.array(sorted(group), dtype=np.int64)
        if idx.size:
            vis[np.ix_(idx, idx, [1])] = 1.0
    return vis


class VacancyAccess:
    """This month's vacancy visibility, recomputed only when the sharing groups change."""

    def __init__(self, orgs: Organisers, hosts: list[tuple[int, list[int]]],
                 open_share: float) -> None:
        """Separate action until a group shares its vacancies."""
        self.orgs = orgs
        self.hosts = hosts
        self.open_share = open_share
        self._key: tuple | None = None
        self.vis = visibility(orgs.n_munis, [], open_share)
        self._reach_key: tuple | None = None
        self._reach2 = self._dist2 = np.empty((0, 0))

    def visibility(self, alliances: list[AllianceAgent], month: int) -> np.ndarray:
        """(M, M, 2) visibility of vacancy classes this month (see :func:`visibility`)."""
        groups = [frozenset(self.orgs.municipalities(a.members)) for a in alliances
                  if a.active(month) and a.lever("shared_vacancies")]
        groups += [frozenset(m - 1 for m in [h, *ms]) for h, ms in self.hosts]
        key = tuple(sorted(tuple(sorted(g)) for g in groups))
        if key != self._key:
            self._key = key
            self.vis = visibility(self.orgs.n_munis, [set(g) for g in groups], self.open_share)
        return self.vis

    def expanded_reach(self, reach: np.ndarray, dist: np.ndarray,
                       alliances: list[AllianceAgent], month: int
                       ) -> tuple[np.ndarray, np.ndarray]:
        """Reach and distance over (municipality, vacancy class) destinations.

        Home h is row 2h; destination 2m + c is municipality m's class-c vacancies.
        """
        vis = self.visibility(alliances, month)
        key = (id(reach), self._key)
        if self._reach_key != key:
            m = self.orgs.n_munis
            reach2 = np.zeros((2 * m, 2 * m))
            dist2 = np.zeros((2 * m, 2 * m))
            for c in (0, 1):
                reach2[0::2, c::2] = reach * vis[:, :, c]
                dist2[0::2, c::2] = dist
            self._reach2, self._dist2, self._reach_key = reach2, dist2, key
        return self._reach2, self._dist2
