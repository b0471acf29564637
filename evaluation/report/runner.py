"""Execute notebooks for many regions and write a complete, self-describing report run.

One task is one notebook for one region. Each task runs papermill and then renders
its HTML in the same worker, so the rendered page and the executed notebook always
belong together. Tasks run in separate processes (papermill's ``cwd`` is a
process-wide ``chdir``, unsafe with threads); with ``jobs=1`` they run one after the
other in this process. A failing or timed-out task never stops the others; its status
comes from the runner, because papermill does not record timeouts in the notebook.

Everything is written to a hidden temporary folder next to the destination and moved
into place only when the whole run is complete, so an interrupted run leaves the
previous report untouched.

By default each worker keeps one warm kernel (stack imported once, reset to a clean
slate before every notebook; ``engine="cold"`` starts one kernel per notebook), see
:mod:`evaluation.report.engine`. National models are fitted once per run, before the
regional notebooks, into ``out_root/_fit/<source hash>/`` and passed to every notebook
with a ``fit_dir`` parameter. A rerun into the same folder skips tasks whose inputs
are unchanged since they last completed and carries their outputs over (``force``
runs everything), see :mod:`evaluation.report.reuse`. ``scheduler`` sends the tasks
to a Dask distributed cluster instead of the local process pool, see
:mod:`evaluation.report.dask_backend`.

Layout of ``out_root/<run_name>/``::

    manifest.json               parameters, regions, notebooks, data hashes, versions,
                                commit, kernel, options, per-task status/error/seconds
    index.html                  overview for reviewers, links to every page
    <region>/<notebook>.ipynb   executed notebook (partial if the task failed)
    <region>/<notebook>.html    rendered notebook, code hidden unless show_code
    <region>/metrics.json       {notebook stem: metrics it published}, notebook order

``<region>`` is the region itself when it is a plain name (letters, digits, ``._-``)
and a readable slug plus a short hash otherwise; the manifest gives each task's paths.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import json
import multiprocessing
import os
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from evaluation import hashing
from evaluation.config import KERNEL_NAME
from evaluation.report import manifest as _manifest
from evaluation.report.metrics import collect, to_json_safe

STATUSES = ("ok", "failed", "timeout")
#: Kernel handling (see :mod:`evaluation.report.engine`, which imports papermill).
ENGINE_CHOICES = ("warm", "cold")
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_MAX_ERROR_CHARS = 2000


@dataclass
class Task:
    """One notebook to execute for one region; outputs go to ``out_dir``."""

    notebook: Path
    region: str
    parameters: dict
    out_dir: Path


@dataclass
class TaskResult:
    """Outcome of one task. ``status`` is one of ``"ok"``, ``"failed"``, ``"timeout"``.

    ``seconds`` is wall time (execution plus rendering). ``cell`` is the index of the
    failing cell in the executed notebook, when known. ``html``/``ipynb`` are ``None``
    when nothing could be written. ``warnings`` are problems of a page that still
    completed, e.g. a plotting cell that produced no figure
    (:func:`evaluation.report.outputs.figure_warnings`).
    """

    notebook: Path
    region: str
    status: str
    error: str | None
    seconds: float
    metrics: dict = field(default_factory=dict)
    html: Path | None = None
    ipynb: Path | None = None
    cell: int | None = None
    reused: bool = False
    warnings: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)  # why earlier attempts were lost (a worker died)


@dataclass
class RunResult:
    """All task results of a run, in region order then notebook order."""

    tasks: list[TaskResult]
    path: Path
    manifest: dict

    @property
    def failed(self) -> list[TaskResult]:
        """Tasks whose status is not ``"ok"`` (failed or timed out)."""
        return [t for t in self.tasks if t.status != "ok"]

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class _Options:
    """Per-run settings shipped to every worker (must pickle)."""

    show_code: bool
    language: str
    timeout: int | None
    kernel_name: str
    run_name: str
    footer: dict
    guarded_names: tuple[str, ...] = ()
    engine: str = "warm"
    run_token: str = ""


def region_dir_name(region: str) -> str:
    """Folder name for a region: the name itself if plain, else a slug plus hash.

    Keeps ``"33"`` or ``"jawa-tengah"`` as they are, while a name with spaces,
    slashes or markup still gets a safe, unique folder.
    """
    if _PLAIN_NAME.match(region) and region not in (".", ".."):
        return region
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", region).strip("-.")[:40] or "region"
    digest = hashing.text_digest(region)[:8]
    return f"{slug}-{digest}"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _trim(text: str) -> str:
    text = str(text).strip()
    return text if len(text) <= _MAX_ERROR_CHARS else text[: _MAX_ERROR_CHARS - 1] + "…"


def _last_started_cell(nb) -> int | None:
    """Index of the last cell papermill started; where a timeout happened."""
    last = None
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("metadata", {}).get("papermill", {}).get("start_time"):
            last = index
    return last


def _kernel_label(kernel: dict, nb) -> str:
    """e.g. ``blkk: Python (blkk); python 3.11.7`` (spec name, display name, interpreter)."""
    label = kernel.get("name", "")
    if kernel.get("display_name"):
        label += f": {kernel['display_name']}"
    info = nb.get("metadata", {}).get("language_info", {}) if nb is not None else {}
    if info.get("name") and info.get("version"):
        label += f"; {info['name']} {info['version']}"
    return label


def _in_language(notebook: Path, language: str):
    """The notebook to execute: its path for English, else a copy with translated narrative."""
    if language == "en":
        return notebook
    import nbformat

    from evaluation.text import translate_notebook

    return translate_notebook(nbformat.read(notebook, as_version=4), notebook.stem, language)


def execute_task(task: Task, options: _Options) -> TaskResult:
    """Execute one notebook with papermill and render it; never raises for notebook errors.

    Runs in a worker process (or in-process when ``jobs=1``). The executed notebook is
    kept even when a cell fails or times out, and rendered if possible so a reviewer
    sees how far it got.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from evaluation.report.engine import ENGINES
    from evaluation.report.outputs import figure_warnings
    from evaluation.report.privacy import guard_identifiers
    from evaluation.report.render import to_html

    started = time.perf_counter()
    started_at = _now()
    notebook = Path(task.notebook)
    out_dir = Path(task.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ipynb = out_dir / f"{notebook.stem}.ipynb"
    html_path = out_dir / f"{notebook.stem}.html"
    status, error, cell, nb = "ok", None, None, None
    try:
        # the narrative in the page's language (the notebook's own markdown is English)
        source = _in_language(notebook, task.parameters.get("language", options.language))
        # The engine starts (or resets) the kernel in the notebook's folder; no
        # process-wide chdir, so this is also safe in Dask's worker threads.
        nb = papermill.execute_notebook(
            source,
            ipynb,
            parameters=task.parameters,
            engine_name=ENGINES[options.engine],
            kernel_name=options.kernel_name,
            execution_timeout=options.timeout,
            progress_bar=False,
            log_output=False,
            kernel_cwd=str(notebook.parent),
            run_token=options.run_token,
        )
    except PapermillExecutionError as exc:
        status, error, cell = "failed", _trim(f"{exc.ename}: {exc.evalue}"), exc.cell_index
    except TimeoutError:
        # nbclient's CellTimeoutError; the saved notebook does not show it.
        status, error = "timeout", f"a cell did not finish within {options.timeout} s"
    except Exception as exc:  # kernel died, kernel missing, unreadable notebook, ...
        status, error = "failed", _trim(f"{type(exc).__name__}: {exc}")

    if nb is None and ipynb.exists():
        try:
            nb = nbformat.read(ipynb, as_version=4)
        except Exception:  # half-written file: keep the status we have
            nb = None
    if status == "timeout" and nb is not None:
        cell = _last_started_cell(nb)
        if cell is not None:
            error += f" (cell {cell})"
    metrics = collect(nb) if nb is not None else {}
    warnings = figure_warnings(nb) if nb is not None else []

    written_html = None
    if nb is not None:
        footer = {
            **options.footer,
            "region": task.region,
            "notebook": notebook.name,
            "status": status,
            "error": error,
            "parameters": _manifest.shown_parameters(task.parameters),
            "kernel": _kernel_label(options.footer.get("kernel") or {}, nb),
            "started": started_at,
            "finished": _now(),
            "seconds": round(time.perf_counter() - started, 2),
            "warnings": warnings,
        }
        if error is None:
            del footer["error"]
        if not warnings:
            del footer["warnings"]
        try:
            page = to_html(
                nb,
                show_code=options.show_code,
                footer=footer,
                language=options.language,
                resources_path=notebook.parent,
            )
            exports = _exported_files(out_dir, notebook.stem)
            leaks = guard_identifiers(page, json.dumps(metrics, default=str), *(_file_text(f) for f in exports),
                                      names=options.guarded_names)
            if leaks:
                # nothing with a personal identifier is published, not even the executed notebook
                ipynb.unlink(missing_ok=True)
                for f in exports:
                    f.unlink(missing_ok=True)
                status, error = "failed", f"privacy guard: {len(leaks)} personal identifier(s) in the output; page withheld"
                metrics = {}
            else:
                html_path.write_text(page, encoding="utf-8")
                written_html = html_path
        except Exception as exc:
            if status == "ok":
                status, error = "failed", _trim(f"rendering failed: {type(exc).__name__}: {exc}")

    return TaskResult(
        notebook=notebook,
        region=task.region,
        status=status,
        error=error,
        seconds=round(time.perf_counter() - started, 3),
        metrics=metrics,
        html=written_html,
        ipynb=ipynb if ipynb.exists() else None,
        cell=cell,
        warnings=warnings,
    )


def ensure_kernel(kernel_name: str) -> str:
    """A Jupyter kernel that runs *this* interpreter: the project's kernel (``blkk``) when it
    does, otherwise one registered now (in this environment, or in the user's Jupyter folder
    if that is not writable), so ``blkk report`` works after any install with no separate
    kernel step. Any other kernel name is used as given (and refused if not installed)."""
    import sys

    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    here = Path(sys.executable).absolute()
    if kernel_name != KERNEL_NAME:  # a kernel asked for by name is used as it is, or refused
        return kernel_name
    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
        exe = spec.argv[0] if spec.argv else ""
        found = shutil.which(exe) or exe
        if found and Path(found).absolute() == here:
            return kernel_name
        name = f"{kernel_name}-{hashing.text_digest(str(here))[:8]}"  # taken by another interpreter
    except NoSuchKernel:
        name = kernel_name
    try:
        spec = KernelSpecManager().get_kernel_spec(name)
        if spec.argv and Path(spec.argv[0]).absolute() == here:
            return name
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    try:
        install(kernel_name=name, display_name=f"Python ({kernel_name})", prefix=sys.prefix)
    except OSError:
        install(kernel_name=name, display_name=f"Python ({kernel_name})", user=True)
    return name


def _validate(notebooks: list[Path], regions: list[str], run_name: str) -> None:
    if not notebooks:
        raise ValueError("no notebooks given")
    if not regions:
        raise ValueError("no regions given")
    missing = [str(nb) for nb in notebooks if not Path(nb).is_file()]
    if missing:
        raise FileNotFoundError(f"notebook(s) not found: {', '.join(missing)}")
    stems = [Path(nb).stem for nb in notebooks]
    if len(set(stems)) != len(stems):
        raise ValueError(f"notebook names must be unique (outputs are named by them): {stems}")
    for region in regions:
        if not isinstance(region, str) or not region.strip():
            raise ValueError(f"region must be a non-empty string, got {region!r}")
    if len(set(regions)) != len(regions):
        raise ValueError(f"regions listed twice: {sorted({r for r in regions if regions.count(r) > 1})}")
    dirs = [region_dir_name(r) for r in regions]
    if len(set(dirs)) != len(dirs):
        raise ValueError(f"regions map to the same folder: {regions}")
    if not _PLAIN_NAME.match(run_name) or run_name in (".", ".."):
        raise ValueError(
            f"run_name must be a plain folder name (letters, digits, '._-', not starting with '.'), got {run_name!r}"
        )


def _resolve_data_dir(parameters: dict, notebooks: list[Path]) -> Path | None:
    """The data folder the notebooks read, relative paths taken from their folder."""
    value = parameters.get("data_dir")
    if value in (None, ""):
        return None
    path = Path(value)
    if not path.is_absolute():
        path = Path(notebooks[0]).parent / path
    return path.resolve()


def _pool_context():
    """forkserver with papermill preloaded: workers start from a clean, single-threaded
    parent (kernels and zmq dislike fork from a threaded process) without paying
    the imports again; spawn where forkserver does not exist."""
    try:
        ctx = multiprocessing.get_context("forkserver")
    except ValueError:
        return multiprocessing.get_context("spawn")
    ctx.set_forkserver_preload(["papermill", "nbconvert", "evaluation.report.render", "evaluation.report.engine"])
    return ctx


def _stop_pool(executor: cf.ProcessPoolExecutor) -> None:
    """Stop running workers at once (their kernels exit with their parent); a worker that does
    not stop on SIGTERM within a few seconds is killed, so an interrupted run never hangs."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
    executor.shutdown(wait=False, cancel_futures=True)


def _event_loop_running() -> bool:
    """True inside a notebook or other asyncio code, where papermill cannot run in-process."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _execute_all(
    tasks: list[Task], options: _Options, jobs: int, bar, scheduler: str | None = None
) -> list[TaskResult]:
    results: list[TaskResult | None] = [None] * len(tasks)
    if not tasks:
        return []

    def done(index: int, result: TaskResult) -> None:
        results[index] = result
        if bar is not None:
            bar.update(1)
            failed = sum(1 for r in results if r is not None and r.status != "ok")
            if failed:
                bar.set_postfix(failed=failed)

    def crashed(task: Task, exc: BaseException, prefix: str = "") -> TaskResult:
        # A bug outside the notebook (or a dead worker): record it and go on.
        return TaskResult(task.notebook, task.region, "failed", _trim(f"{prefix}{type(exc).__name__}: {exc}"), 0.0)

    if scheduler:
        from evaluation.report.dask_backend import execute_on_dask

        execute_on_dask(tasks, options, scheduler, done, crashed, execute_task)
        return results  # type: ignore[return-value]

    if jobs <= 1 and not _event_loop_running():
        from evaluation.report import engine

        try:
            for index, task in enumerate(tasks):
                try:
                    result = execute_task(task, options)
                except Exception as exc:
                    result = crashed(task, exc)
                done(index, result)
        finally:
            engine.shutdown_all()  # the warm kernel does not outlive the run
        return results  # type: ignore[return-value]

    _execute_on_pool(tasks, options, jobs, done)
    return results  # type: ignore[return-value]


