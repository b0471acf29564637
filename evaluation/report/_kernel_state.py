"""Runs inside a warm kernel: import the stack once, then give each notebook a clean slate.

A warm kernel (see :mod:`evaluation.report.engine`) executes many notebooks one after
the other. :func:`warm_up` imports the libraries the notebooks use and records the
process-wide state a notebook can change; :func:`restore` runs before every notebook and
puts that state back, so a notebook sees what it would see in a fresh kernel except that
its imports are already done.

Reset before each notebook:

* the IPython user namespace (every variable, function, import name; ``In``/``Out``),
  and the execution counter (cells are numbered from 1 again);
* the working directory (the notebook's folder);
* matplotlib: every figure is closed and ``rcParams`` are restored (this also undoes
  ``seaborn.set_theme`` and ``plt.style.use``); the inline backend is activated once in
  :func:`warm_up`, before ``rcParams`` are recorded, so the restored state keeps the
  interactive mode the inline backend needs to display figures (a fresh kernel
  switches it on at the first plot); its pending-figure list and its configuration
  (``%config InlineBackend...``) are reset too;
* ``warnings`` filters, ``os.environ``, ``sys.path``, numpy error handling and print
  options, pandas options;
* IPython display formatters registered by a notebook (e.g. the report table style of
  :func:`evaluation.report.tables.install`) are removed;
* the global random generators of numpy and ``random`` are reseeded from entropy, as
  in a fresh process (a notebook that wants reproducible numbers seeds its own);
* modules imported by a notebook from outside the installed packages (e.g. a helper
  ``.py`` next to the notebook) are dropped so the next import reads them again.

Not reset (documented limits): module-level state inside already imported packages
(e.g. ``functools.lru_cache`` caches of static reference tables, class attributes a
notebook monkey-patches), threads or child processes a notebook leaves running, and
open files. A notebook that changes library globals should undo it or be run cold.
Kernels are never shared between runs, and a kernel that timed out or died is replaced.
"""

from __future__ import annotations

import gc
import importlib
import os
import random
import sys
import sysconfig
import warnings

#: Imported once per kernel; missing ones are skipped.
WARM_MODULES = (
    "numpy",
    "pandas",
    "scipy.stats",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "statsmodels.api",
    "statsmodels.formula.api",
    "sklearn.linear_model",
    "sklearn.ensemble",
    "sklearn.model_selection",
    "sklearn.metrics",
    "IPython.display",
    "evaluation",
    "evaluation.config",
    "evaluation.data",
    "evaluation.plots",
    "evaluation.report.metrics",
    "evaluation.report.privacy",
    "evaluation.outcomes",
    "evaluation.impact",
    "evaluation.risk",
    "evaluation.national",
)

_saved: dict = {}


