"""Validation problems that name the file, the column and the offending rows."""

from __future__ import annotations

from dataclasses import dataclass, field

#: How many example rows a problem lists.
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one column of one file.

    ``lines`` are line numbers as a person sees them in the file (header = line 1 for CSV
    and spreadsheets); ``values`` are the offending values at those lines.
    """

    file: str
    column: str | None
    message: str
    lines: tuple[int, ...] = ()
    values: tuple[str, ...] = ()
    count: int = 0
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = self.file if self.column is None else f"{self.file}, column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.lines:
            shown = ", ".join(
                f"line {ln} ({v!r})" if v != "" else f"line {ln}"
                for ln, v in zip(self.lines, self.values or ("",) * len(self.lines))
            )
            more = f" and {self.count - len(self.lines)} more" if self.count > len(self.lines) else ""
            text += f" — {self.count} row(s): {shown}{more}"
        return text


@dataclass
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "severity": p.severity,
                    "file": p.file,
                    "column": p.column,
                    "problem": p.message,
                    "rows": p.count,
                    "example_lines": ", ".join(map(str, p.lines)),
                }
                for p in self.problems
            ],
            columns=["severity", "file", "column", "problem", "rows", "example_lines"],
        )


class DataValidationError(ValueError):
    """Raised when input data break the contract; carries every problem found."""

    def __init__(self, report: ValidationReport):
        self.report = report
        lines = [str(p) for p in report.errors]
        super().__init__(f"{len(lines)} problem(s) in the input data:\n" + "\n".join(f"- {x}" for x in lines))