#: How many times a task whose worker process died under it is run again before it is failed.
WORKER_DEATH_RETRIES = 1


def _execute_marked(task: Task, options: _Options, marker: str) -> TaskResult:
    """:func:`execute_task` in a pool worker, leaving the worker's pid in ``marker`` while it
    runs: if the worker dies, the runner knows which task it was running."""
    Path(marker).write_text(str(os.getpid()))
    try:
        return execute_task(task, options)
    finally:
        Path(marker).unlink(missing_ok=True)


def _death_reason(exitcode: int | None) -> str:
    import signal

    if exitcode is None:
        return "the worker process died"
    if exitcode < 0:
        try:
            return f"the worker process was killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"the worker process was killed by signal {-exitcode}"
    return f"the worker process exited with code {exitcode}"


def _execute_on_pool(tasks: list[Task], options: _Options, jobs: int, done) -> None:
    """Run ``tasks`` on a pool of worker processes; a worker that dies loses nothing.

    A dead worker breaks the whole pool (every pending future fails). The tasks that were
    not finished are then run again on a new pool; the task the dead worker was running
    (known from its marker) is retried :data:`WORKER_DEATH_RETRIES` times and then reported
    failed with the reason. Tasks that only shared the broken pool are retried without limit.
    """
    import signal

    marks = Path(tempfile.mkdtemp(prefix="blkk-running-"))
    remaining = list(range(len(tasks)))
    deaths: dict[int, list[str]] = {}
    try:
        while remaining:
            executor = cf.ProcessPoolExecutor(max_workers=max(1, min(jobs, len(remaining))), mp_context=_pool_context())
            futures: dict[cf.Future, int] = {}
            broken = False
            try:
                futures = {executor.submit(_execute_marked, tasks[i], options, str(marks / str(i))): i for i in remaining}
                processes = dict(getattr(executor, "_processes", None) or {})
                for future in cf.as_completed(futures):
                    index = futures[future]
                    processes.update(getattr(executor, "_processes", None) or {})
                    try:
                        result = future.result()
                    except cf.process.BrokenProcessPool:
                        broken = True
                        continue
                    except Exception as exc:
                        result = TaskResult(tasks[index].notebook, tasks[index].region, "failed",
                                            _trim(f"{type(exc).__name__}: {exc}"), 0.0)
                    result.retried = list(deaths.get(index, []))
                    done(index, result)
                    remaining.remove(index)
            except BaseException:
                for future in futures:
                    future.cancel()
                _stop_pool(executor)
                raise
            executor.shutdown(wait=True, cancel_futures=True)
            if not broken:
                break
            exitcodes = {pid: p.exitcode for pid, p in processes.items()}
            started = {}  # task -> exit code of the worker that was running it
            for index in remaining:
                marker = marks / str(index)
                if marker.exists():
                    try:
                        started[index] = exitcodes.get(int(marker.read_text() or 0))
                    except (OSError, ValueError):
                        started[index] = None
                    marker.unlink(missing_ok=True)
            # the pool stops the other workers with SIGTERM when one dies; those tasks are not to blame
            culprits = [i for i, code in started.items() if code != -signal.SIGTERM] or list(started) or list(remaining)
            for index in culprits:
                deaths.setdefault(index, []).append(_death_reason(started.get(index)))
                if len(deaths[index]) > WORKER_DEATH_RETRIES:
                    task = tasks[index]
                    why = "; ".join(deaths[index])
                    done(index, TaskResult(task.notebook, task.region, "failed",
                                           _trim(f"worker died while running this notebook, {len(deaths[index])} times "
                                                 f"({why}); not retried again"), 0.0, retried=list(deaths[index])))
                    remaining.remove(index)
    finally:
        shutil.rmtree(marks, ignore_errors=True)


