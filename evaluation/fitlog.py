"""A trace of national fits, so that a test can check that regional pages never refit them.

When the environment variable ``BLKK_FIT_LOG`` names a file, every national fit appends one
line (its name and the process id) to it. Kernels inherit the variable from the run.
"""

from __future__ import annotations

import os

ENV = "BLKK_FIT_LOG"


def record(name: str) -> None:
    path = os.environ.get(ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{name}\t{os.getpid()}\n")
