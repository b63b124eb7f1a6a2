"""The what-if dashboard (kasvu app): separate action and the alliance, month by month.

``kasvu app`` serves :mod:`.dashboard` with Solara; everything else here is plain Python
that runs and is tested without a browser (and without the app extra). Where to look:

- :mod:`.settings`: what the widgets say (:class:`Settings`, :func:`defaults_for`) and the
  two scenarios they make (:func:`build_scenarios`);
- :mod:`.state`: the paired model (:class:`WhatIfModel`) and the snapshots its charts draw
  (:class:`Snapshot`);
- :mod:`.charts`: the charts; :mod:`.labels`: the dashboard's words in Finnish and English;
- :mod:`.dashboard`: the user interface (Mesa's SolaraViz; needs the app extra).
"""

from .settings import Settings, build_scenarios, defaults_for
from .state import Snapshot, WhatIfModel, run_to_end

__all__ = ["Settings", "Snapshot", "WhatIfModel", "build_scenarios", "defaults_for",
           "run_to_end"]