def _carry_over(before: dict, previous_dir: Path, task: Task) -> TaskResult:
    """Outputs of an unchanged task from the previous run, placed in the new run folder."""
    from evaluation.report.reuse import carry

    stem = Path(task.notebook).stem
    ipynb = carry(previous_dir / before["ipynb"], Path(task.out_dir) / f"{stem}.ipynb")
    html_path = carry(previous_dir / before["html"], Path(task.out_dir) / f"{stem}.html")
    for extra in _exported_files((previous_dir / before["html"]).parent, stem):
        carry(extra, Path(task.out_dir) / extra.name)
    return TaskResult(
        notebook=task.notebook,
        region=task.region,
        status="ok",
        error=None,
        seconds=0.0,
        metrics=dict(before.get("metrics_values") or {}),
        html=html_path,
        ipynb=ipynb,
        reused=True,
        warnings=list(before.get("warnings") or []),
    )


def _declares(notebook: Path, name: str) -> bool:
    """True if the notebook's ``parameters`` cell has a parameter called ``name``."""
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    pattern = re.compile(rf"^\s*{name}\s*[:=]", re.M)
    for cell in nb.get("cells", []):
        if "parameters" in (cell.get("metadata", {}).get("tags") or []):
            source = cell.get("source", "")
            return bool(pattern.search(source if isinstance(source, str) else "".join(source)))
    return False


