"""``python -m analysis.cli``: the ``kasvu`` command without the installed script."""

from . import console

console()
