"""Papermill engines: ``blkk-warm`` reuses one started kernel per worker, ``blkk-cold`` starts one per notebook.

Most of a short notebook's time is the kernel start (about 1.4 s) and the imports of
the scientific stack (about 4 s). The warm engine starts one kernel per worker process
(or thread), imports the stack once (:data:`evaluation.report._kernel_state.WARM_MODULES`)
and runs every later notebook in it after resetting it to a clean slate (namespace,
working directory, figures, rcParams, options; see :mod:`evaluation.report._kernel_state`
for what is reset and what is not).

Papermill still does everything else: parameter injection, per-cell metadata, the error
banner, saving the output notebook. Only the kernel's lifetime changes:

* a notebook whose cell raises leaves a healthy kernel: it is reset and reused;
* a cell that times out, a kernel that died, or any error outside the notebook's cells
  discards the kernel; the next notebook gets a new one;
* kernels are keyed by a run token, so nothing is carried from one run to the next, even
  on long-lived Dask workers.

Both engines start the kernel in the notebook's folder through nbclient rather than
papermill's ``cwd`` (a process-wide ``chdir``), so they are also safe in threads.
"""

from __future__ import annotations

import atexit
import os
import threading
import time

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

WARM = "blkk-warm"
COLD = "blkk-cold"
#: Engine names accepted by the runner (``warm`` / ``cold``) and their papermill names.
ENGINES = {"warm": WARM, "cold": COLD}

_STATE_MODULE = "evaluation.report._kernel_state"
_local = threading.local()
_all_kernels: list["WarmKernel"] = []
_lock = threading.Lock()


class KernelStartError(RuntimeError):
    """The warm kernel could not be started or prepared."""


def _run_sync(coro_fn):
    from jupyter_core.utils import run_sync

    return run_sync(coro_fn)


class WarmKernel:
    """One started kernel with the stack imported, reused notebook after notebook."""

    def __init__(self, kernel_name: str, token: str, startup_timeout: float = 60):
        from jupyter_client.manager import AsyncKernelManager

        self.kernel_name = kernel_name
        self.token = token
        self.startup_timeout = startup_timeout
        self.km = AsyncKernelManager(kernel_name=kernel_name)
        self.kc = None
        self.notebooks = 0
        self.warm_seconds = None
        _ensure_exit_hook()
        started = time.perf_counter()
        try:
            _run_sync(self.km.start_kernel)(extra_arguments=["--HistoryManager.hist_file=:memory:"])
            self.kc = self.km.client()
            self.kc.start_channels()
            _run_sync(self.kc.wait_for_ready)(timeout=startup_timeout)
            self.kc.allow_stdin = False
            self.run(f"__import__({_STATE_MODULE!r}, fromlist=['_']).warm_up()", timeout=300)
        except BaseException:
            self.shutdown()
            raise
        self.warm_seconds = round(time.perf_counter() - started, 3)
        with _lock:
            _all_kernels.append(self)

    def alive(self) -> bool:
        try:
            return bool(self.kc is not None and _run_sync(self.km.is_alive)())
        except Exception:
            return False

    def run(self, code: str, timeout: float = 60) -> None:
        """Execute ``code`` silently (no outputs, not in history); raise if it fails."""

        async def go():
            msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"kernel did not answer within {timeout} s")
                reply = await self.kc.get_shell_msg(timeout=remaining)
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    return reply["content"]

        content = _run_sync(go)()
        if content.get("status") != "ok":
            raise KernelStartError(f"{content.get('ename')}: {content.get('evalue')}")

    def prepare(self, cwd: str) -> None:
        """Reset the kernel to a clean slate running in ``cwd``."""
        self.run(f"__import__({_STATE_MODULE!r}, fromlist=['_']).restore({str(cwd)!r})")

    def shutdown(self) -> None:
        kc, self.kc = self.kc, None
        try:
            if kc is not None:
                kc.stop_channels()
        except Exception:
            pass
        try:
            if self.km.has_kernel:
                _run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:
            pass
        with _lock:
            if self in _all_kernels:
                _all_kernels.remove(self)