def _exported_files(region_dir: Path, stem: str) -> list[Path]:
    """Files a notebook exported beside its page (``<stem>.<name>.csv`` and the like)."""
    if not region_dir.is_dir():
        return []
    return sorted(p for p in region_dir.glob(f"{stem}.*") if p.suffix not in (".ipynb", ".html"))


def _file_text(path: Path) -> str:
    """Text of an exported table, for the identifier guard (images carry no text to check)."""
    if path.suffix.lower() in (".png", ".jpg", ".jpeg"):
        return ""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        return "\n".join(" ".join("" if v is None else str(v) for v in row) for ws in wb for row in ws.iter_rows(values_only=True))
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _run_risk(plan: "_Plan", fit_record: dict | None):
    """The risk model of this run's national fit, for the snapshot: the fit the run made or
    read, or else the one stored for this data, package and settings (a run whose notebooks
    needed none); ``(None, why)`` when there is none."""
    from evaluation import national

    if fit_record and fit_record.get("error"):
        return None, "fit_failed"
    if fit_record and fit_record.get("dir"):
        return national.read_national(plan.out_root / fit_record["dir"]).risk, None
    stored = national.fit_dir_for(plan.data_dir, _fit_root(plan), plan.hashes, plan.national_settings)
    if (stored / national.FILE_NAME).is_file():
        return national.read_national(stored).risk, None
    return None, "no_fit"


