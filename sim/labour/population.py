"""Populations as struct-of-arrays: persons (työvoima), firms (yritykset) and geography.

Persons and firms are many, so each attribute is one numpy array owned by the model and
indexed by person or firm number; the numba kernels loop over these arrays. Everything here
is built from a :class:`~sim.scenario.Scenario` and the model's random generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..scenario import Scenario
from ..scenario.region import mean_internal_distance_km

EMPLOYED = 0
"""Status code of a person in work (työssä)."""
UNEMPLOYED = 1
"""Status code of an unemployed jobseeker (työtön työnhakija); one in a service
(palveluissa) keeps this code, and the services' state tells them apart."""
OUTSIDE = 2
"""Status code of a person outside the labour force (työvoiman ulkopuolella) who may enter
it: young people, students, carers, the discouraged."""

EARTH_RADIUS_KM = 6371.0

# Memory a model takes, for the check before anything is built (check_memory). Persons:
# the measured peak of a national run is 189 bytes a person (docs/benchmarks.md), kept with
# headroom for the builders' temporaries; firms: ten arrays and their service state, with
# room to grow; municipality pairs: distances, reach and visibility matrices and their
# (municipality × vacancy class) copies; the time series: 16 metrics a month and area.
BYTES_PER_PERSON = 250
BYTES_PER_FIRM = 600
BYTES_PER_AREA_PAIR = 120
BYTES_PER_AREA_MONTH = 16 * 8
BYTES_BASE = 300 * 2**20
DEFAULT_LAND_AREA_KM2 = 25.0


@dataclass(frozen=True)
class Geography:
    """Municipalities' names, residents and commuting distances."""

    names: list[str]
    population: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    sub_region: list[str]
    distance_km: np.ndarray  # (M, M); the diagonal is the mean distance inside the area

    @property
    def size(self) -> int:
        """Number of municipalities."""
        return len(self.names)


def build_geography(scenario: Scenario) -> Geography:
    """Municipalities from the scenario list, or generated for a synthetic region."""
    if scenario.municipalities is not None:
        munis = scenario.municipalities
        names = [m.name for m in munis]
        population = np.array([m.population for m in munis], dtype=np.int64)
        lat = np.array([m.lat for m in munis], dtype=np.float64)
        lon = np.array([m.lon for m in munis], dtype=np.float64)
        area = np.array([m.land_area_km2 or DEFAULT_LAND_AREA_KM2 for m in munis])
        sub_region = [m.sub_region for m in munis]
    else:
        syn = scenario.synthetic_region
        layout = np.random.default_rng(syn.layout_seed)
        ranks = np.arange(1, syn.municipalities + 1, dtype=np.float64)
        weights = ranks**-syn.zipf_exponent
        population = _integer_split(syn.population, weights / weights.sum())
        population = np.maximum(population, 1)
        dy = layout.uniform(-0.5, 0.5, syn.municipalities) * syn.height_km
        dx = layout.uniform(-0.5, 0.5, syn.municipalities) * syn.width_km
        sub_region = [""] * syn.municipalities
        if syn.regions > 1:
            dx, dy, sub_region = _group_into_regions(layout, dx, dy, syn)
        lat = syn.center_lat + np.degrees(dy / EARTH_RADIUS_KM)
        lon = syn.center_lon + np.degrees(
            dx / (EARTH_RADIUS_KM * np.cos(np.radians(syn.center_lat)))
        )
        area = np.full(syn.municipalities, syn.width_km * syn.height_km / syn.municipalities)
        names = [f"M{k:03d}" for k in range(syn.municipalities)]
    distance = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    # Inside a municipality: the mean distance within a disc of its area.
    np.fill_diagonal(distance, mean_internal_distance_km(area))
    return Geography(names, population, lat, lon, sub_region, distance)


