"""Report runs: execute notebooks per region, render HTML, record metrics and provenance.

``run_report`` is the entry point; ``metrics.publish`` is what notebooks call.
"""

from evaluation.report.metrics import collect, publish
from evaluation.report.runner import RunResult, Task, TaskResult, run_report

__all__ = ["RunResult", "Task", "TaskResult", "collect", "publish", "run_report"]