def _record_changes(plan: "_Plan", tmp: Path, compare_to, fit_record: dict | None, fingerprints: list[str]) -> dict | None:
    """Write this run's snapshot of centers and compare it with an earlier run's (never raises:
    a run is never lost over its comparison; a failure is recorded instead). The snapshot does
    not depend on which notebooks ran: openness comes from the data, bands from the run's
    national fit (see :func:`_run_risk`)."""
    data_dir = plan.data_dir
    if data_dir is None or not Path(data_dir).is_dir():
        return None
    try:
        from evaluation.data import load_dataset
        from evaluation.report import changes

        risk, no_bands = _run_risk(plan, fit_record)
        changes.write_snapshot(load_dataset(data_dir), tmp, risk, no_bands)
        previous = plan.final if compare_to == "previous" else (Path(compare_to) if compare_to else None)
        if previous is None or not Path(previous).is_dir():
            return None
        inputs = {(region, nb.stem): fp for (region, nb), fp in
                  zip(((r, nb) for r in plan.regions for nb in plan.notebooks), fingerprints)}
        return changes.compare_runs(Path(previous), tmp, plan.regions, {r: region_dir_name(r) for r in plan.regions},
                                    plan.hashes, plan.options.language, inputs)
    except Exception as exc:
        return {"error": _trim(f"{type(exc).__name__}: {exc}")}


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _remove_stale_tmp(out_root: Path, run_name: str) -> None:
    """Delete temporary folders of earlier runs of this name whose process is gone (killed).

    A folder whose owner still runs is left alone, so concurrent runs never touch each other.
    """
    for folder in out_root.glob(f".{run_name}.tmp-*"):
        try:
            pid_text, _, boot = (folder / ".owner").read_text().partition(" ")
            pid = int(pid_text)
        except (OSError, ValueError):
            continue  # not ours to judge
        if boot == _boot_id() and pid != os.getpid():
            try:
                os.kill(pid, 0)
                continue  # still running
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
        elif boot == _boot_id():
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _swap_into_place(tmp: Path, final: Path) -> None:
    """Replace ``final`` by ``tmp`` with two renames; the old report survives any failure."""
    if not final.exists():
        os.rename(tmp, final)
        return
    backup = final.parent / f".{final.name}.old-{secrets.token_hex(4)}"
    os.rename(final, backup)
    try:
        os.rename(tmp, final)
    except BaseException:
        os.rename(backup, final)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _relative_to(path: Path | None, root: Path) -> str | None:
    return None if path is None else Path(path).relative_to(root).as_posix()


