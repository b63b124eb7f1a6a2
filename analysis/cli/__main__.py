"""``python -m analysis.cli``: the ``kasvu`` command without the installed script."""

import sys

from . import main

sys.exit(main())
