"""Run report tasks on a Dask distributed cluster (``blkk report --scheduler ADDRESS``).

The same top-level task function as the process pool is submitted, one future per
region × notebook. Workers need the project installed in the same environment (they
import ``evaluation``), the Jupyter kernel registered, and the notebooks, data and the
output folder at the same paths (a shared file system): a task reads its notebook and
data and writes its executed notebook and page into the run's temporary folder, which
the client moves into place once every task has finished.

With warm kernels each worker thread keeps one kernel for the run; at the end of the run
the client asks every worker to shut its kernel down. Use ``--nthreads 1`` workers (one
kernel per worker process) for CPU-bound notebooks.
"""

from __future__ import annotations

from collections.abc import Callable


def _discard_kernel() -> None:
    from evaluation.report import engine

    engine.discard()
    engine.shutdown_all()


def execute_on_dask(tasks, options, address: str, done: Callable, crashed: Callable, execute_task: Callable) -> None:
    """Submit every task to the scheduler at ``address``; call ``done(index, result)`` as each finishes.

    A task that raises on the worker (a bug outside the notebook) or is lost with its
    worker is recorded through ``crashed`` and the others go on. Interrupting cancels
    the futures still pending.
    """
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "--scheduler needs Dask distributed: pip install 'blkk-evaluation[dask]'"
        ) from exc

    client = Client(address, set_as_default=False)
    futures = {}
    token = options.run_token or "run"
    resubmitted: set[int] = set()
    try:
        futures = {
            client.submit(execute_task, task, options, pure=False, key=f"blkk-{token}-{index}"): index
            for index, task in enumerate(tasks)
        }
        pending = as_completed(futures, loop=client.loop)
        for future in pending:
            index = futures[future]
            try:
                result = future.result()
            except Exception as exc:
                # KilledWorker: the scheduler ran it again on other workers and they died too. A
                # task only queued on a dying worker is counted as well, so it is sent once more
                # (a task that kills every worker it runs on dies again and is then reported).
                lost = type(exc).__name__ == "KilledWorker"
                if lost and index not in resubmitted:
                    resubmitted.add(index)
                    again = client.submit(execute_task, tasks[index], options, pure=False,
                                          key=f"blkk-{token}-{index}-again")
                    futures[again] = index
                    pending.add(again)
                    continue
                result = crashed(tasks[index], exc, "dask: worker died while running this notebook: " if lost else "dask: ")
            done(index, result)
    except BaseException:
        client.cancel(list(futures))
        raise
    finally:
        try:
            workers = list(client.scheduler_info().get("workers", {}))
            cleanup = [
                client.submit(_discard_kernel, pure=False, workers=[w], allow_other_workers=False, key=f"blkk-stop-{token}-{i}")
                for i, w in enumerate(workers)
            ]
            client.gather(cleanup, errors="skip")
        except Exception:
            pass
        client.close()
