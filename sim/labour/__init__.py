"""The labour market (työmarkkinat): persons and firms, their flows, and job matching.

Persons and firms are many, so they live as struct-of-arrays and their monthly rules run
in numba kernels; the model (:mod:`sim.model`) calls them in the month's order.

- :mod:`.population`: the region's geography, persons and firms (arrays), status codes;
- :mod:`.firms`: firm deaths, layoffs due, vacancies posted;
- :mod:`.flows`: separations, jobseekers, hires, ageing of spells (scarring);
- :mod:`.matching`: job matching (apply, rank, offer, accept) and vacancy screening;
- :mod:`.applications`: a matching round's applications, sent on every thread and
  ranked firm by firm;
- :mod:`.pool`: work in parts on threads (the thread setting, the pool, ranges of
  persons that split no municipality);
- :mod:`.heaps`: the firms' heaps of best applicants;
- :mod:`.stocks`: stocks per area for the time series;
- :mod:`.workspace`: scratch arrays the kernels reuse between months.
"""

from .pool import matching_threads, set_matching_threads
from .population import (
    EMPLOYED,
    OUTSIDE,
    UNEMPLOYED,
    Firms,
    Geography,
    Persons,
    build_geography,
    reach_weights,
)

__all__ = ["EMPLOYED", "OUTSIDE", "UNEMPLOYED", "Firms", "Geography", "Persons",
           "build_geography", "matching_threads", "reach_weights", "set_matching_threads"]