def _group_into_regions(layout: np.random.Generator, dx: np.ndarray, dy: np.ndarray, syn):
    """Regions (maakunnat) of a synthetic country: (east km, north km, region names).

    The ``regions`` largest municipalities are the regions' centres (at their own drawn
    places, so that region sizes inherit the rank-size rule's heavy tail); every other
    municipality joins a uniformly drawn region and lies around its centre, normally
    spread with a standard deviation of a quarter of a region's share of the rectangle's
    side. Positions are kept inside the rectangle.
    """
    n, r = dx.shape[0], syn.regions
    region = np.empty(n, dtype=np.int64)
    region[:r] = np.arange(r)
    region[r:] = layout.integers(0, r, n - r)
    spread = 0.25 * np.sqrt(syn.width_km * syn.height_km / r)
    x = dx[region] + layout.normal(0.0, spread, n)
    y = dy[region] + layout.normal(0.0, spread, n)
    x[:r], y[:r] = dx[:r], dy[:r]
    x = np.clip(x, -0.5 * syn.width_km, 0.5 * syn.width_km)
    y = np.clip(y, -0.5 * syn.height_km, 0.5 * syn.height_km)
    return x, y, [f"R{k:02d}" for k in region]


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance, km."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def _integer_split(total: int, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``shares`` (largest remainders)."""
    raw = total * shares
    out = np.floor(raw).astype(np.int64)
    rest = int(total - out.sum())
    if rest > 0:
        out[np.argsort(-(raw - out), kind="stable")[:rest]] += 1
    return out


@dataclass
class Persons:
    """The labour force and those outside it who may enter (henkilöt), one array each."""

    # Memory: the narrowest integer type that holds every value exactly (a person costs
    # 31 bytes here instead of 57; the kernels are compiled for these types).
    home: np.ndarray  # int32 municipality index
    skill: np.ndarray  # int8 skill group, 0 = lowest
    base_employability: np.ndarray  # float64 in [0, 1], before scarring
    employability: np.ndarray  # float64 in [0, 1], what firms rank by
    status: np.ndarray  # int8 status code (kernels.EMPLOYED, kernels.UNEMPLOYED, ...)
    employer: np.ndarray  # int32 firm index, -1 when not employed
    unemployment_months: np.ndarray  # int32 length of the current unemployment spell
    # uint8 1 when the person searched actively in the past four weeks (aktiivinen
    # työnhaku, the survey's criterion); kept at 1 outside unemployment, so that every
    # spell starts active (:func:`~sim.labour.flows.search_activity`)
    searching: np.ndarray

    @property
    def size(self) -> int:
        """Number of persons."""
        return self.home.shape[0]


@dataclass
class Firms:
    """Firms, one array per attribute, with spare slots for births (yritykset)."""

    muni: np.ndarray  # int64 municipality index
    skill: np.ndarray  # int64 skill group the firm's jobs demand
    baseline: np.ndarray  # float64 long-run scale, employees
    demand: np.ndarray  # float64 current desired employment
    productivity: np.ndarray  # float64 pay offered relative to the mean
    employment: np.ndarray  # int64 employees
    vacancies: np.ndarray  # int64 open vacancies
    alive: np.ndarray  # bool
    born: np.ndarray  # int64 month of birth (negative during burn-in and at start)
    size_scale: float = 1.0  # baselines are Zipf draws times this
    initial_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    policy_gain: np.ndarray = field(default_factory=lambda: np.zeros(0))  # float64 baseline
    # added by growth funding, employees; it adds to aggregate demand while the firm lives

    def __post_init__(self) -> None:
        if self.policy_gain.shape[0] != self.capacity:
            self.policy_gain = np.zeros(self.capacity)

    @property
    def capacity(self) -> int:
        """Number of slots, alive or not."""
        return self.muni.shape[0]

    def grow(self, extra: int) -> None:
        """Add ``extra`` dead slots (amortised doubling; outside every kernel)."""
        for name in (
            "muni",
            "skill",
            "baseline",
            "demand",
            "productivity",
            "employment",
            "vacancies",
            "alive",
            "born",
            "policy_gain",
        ):
            old = getattr(self, name)
            setattr(self, name, np.concatenate([old, np.zeros(extra, dtype=old.dtype)]))


def zipf_sizes(rng: np.random.Generator, n: int, exponent: float, max_size: int) -> np.ndarray:
    """Draw firm sizes with P(S ≥ s) = s^-exponent for s ≥ 1, capped at ``max_size``."""
    u = 1.0 - rng.random(n)  # in (0, 1]
    return np.minimum(np.floor(u ** (-1.0 / exponent)), max_size)


def stationary_sizes(
    rng: np.random.Generator, n: int, exponent: float, max_size: int, death_exponent: float
) -> np.ndarray:
    """Draw the sizes of a steady-state firm stock.

    Firms are born with Zipf sizes (:func:`zipf_sizes`) and die at a rate ∝ size^death_exponent,
    so the firms alive at any time are tilted toward larger sizes, in proportion to their
    expected lifetime size^-death_exponent. Starting from that law keeps total demand from
    drifting while births and deaths settle (importance resampling of Zipf draws).
    """
    draws = zipf_sizes(rng, 8 * n, exponent, max_size)
    weights = draws ** (-death_exponent)
    return rng.choice(draws, size=n, p=weights / weights.sum())