def _installed_roots() -> tuple[str, ...]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    for key in ("purelib", "platlib", "stdlib", "platstdlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(path)
    try:
        import evaluation

        roots.add(os.path.dirname(os.path.abspath(evaluation.__file__)))
    except Exception:
        pass
    return tuple(os.path.abspath(r) + os.sep for r in roots)


def warm_up(modules=WARM_MODULES) -> list[str]:
    """Import ``modules`` and record the state :func:`restore` puts back; returns the failures."""
    failed = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:
                failed.append(name)
    _activate_backend()
    _saved.clear()
    _saved["environ"] = dict(os.environ)
    _saved["path"] = list(sys.path)
    _saved["filters"] = list(warnings.filters)
    _saved["modules"] = set(sys.modules)
    _saved["roots"] = _installed_roots()
    _saved["formatters"] = _formatter_state()
    if "matplotlib" in sys.modules:
        import matplotlib

        _saved["rc"] = dict(matplotlib.rcParams)
        _saved["inline"] = _inline_config()
    if "numpy" in sys.modules:
        import numpy as np

        _saved["np_err"] = np.geterr()
        _saved["np_print"] = np.get_printoptions()
    return failed


def _formatter_state() -> dict | None:
    """Copies of the type printers of every IPython display formatter."""
    try:
        from IPython import get_ipython

        ip = get_ipython()
    except Exception:
        return None
    if ip is None:
        return None
    return {mime: (dict(f.type_printers), dict(f.deferred_printers))
            for mime, f in ip.display_formatter.formatters.items()}


def _restore_formatters(saved: dict | None) -> None:
    if not saved:
        return
    from IPython import get_ipython

    ip = get_ipython()
    if ip is None:
        return
    for mime, f in ip.display_formatter.formatters.items():
        if mime in saved:
            f.type_printers = dict(saved[mime][0])
            f.deferred_printers = dict(saved[mime][1])


def _activate_backend() -> None:
    """Load the configured matplotlib backend now, as a fresh kernel does at its first plot.

    Under IPython the inline backend, when loaded, switches matplotlib to interactive mode
    and hooks figure display into every cell. Recording ``rcParams`` before that happens
    and restoring them later would switch interactive mode off again, and every figure
    of every later notebook would silently not be shown.
    """
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return
    import matplotlib

    try:
        plt.switch_backend(matplotlib.get_backend())
    except Exception:  # pragma: no cover - a headless backend that cannot load
        pass


def _inline_config() -> dict | None:
    """The inline backend's settings (formats, dpi options), if it is in use."""
    module = sys.modules.get("matplotlib_inline.config")
    if module is None:
        return None
    cfg = module.InlineBackend.instance()
    return {name: getattr(cfg, name) for name in cfg.trait_names(config=True)}


def _reset_inline(saved: dict | None) -> None:
    """Forget figures queued for display and undo ``%config InlineBackend`` changes."""
    backend = sys.modules.get("matplotlib_inline.backend_inline")
    if backend is not None:
        backend.show._to_draw = []
        backend.show._draw_called = False
    if saved is None:
        return
    cfg = sys.modules["matplotlib_inline.config"].InlineBackend.instance()
    changed = {name: value for name, value in saved.items() if getattr(cfg, name) != value}
    for name, value in changed.items():
        setattr(cfg, name, value)
    if changed and backend is not None and getattr(cfg, "shell", None) is not None:
        from IPython.core.pylabtools import select_figure_formats

        select_figure_formats(cfg.shell, cfg.figure_formats, **cfg.print_figure_kwargs)


def restore(cwd: str) -> None:
    """Clean slate for the next notebook, which runs in ``cwd``."""
    ip = None
    try:
        from IPython import get_ipython

        ip = get_ipython()
    except Exception:
        pass
    if ip is not None:
        ip.reset(new_session=False)
        ip.execution_count = 1
        _restore_formatters(_saved.get("formatters"))

    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            plt.close("all")
        if "rc" in _saved:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                mpl.rcParams.clear()
                mpl.rcParams.update(_saved["rc"])
        _reset_inline(_saved.get("inline"))

    np = sys.modules.get("numpy")
    if np is not None:
        if "np_err" in _saved:
            np.seterr(**_saved["np_err"])
        if "np_print" in _saved:
            np.set_printoptions(**_saved["np_print"])
        np.random.seed(None)
    random.seed()

    pd = sys.modules.get("pandas")
    if pd is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pd.reset_option("all")

    if "environ" in _saved:
        os.environ.clear()
        os.environ.update(_saved["environ"])
    if "path" in _saved:
        sys.path[:] = _saved["path"]
    if "filters" in _saved:
        warnings.filters[:] = _saved["filters"]
        getattr(warnings, "_filters_mutated", lambda: None)()

    known = _saved.get("modules", set())
    roots = _saved.get("roots", ())
    for name in [m for m in list(sys.modules) if m not in known]:
        path = getattr(sys.modules.get(name), "__file__", None)
        if path and not os.path.abspath(path).startswith(roots):
            del sys.modules[name]

    os.chdir(cwd)
    gc.collect()
