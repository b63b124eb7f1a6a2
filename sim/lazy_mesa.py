"""Import Mesa without the parts of it the model never uses, until someone uses them.

``import mesa`` runs ``mesa/__init__.py``, which imports ``mesa.experimental`` (and with it
``scipy.spatial``), ``mesa.space`` and ``mesa.discrete_space`` (with ``networkx``): about
0.4 s of a 2 s command, for spaces the model does not have (its persons live in
municipalities, not on a grid). Performance trick: before Mesa is first imported, those three
subpackages are put into ``sys.modules`` as *deferred* modules, whose code runs the first
time one of their names is read (``mesa.space.MultiGrid``, ``from mesa.experimental import
devs``). Nothing else changes: ``mesa.Model``, ``mesa.Agent`` and ``mesa.DataCollector`` are
Mesa's own, and code that uses a space gets the real module, only later.

:func:`importlib.util.LazyLoader` cannot do this: Python's import statement reads a module's
``__spec__``, which makes a lazy module load at once, when ``mesa/__init__.py`` imports it.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import types

DEFERRED = ("mesa.experimental", "mesa.space", "mesa.discrete_space")


class _DeferredModule(types.ModuleType):
    """A module whose code runs when a name not yet in it is first read."""

    def __getattr__(self, name: str) -> object:
        # Called only for names the module does not have yet, never for __spec__ or __path__
        # (set by module_from_spec), so importing it or a submodule of it does not load it.
        self.__class__ = types.ModuleType  # from now on an ordinary module
        self.__spec__.loader.exec_module(self)
        return getattr(self, name)


def defer_unused_mesa() -> None:
    """Put Mesa's spatial subpackages into ``sys.modules`` deferred, if Mesa is not loaded.

    Does nothing when ``mesa`` has been imported already (then its subpackages are loaded) or
    when a subpackage is not found (another Mesa version: then it loads as usual).
    """
    if "mesa" in sys.modules:
        return
    top = importlib.util.find_spec("mesa")  # finds the package without running it
    if top is None or top.submodule_search_locations is None:
        return
    for name in DEFERRED:
        spec = importlib.machinery.PathFinder.find_spec(name, top.submodule_search_locations)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        module.__class__ = _DeferredModule
        sys.modules[name] = module


defer_unused_mesa()  # on import: `sim` imports this module before anything imports Mesa