def build_persons(scenario: Scenario, geo: Geography, rng: np.random.Generator) -> Persons:
    """Each municipality's persons with skills, employability and initial status.

    The labour force (``labour_force_share`` of residents) and, drawn among them, persons
    outside it who may enter (``outside_share`` of the labour force on top): each person is
    outside with probability outside_share / (1 + outside_share), else unemployed with
    the initial unemployment rate, else employed. Everyone not employed carries the scars
    of its current spell and of earlier months out of work since its last job
    (``initial_prior_unemployment_months``), so that the pool starts near its steady state.
    """
    lab = scenario.labour
    if len(lab.skill_shares) > np.iinfo(np.int8).max:
        raise ValueError("labour.skill_shares: at most 127 skill groups")
    counts = np.rint(geo.population * lab.labour_force_share
                     * (1.0 + lab.outside_share)).astype(np.int64)
    home = np.repeat(np.arange(geo.size, dtype=np.int32), counts)
    n = home.shape[0]
    skill = rng.choice(len(lab.skill_shares), size=n, p=np.asarray(lab.skill_shares)).astype(
        np.int8
    )
    a, b = lab.employability_beta
    base = rng.beta(a, b, size=n)
    unemployed = rng.random(n) < lab.initial_unemployment_rate
    months = np.zeros(n, dtype=np.int64)
    months[unemployed] = rng.geometric(
        1.0 / max(lab.initial_mean_duration_months, 1.0), size=int(unemployed.sum())
    )
    employability = np.maximum(base * (1.0 - lab.scarring_rate) ** months, lab.employability_floor)
    status = np.where(unemployed, UNEMPLOYED, EMPLOYED).astype(np.int8)
    if lab.outside_share > 0.0:
        outside = rng.random(n) < lab.outside_share / (1.0 + lab.outside_share)
        status[outside] = OUTSIDE
        months[outside] = 0
        employability[outside] = base[outside]
    prior_mean = lab.initial_prior_unemployment_months
    if prior_mean > 0.0:  # earlier months out of work scar everyone not employed
        out = np.flatnonzero(status != EMPLOYED)
        prior = rng.geometric(1.0 / (1.0 + prior_mean), size=out.size) - 1  # mean prior_mean
        employability[out] = np.maximum(
            base[out] * (1.0 - lab.scarring_rate) ** (months[out] + prior),
            lab.employability_floor)
    return Persons(home, skill, base, employability, status, np.full(n, -1, dtype=np.int32),
                   months.astype(np.int32), np.ones(n, dtype=np.uint8))


def build_firms(
    scenario: Scenario,
    geo: Geography,
    persons: Persons,
    reach_w: np.ndarray,
    rng: np.random.Generator,
) -> Firms:
    """Firms per municipality with Zipf sizes; employed persons are placed in them.

    Baseline sizes are scaled so that all firms together want the employed persons plus the
    initial vacancy rate. Each employed person is placed in a municipality within reach,
    weighted by reach and jobs there, then in a firm weighted by its size.
    """
    fp = scenario.firms
    counts = np.maximum(np.rint(geo.population * fp.firms_per_1000_residents / 1000.0), 1)
    counts = counts.astype(np.int64)
    n = int(counts.sum())
    muni = np.repeat(np.arange(geo.size, dtype=np.int64), counts)
    demand_shares = fp.skill_demand_shares or scenario.labour.skill_shares
    skill = rng.choice(len(demand_shares), size=n, p=np.asarray(demand_shares)).astype(np.int64)
    raw = stationary_sizes(rng, n, fp.size_zipf_exponent, fp.max_size, fp.death_size_exponent)
    employed = np.flatnonzero(persons.status == EMPLOYED)
    scale = len(employed) * (1.0 + fp.initial_vacancy_rate) / raw.sum()
    baseline = raw * scale
    productivity = np.exp(fp.productivity_sd * rng.standard_normal(n) - fp.productivity_sd**2 / 2)

    employer = _place_workers(persons.home[employed], muni, baseline, reach_w, geo.size, rng)
    persons.employer[employed] = employer
    employment = np.bincount(employer, minlength=n).astype(np.int64)
    vacancies = np.maximum(np.rint(baseline).astype(np.int64) - employment, 0)
    return Firms(
        muni,
        skill,
        baseline,
        baseline.copy(),
        productivity,
        employment,
        vacancies,
        np.ones(n, dtype=bool),
        np.full(n, -(10**6), dtype=np.int64),
        size_scale=scale,
        initial_count=counts,
    )