def warm_kernel(kernel_name: str, token: str, startup_timeout: float = 60) -> WarmKernel:
    """This thread's warm kernel for ``(kernel_name, token)``, started if needed."""
    kernel = getattr(_local, "kernel", None)
    if kernel is not None and (kernel.kernel_name != kernel_name or kernel.token != token or not kernel.alive()):
        discard()
        kernel = None
    if kernel is None:
        kernel = WarmKernel(kernel_name, token, startup_timeout)
        _local.kernel = kernel
    return kernel


def discard() -> None:
    """Shut down this thread's warm kernel; the next notebook starts a new one."""
    kernel = getattr(_local, "kernel", None)
    _local.kernel = None
    if kernel is not None:
        kernel.shutdown()


def shutdown_all() -> None:
    """Shut down every warm kernel of this process (end of a run, process exit)."""
    _local.kernel = None
    with _lock:
        kernels = list(_all_kernels)
    for kernel in kernels:
        kernel.shutdown()


def current_kernel() -> WarmKernel | None:
    return getattr(_local, "kernel", None)


_hooked_pid: int | None = None


def _ensure_exit_hook() -> None:
    """Shut kernels down when this process exits (once per process).

    Registered in the process that starts the kernel: multiprocessing workers skip
    ``atexit`` and drop finalizers inherited from their parent, but run their own.
    """
    global _hooked_pid
    if _hooked_pid == os.getpid():
        return
    _hooked_pid = os.getpid()
    atexit.register(shutdown_all)
    try:
        from multiprocessing import util as mp_util

        mp_util.Finalize(None, shutdown_all, exitpriority=10)
    except Exception:  # pragma: no cover
        pass


def _client_kwargs(kernel_name, log_output, stdout_file, stderr_file, start_timeout, execution_timeout, kwargs):
    from papermill.engines import logger

    kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
    return merge_kwargs(
        kwargs,
        timeout=execution_timeout,
        startup_timeout=start_timeout,
        kernel_name=kernel_name,
        log=logger,
        log_output=log_output,
        stdout_file=stdout_file,
        stderr_file=stderr_file,
    )


class ColdEngine(NBClientEngine):
    """papermill's nbclient engine, kernel started in ``kernel_cwd`` without a process ``chdir``."""

    @classmethod
    def execute_managed_notebook(
        cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
        start_timeout=60, execution_timeout=None, kernel_cwd=None, run_token=None, **kwargs,
    ):
        final = _client_kwargs(kernel_name, log_output, stdout_file, stderr_file, start_timeout, execution_timeout, kwargs)
        if kernel_cwd:
            final["resources"] = {"metadata": {"path": str(kernel_cwd)}}
        return PapermillNotebookClient(nb_man, **final).execute()


class WarmEngine(NBClientEngine):
    """Execute in this worker's warm kernel; see the module docstring."""

    @classmethod
    def execute_managed_notebook(
        cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
        start_timeout=60, execution_timeout=None, kernel_cwd=None, run_token="", **kwargs,
    ):
        final = _client_kwargs(kernel_name, log_output, stdout_file, stderr_file, start_timeout, execution_timeout, kwargs)
        cwd = str(kernel_cwd or os.getcwd())
        try:
            kernel = warm_kernel(kernel_name, run_token or "", start_timeout)
            kernel.prepare(cwd)
        except BaseException:
            discard()
            raise
        client = PapermillNotebookClient(nb_man, km=kernel.km, **final)
        client.kc = kernel.kc
        try:
            result = client.execute(cleanup_kc=False)
        except BaseException:
            # timeout, dead kernel, interrupted: the kernel's state is unknown
            discard()
            raise
        kernel.notebooks += 1
        return result


papermill_engines.register(WARM, WarmEngine)
papermill_engines.register(COLD, ColdEngine)
