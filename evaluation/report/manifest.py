"""What a report run needs to be reproduced: data hashes, package versions, commit.

Papermill records the parameters and timing of each notebook but not the data it read,
the packages it ran with, the commit of the code or the kernel. The runner records
them here once per run and copies them into every rendered notebook's footer.
"""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from evaluation.config import PROJECT_ROOT
from evaluation.hashing import data_hashes

#: Distributions whose versions change results or rendering.
KEY_PACKAGES = (
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "scikit-learn",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "ipykernel",
)

#: Version of the manifest layout; bump when keys change meaning.
MANIFEST_VERSION = 1


def _distribution_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def package_versions(packages: Iterable[str] = KEY_PACKAGES) -> dict[str, str | None]:
    """Versions of Python, this package and the key dependencies (``None`` if absent).

    Read from installed distribution metadata, without importing the packages, so the
    call is cheap in the runner process.
    """
    import evaluation

    versions: dict[str, str | None] = {
        "python": platform.python_version(),
        # The source's own version; the installed metadata if the package was
        # imported without its __init__ (e.g. a stale editable install).
        "evaluation": getattr(evaluation, "__version__", None) or _distribution_version("blkk-evaluation"),
    }
    for name in packages:
        versions[name] = _distribution_version(name)
    return versions


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        done = subprocess.run(
            # --no-optional-locks: a status query must not rewrite the index.
            ["git", "--no-optional-locks", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip()


def git_commit(repo_dir: str | Path | None = None) -> str | None:
    """Commit of ``repo_dir``, with ``+dirty`` if tracked files have uncommitted changes.

    ``None`` when git is missing, the folder is not a checkout, or nothing is committed
    yet. Untracked files do not mark the tree dirty: run outputs and caches are
    untracked by design, while every input that changes a result is tracked.
    """
    from evaluation.config import IN_CHECKOUT

    if repo_dir is None:
        if not IN_CHECKOUT:  # an installed package: the folder it runs from is someone else's
            return None
        repo_dir = PROJECT_ROOT
    repo = Path(repo_dir)
    if not repo.exists():
        return None
    sha = _git(["rev-parse", "--verify", "--quiet", "HEAD"], repo)
    if not sha:
        return None
    status = _git(["status", "--porcelain", "--untracked-files=no"], repo)
    return f"{sha}+dirty" if status else sha


def kernel_info(kernel_name: str) -> dict[str, Any]:
    """Name, display name, language and interpreter of an installed Jupyter kernel.

    The executed notebook keeps the kernelspec it was saved with even when another
    kernel ran it, so the runner records the kernel here. Unknown kernels give just
    the name.
    """
    info: dict[str, Any] = {"name": kernel_name}
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except Exception:  # no such kernel, or jupyter_client unavailable
        return info
    info["display_name"] = spec.display_name
    info["language"] = spec.language
    info["executable"] = spec.argv[0] if spec.argv else None
    return info


def shown_parameters(parameters: dict) -> dict:
    """Parameters as a page's footer shows them: folders relative to the project (or just
    their name when outside it), never the absolute paths of the machine that ran it."""
    shown = {}
    for key, value in dict(parameters).items():
        if isinstance(value, str) and key.endswith("_dir") and value:
            path = Path(value)
            if path.is_absolute():
                try:
                    value = path.resolve().relative_to(PROJECT_ROOT).as_posix()
                except ValueError:
                    value = path.name
        shown[key] = value
    return shown


def _relative(path: Path, root: Path = PROJECT_ROOT) -> str:
    path = Path(path).resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def build_manifest(
    *,
    run_name: str,
    parameters: Mapping[str, Any],
    regions: list[str],
    notebooks: list[Path],
    kernel_name: str,
    tasks: list[Mapping[str, Any]],
    started: str,
    finished: str,
    data_dir: str | Path | None = None,
    hashes: Mapping[str, str] | None = None,
    versions: Mapping[str, str | None] | None = None,
    commit: str | None = None,
    kernel: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    execution: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble the run manifest (written as ``manifest.json`` at the run root).

    Everything except the ``execution`` block and each task's ``seconds`` is a
    function of the inputs, so two runs of the same code on the same data give equal
    manifests once those timing fields are dropped. Values not passed (``hashes``,
    ``versions``, ``kernel``) are computed here; ``commit`` is taken as given because
    ``None`` is a meaningful value (not a checkout).
    """
    from evaluation.report.metrics import to_json_safe

    if hashes is None and data_dir is not None and Path(data_dir).is_dir():
        hashes = data_hashes(data_dir)
    statuses = [t.get("status") for t in tasks]
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "run_name": run_name,
        "parameters": to_json_safe(dict(parameters)),
        "regions": list(regions),
        "notebooks": [{"name": Path(nb).stem, "path": _relative(Path(nb))} for nb in notebooks],
        "data_dir": None if data_dir is None else _relative(Path(data_dir)),
        "data_hashes": None if hashes is None else dict(hashes),
        "package_versions": dict(versions) if versions is not None else package_versions(),
        "commit": commit,
        "kernel": dict(kernel) if kernel is not None else kernel_info(kernel_name),
        "options": to_json_safe(dict(options or {})),
        "summary": {
            "tasks": len(tasks),
            "ok": statuses.count("ok"),
            "failed": statuses.count("failed"),
            "timeout": statuses.count("timeout"),
        },
        "tasks": [to_json_safe(dict(t)) for t in tasks],
        "execution": to_json_safe({"started": started, "finished": finished, **dict(execution or {})}),
    }
    return manifest
