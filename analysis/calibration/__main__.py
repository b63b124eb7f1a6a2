"""``python -m analysis.calibration``: the calibration search (``make calibrate``)."""

import sys

from .search import main

sys.exit(main())