def _place_workers(
    homes: np.ndarray,
    firm_muni: np.ndarray,
    baseline: np.ndarray,
    reach_w: np.ndarray,
    n_munis: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """A firm for each worker: municipality by reach × jobs, then firm by size."""
    jobs = np.bincount(firm_muni, weights=baseline, minlength=n_munis)
    order = np.argsort(firm_muni, kind="stable")
    starts = np.searchsorted(firm_muni[order], np.arange(n_munis + 1))
    out = np.empty(homes.shape[0], dtype=np.int64)
    dest = np.empty(homes.shape[0], dtype=np.int64)
    # Performance: each municipality's workers as one group of ascending indices (what
    # flatnonzero(homes == h) gives), from one stable sort instead of a scan of all
    # workers per municipality; the draws are the same, in the same order and sizes.
    by_home = np.argsort(homes, kind="stable")
    home_starts = np.searchsorted(homes[by_home], np.arange(n_munis + 1))
    for h in range(n_munis):
        idx = by_home[home_starts[h] : home_starts[h + 1]]
        w = reach_w[h] * jobs
        if w.sum() <= 0:
            w = np.where(np.arange(n_munis) == h, 1.0, 0.0)
        cum = np.cumsum(w)
        dest[idx] = np.minimum(
            np.searchsorted(cum, rng.random(idx.size) * cum[-1], side="right"), n_munis - 1
        )
    by_dest = np.argsort(dest, kind="stable")
    dest_starts = np.searchsorted(dest[by_dest], np.arange(n_munis + 1))
    for m in range(n_munis):
        idx = by_dest[dest_starts[m] : dest_starts[m + 1]]
        firms_here = order[starts[m] : starts[m + 1]]
        cum = np.cumsum(baseline[firms_here])
        pick = np.searchsorted(cum, rng.random(idx.size) * cum[-1], side="right")
        out[idx] = firms_here[np.minimum(pick, firms_here.size - 1)]
    return out


def reach_weights(distance_km: np.ndarray, reach_km: float, decay_km: float) -> np.ndarray:
    """Weight of a job at distance d: exp(-d / decay) within reach, 0 beyond."""
    return np.where(distance_km <= reach_km, np.exp(-distance_km / decay_km), 0.0)


def fit_weights(n_groups: int, penalty: float) -> np.ndarray:
    """Fit of skill s to a job of skill g: exp(-penalty · |s - g|)."""
    s = np.arange(n_groups)
    return np.exp(-penalty * np.abs(s[:, None] - s[None, :]))


def memory_needed(scenario: Scenario) -> tuple[int, int, int]:
    """Bytes a model of ``scenario`` needs, estimated before building it; persons; firms."""
    if scenario.municipalities is not None:
        population = np.array([m.population for m in scenario.municipalities], dtype=np.float64)
    else:
        syn = scenario.synthetic_region
        population = np.full(syn.municipalities, syn.population / syn.municipalities)
    lab = scenario.labour
    persons = int(np.rint(population * lab.labour_force_share
                          * (1.0 + lab.outside_share)).sum())
    firms = int(np.maximum(np.rint(population * scenario.firms.firms_per_1000_residents
                                   / 1000.0), 1).sum())
    areas = population.size
    months = scenario.simulation.months + 1
    needed = (BYTES_BASE + persons * BYTES_PER_PERSON + firms * BYTES_PER_FIRM
              + areas * areas * BYTES_PER_AREA_PAIR
              + months * (areas + 1) * BYTES_PER_AREA_MONTH)
    return needed, persons, firms


def available_memory() -> int | None:
    """Bytes this machine can give a new model now (``MemAvailable``), None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def check_memory(scenario: Scenario, available: int | None = None) -> None:
    """Refuse a scenario whose model would not fit in memory, before allocating anything.

    Raises:
        ScenarioError: naming the sizes, the estimate and what this machine has.
    """
    from ..scenario import ScenarioError

    needed, persons, firms = memory_needed(scenario)
    available = available_memory() if available is None else available
    if available is not None and needed > available:
        raise ScenarioError(
            f"{scenario.name}: {persons:,} persons and {firms:,} firms need about "
            f"{needed / 2**30:,.1f} GiB of memory, more than the {available / 2**30:,.1f} GiB "
            "this machine has available; lower the population (municipalities[].population, "
            "synthetic_region.population) or firms.firms_per_1000_residents, or run it on a "
            "larger machine")
