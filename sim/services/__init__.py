"""The growth services (palvelut): who is in which service, its effects, and who produces it.

Eight services (coaching, training, wage subsidy, rehabilitation, business advisory, growth
funding, recruitment, start-up grant; :data:`sim.scenario.SERVICES`), five for jobseekers
and three for firms. Their state lives in arrays beside the populations; the rules are
vectorised functions and numba kernels over those arrays, with no knowledge of who pays
(that is :mod:`sim.organising`). Where to look:

- :mod:`.state`: the service state of persons and firms, and starting a service;
- :mod:`.eligibility`: who may start which service (kohderyhmät);
- :mod:`.search`: how a service changes a client's job search (applications, score);
- :mod:`.progress`: a month in a service, completions, firm services' effects;
- :mod:`.counts`: providers' load and clients by area (kernel passes);
- :mod:`.providers`: providers as Mesa agents, outcome prices, effort and creaming;
- :mod:`.market`: the provider market: the month's close, entry and exit, rankings;
- :mod:`.outcomes`: outcomes by employability quintile (creaming and parking show here);
- :mod:`.trial`: a randomised trial of one service (``[experiment]``).
"""

from .market import TRANSFERS, ProviderMarket
from .outcomes import OutcomeTracker
from .providers import ServiceProvider
from .state import SERVICE_INDEX, ServiceState
from .trial import Trial

__all__ = ["SERVICE_INDEX", "TRANSFERS", "OutcomeTracker", "ProviderMarket", "ServiceProvider",
           "ServiceState", "Trial"]