def run_report(
    notebooks: list[Path],
    regions: list[str],
    parameters: dict,
    out_root: Path,
    run_name: str,
    jobs: int = 1,
    show_code: bool = False,
    language: str = "en",
    timeout: int | None = 600,
    kernel_name: str = KERNEL_NAME,
    progress: bool = True,
    engine: str = "warm",
    force: bool = False,
    scheduler: str | None = None,
    compare_to: str | Path | None = "previous",
) -> RunResult:
    """Execute every notebook for every region and write the report to ``out_root/run_name``.

    Parameters
    ----------
    notebooks : list of Path
        Notebooks to execute; their file names (stems) must be unique.
    regions : list of str
        Each region gets its own folder; the notebook receives it as ``region``.
    parameters : dict
        Passed to every notebook (plus ``region``). ``data_dir``, if given, is hashed
        into the manifest; a relative ``data_dir`` is read from the notebooks' folder,
        which is also their working directory.
    out_root, run_name : Path, str
        The report is written to ``out_root / run_name``, replacing an earlier run of
        the same name only once this one is complete.
    jobs : int
        Worker processes; 1 runs tasks one by one in this process (in one worker
        process when called from a running event loop, e.g. inside a notebook, where
        papermill cannot run in-process).
    show_code, language : bool, {"en", "id"}
        Rendering of the HTML pages and the index.
    timeout : int or None
        Seconds any one cell may run before the task is stopped as ``"timeout"``.
    kernel_name : str
        Jupyter kernel to execute with (recorded in the manifest).
    progress : bool
        Show a progress bar over tasks.
    engine : {"warm", "cold"}
        ``"warm"`` (default) runs the notebooks of each worker in one kernel started
        once, with the scientific stack imported once and the kernel reset to a clean
        slate before each notebook (see :mod:`evaluation.report.engine`); ``"cold"``
        starts a fresh kernel for every notebook.
    force : bool
        Execute every task. By default a task whose inputs fingerprint (notebook,
        parameters, data, package versions, source, kernel, rendering options) equals
        that of a task completed ``ok`` in the previous run of the same folder is not
        executed again: its outputs are carried over and it is marked ``reused``.
    compare_to : path, ``"previous"`` or None
        A run folder to compare this run with (:mod:`evaluation.report.changes`): new and
        gone centers, stage transitions, band moves, estimates that moved by more than their
        standard error, per region and on the index. ``"previous"`` (default) compares with
        the run this one replaces, when there is one; None compares with nothing.
    scheduler : str or None
        Address of a Dask distributed scheduler (``tcp://host:8786``); tasks then run
        on its workers instead of a local process pool (``jobs`` is ignored). Workers
        need the same environment and file paths (see :mod:`evaluation.report.dask_backend`).

    Returns
    -------
    RunResult
        Task results in region order then notebook order; deterministic apart from
        the timing fields.
    """
    plan = _plan(notebooks, regions, parameters, out_root, run_name, language, engine, kernel_name, show_code,
                 timeout, force)
    _remove_stale_tmp(plan.out_root, run_name)
    # mkdtemp: unique and created atomically, so two runs never share a folder.
    tmp = Path(tempfile.mkdtemp(prefix=f".{run_name}.tmp-", dir=plan.out_root))
    (tmp / ".owner").write_text(f"{os.getpid()} {_boot_id()}")
    try:
        tasks, fingerprints = _make_tasks(plan, tmp)
        results, to_run = _carry_over_unchanged(plan, tasks, fingerprints)
        fit_record, to_run = _national_stage(plan, tasks, to_run, results)
        _execute(plan, tasks, to_run, results, jobs, scheduler, progress)
        _write_region_metrics(plan, tmp, results)
        changes = _record_changes(plan, tmp, compare_to, fit_record, fingerprints)
        manifest = _write_manifest(plan, tmp, results, fingerprints, {
            "jobs": jobs, "scheduler": scheduler, "executed": len(to_run), "reused": sum(r.reused for r in results),
            "national_fit": fit_record, "changes": changes,
        })
        from evaluation.report.index import write_index

        write_index(tmp, manifest, language=language)
        (tmp / ".owner").unlink(missing_ok=True)
        _swap_into_place(tmp, plan.final)
        from evaluation.report.index import link_languages

        link_languages(plan.final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for r in results:
        r.html = None if r.html is None else plan.final / Path(r.html).relative_to(tmp)
        r.ipynb = None if r.ipynb is None else plan.final / Path(r.ipynb).relative_to(tmp)
    return RunResult(tasks=results, path=plan.final, manifest=manifest)


@dataclass
class _Plan:
    """What a run knows before any work: inputs checked, fingerprints of what it reads."""

    notebooks: list[Path]
    regions: list[str]
    parameters: dict
    out_root: Path
    final: Path
    run_name: str
    data_dir: Path | None
    hashes: dict | None
    versions: dict
    commit: str | None
    kernel_name: str
    kernel: dict
    options: _Options
    source: str
    notebook_digests: dict
    render_options: dict
    previous: dict
    per_notebook: dict
    started_at: str
    started: float
    settings: dict
    national_settings: object = None  # evaluation.national.Settings of the run's parameters


def _plan(notebooks, regions, parameters, out_root, run_name, language, engine, kernel_name, show_code, timeout,
          force) -> _Plan:
    """Check the inputs and fingerprint what the run reads; fails before any kernel starts."""
    from evaluation.data.load import identifier_values
    from evaluation.report import reuse
    from evaluation.report.params import parameters_for
    from evaluation.text import LANGUAGES

    notebooks = [Path(nb).resolve() for nb in notebooks]
    regions = list(regions)
    parameters = to_json_safe(dict(parameters), where="parameters")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {list(LANGUAGES)}, got {language!r}")
    _validate(notebooks, regions, run_name)
    if engine not in ENGINE_CHOICES:
        raise ValueError(f"engine must be one of {list(ENGINE_CHOICES)}, got {engine!r}")
    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    final = out_root / run_name
    started_at, started = _now(), time.perf_counter()
    data_dir = _resolve_data_dir(parameters, notebooks)
    has_data = data_dir is not None and data_dir.is_dir()
    hashes = hashing.data_hashes(data_dir) if has_data else None
    versions = _manifest.package_versions()
    commit = _manifest.git_commit()
    kernel_name = ensure_kernel(kernel_name)
    kernel = _manifest.kernel_info(kernel_name)
    if "display_name" not in kernel:
        raise ValueError(
            f"Jupyter kernel {kernel_name!r} is not installed and could not be registered; register it with "
            f"`python -m ipykernel install --sys-prefix --name {kernel_name}`"
        )
    options = _Options(
        guarded_names=identifier_values(data_dir) if has_data else (),
        show_code=show_code, language=language, timeout=timeout, kernel_name=kernel_name, run_name=run_name,
        engine=engine, run_token=f"{run_name}-{secrets.token_hex(6)}",
        footer={"run_name": run_name, "data_hashes": hashes, "package_versions": versions, "commit": commit,
                "kernel": kernel},
    )
    return _Plan(
        notebooks=notebooks, regions=regions, parameters=parameters, out_root=out_root, final=final,
        run_name=run_name, data_dir=data_dir, hashes=hashes, versions=versions, commit=commit,
        kernel_name=kernel_name, kernel=kernel, options=options, source=hashing.source_digest(),
        notebook_digests={nb: hashing.sha256_file(nb) for nb in notebooks},
        render_options={"show_code": show_code, "language": language},
        previous={} if force else reuse.previous_tasks(final),
        # each notebook gets the parameters it declares, type-checked before any kernel starts
        per_notebook={nb: parameters_for(nb, parameters) for nb in notebooks},
        started_at=started_at, started=started,
        settings={"show_code": show_code, "language": language, "timeout": timeout, "engine": engine, "force": force},
        national_settings=_national_settings(parameters),
    )


def _national_settings(parameters: dict):
    """The run parameters the national stage is fitted with (checked like a notebook's)."""
    from evaluation.national import Settings
    from evaluation.parameters import check_setting

    return Settings.from_parameters({k: check_setting(k, parameters[k]) for k in Settings.names() if k in parameters})


def _make_tasks(plan: _Plan, tmp: Path) -> tuple[list[Task], list[str]]:
    """One task per region and notebook, with the fingerprint of its inputs."""
    from evaluation.report import reuse

    tasks = [Task(notebook=nb, region=region, parameters={**plan.per_notebook[nb], "region": region},
                  out_dir=tmp / region_dir_name(region))
             for region in plan.regions for nb in plan.notebooks]
    fingerprints = [
        reuse.fingerprint(notebook_digest=plan.notebook_digests[task.notebook], parameters=task.parameters,
                          data_hashes=plan.hashes, versions=plan.versions, source=plan.source,
                          kernel_name=plan.kernel_name, render=plan.render_options)
        for task in tasks
    ]
    # where a notebook exports files (the register, the map), and not part of the fingerprint
    for task in tasks:
        if "output_dir" not in plan.parameters and _declares(task.notebook, "output_dir"):
            task.parameters = {**task.parameters, "output_dir": str(task.out_dir)}
    return tasks, fingerprints


def _carry_over_unchanged(plan: _Plan, tasks: list[Task], fingerprints: list[str]):
    """Results of tasks unchanged since the previous run (carried over), and those to run."""
    results: list[TaskResult | None] = [None] * len(tasks)
    to_run = []
    for index, (task, inputs) in enumerate(zip(tasks, fingerprints)):
        before = plan.previous.get((task.region, task.notebook.stem))
        if before is not None and before.get("inputs") == inputs:
            try:
                results[index] = _carry_over(before, plan.final, task)
                continue
            except OSError:  # the old files went away: run it (never into a linked file)
                stem = task.notebook.stem
                for name in (f"{stem}.ipynb", f"{stem}.html"):
                    (Path(task.out_dir) / name).unlink(missing_ok=True)
        to_run.append(index)
    return results, to_run


def _national_stage(plan: _Plan, tasks: list[Task], to_run: list[int], results: list):
    """Fit once, report many: the national models, fitted here once for every notebook with a
    ``fit_dir`` parameter (:mod:`evaluation.national`). If the fit fails, those notebooks are
    marked failed with its error and not run; the others run. Returns the record and the
    tasks still to run."""
    wants = {nb for nb in plan.notebooks if _declares(nb, "fit_dir")} if "fit_dir" not in plan.parameters else set()
    needing = [i for i in to_run if tasks[i].notebook in wants]
    if plan.data_dir is None or not needing:
        return None, to_run
    from evaluation import national

    started = time.perf_counter()
    try:
        fit_dir, fitted = national.ensure(plan.data_dir, _fit_root(plan), plan.hashes, plan.national_settings)
    except Exception as exc:
        error = _trim(f"national fit failed: {type(exc).__name__}: {exc}")
        for i in needing:
            results[i] = TaskResult(tasks[i].notebook, tasks[i].region, "failed", error, 0.0)
        return {"error": error, "seconds": round(time.perf_counter() - started, 3)}, [i for i in to_run if i not in needing]
    for i in needing:
        tasks[i].parameters = {**tasks[i].parameters, "fit_dir": str(fit_dir)}
    return {"dir": _relative_to(fit_dir, plan.out_root), "fitted": fitted, "settings": plan.national_settings.as_dict(),
            "seconds": round(time.perf_counter() - started, 3)}, to_run


def _fit_root(plan: "_Plan") -> Path:
    """Where this package's national fits are stored (one folder per data, package and settings)."""
    return plan.out_root / "_fit" / plan.source[:16]


def _execute(plan: _Plan, tasks: list[Task], to_run: list[int], results: list, jobs: int, scheduler, progress: bool):
    from tqdm import tqdm

    bar = tqdm(total=len(tasks), initial=len(tasks) - len(to_run), desc=plan.run_name, unit="notebook") if progress else None
    try:
        if bar is not None and len(to_run) < len(tasks):
            bar.set_postfix(reused=sum(r is not None for r in results))
        executed = _execute_all([tasks[i] for i in to_run], plan.options, jobs, bar, scheduler)
    finally:
        if bar is not None:
            bar.close()
    for index, result in zip(to_run, executed):
        results[index] = result


def _write_region_metrics(plan: _Plan, tmp: Path, results: list[TaskResult]) -> None:
    for region in plan.regions:
        metrics = {Path(r.notebook).stem: r.metrics for r in results if r.region == region}
        (tmp / region_dir_name(region)).mkdir(parents=True, exist_ok=True)
        (tmp / region_dir_name(region) / "metrics.json").write_text(
            json.dumps(metrics, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")


def _write_manifest(plan: _Plan, tmp: Path, results: list[TaskResult], fingerprints: list[str], execution: dict) -> dict:
    task_records = [
        {"region": r.region, "notebook": Path(r.notebook).stem, "status": r.status, "error": r.error, "cell": r.cell,
         "seconds": r.seconds, "ipynb": _relative_to(r.ipynb, tmp), "html": _relative_to(r.html, tmp),
         "metrics": f"{region_dir_name(r.region)}/metrics.json", "inputs": inputs, "reused": r.reused,
         "warnings": r.warnings, **({"retried": r.retried} if r.retried else {})}
        for r, inputs in zip(results, fingerprints)
    ]
    manifest = _manifest.build_manifest(
        run_name=plan.run_name, parameters=plan.parameters, regions=plan.regions, notebooks=plan.notebooks,
        kernel_name=plan.kernel_name, tasks=task_records, started=plan.started_at, finished=_now(),
        data_dir=plan.data_dir, hashes=plan.hashes, versions=plan.versions, commit=plan.commit, kernel=plan.kernel,
        options=plan.settings, execution={**execution, "seconds": round(time.perf_counter() - plan.started, 3)},
    )
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
                                       encoding="utf-8")
    return manifest
