"""The data contract: tables, columns, types and allowed values (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

HOST_TYPES = ("pesantren", "other_religious", "union", "community")
STAGES = ("tumbuh", "berkembang", "mandiri")

#: Years a record may carry; outside this range is reported as an error.
YEAR_MIN, YEAR_MAX = 2010, 2030


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "code" | "str" | "int" | "float" | "bool" | "category"
    required: bool = True
    nonnegative: bool = False
    allowed: tuple[str, ...] | None = None
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = True
    description: str = ""
    extras: dict = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _counts(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, "int", nonnegative=True) for n in names)


def _flags(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, "bool") for n in names)


#: Optional beside any ``regency_code``: the kab/kota's name (checked against the code) and its
#: BPS code (checked against the crosswalk); BPS codes never replace the Kemendagri key.
REGENCY_EXTRAS = (Column("regency_name", "str", required=False, nullable=True),
                   Column("bps_code", "str", required=False, nullable=True))

#: The year a row's codes were written in (pre-2022 Papua codes are read by it).
CODE_YEAR = {"centers": "cohort", "regency_years": "year", "trainees": "year"}


CENTERS = Table(
    "centers",
    key=("center_id",),
    description="center registry, one row per BLKK",
    columns=(
        Column("center_id", "str"),
        Column("center_name", "str"),
        Column("province_code", "code"),
        Column("regency_code", "code"),
        Column("host_type", "category", allowed=HOST_TYPES),
        Column("vocation", "str"),
        Column("cohort", "int"),
        Column("grant_idr", "int", nonnegative=True),
        *REGENCY_EXTRAS,
    ),
)

CENTER_YEARS = Table(
    "center_years",
    key=("center_id", "year"),
    description="center outcomes, one row per center per year of operation",
    columns=(
        Column("center_id", "str"),
        Column("year", "int"),
        *_counts(
            "packages_apbn",
            "packages_self_funded",
            "trainees_enrolled",
            "trainees_completed",
            "trainees_certified",
            "alumni_employed",
            "alumni_self_employed",
            "own_revenue_idr",
            "operating_cost_idr",
            "instructors",
            "partnerships",
        ),
        *_flags("licensed", "accredited", "alumni_database", "incubator"),
        Column("stage", "category", allowed=STAGES, required=False),
    ),
)

REGENCY_YEARS = Table(
    "regency_years",
    key=("regency_code", "year"),
    description="regency labour-market panel",
    columns=(
        Column("regency_code", "code"),
        Column("year", "int"),
        *_counts("population", "labour_force", "unemployed"),
        Column("unemployment_rate", "float", nonnegative=True),
        Column("mean_wage_idr", "int", nonnegative=True),
        Column("min_wage_idr", "int", nonnegative=True),
        *REGENCY_EXTRAS,
    ),
)

TRAINEES = Table(
    "trainees",
    key=("person_id",),
    required=False,
    description="tracer study plus survey comparison sample (optional)",
    columns=(
        Column("person_id", "str"),
        Column("regency_code", "code"),
        Column("year", "int"),
        Column("trained", "bool"),
        Column("center_id", "str", nullable=True),
        Column("age", "int", nonnegative=True),
        Column("female", "bool"),
        Column("education_years", "int", nonnegative=True),
        Column("married", "bool"),
        Column("employed_before", "bool"),
        Column("income_before_idr", "int", nonnegative=True),
        # Blank for people the tracer study (or the survey) did not reach: non-response shows as
        # both outcomes blank; the estimators weight or bound it (evaluation.impact.trainees).
        Column("employed_after", "bool", nullable=True),
        Column("income_after_idr", "int", nonnegative=True, nullable=True),
        Column("weight", "float", nonnegative=True),
        *REGENCY_EXTRAS,
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (CENTERS, CENTER_YEARS, REGENCY_YEARS, TRAINEES)}

#: Column names that look like personal identifiers; dropped on load with a warning.
IDENTIFIER_PATTERNS = (
    r"^nik$",
    r"(^|_)nik(_|$)",
    r"nomor_induk",
    r"no_ktp|ktp",
    r"phone|telepon|telp|(^|_)hp(_|$)|handphone|whatsapp|(^|_)wa(_|$)",
    r"(person|participant|peserta|trainee|alumni|contact|kontak|owner|pemilik|head|kepala|manager|pengelola|instructor|instruktur)_?name|nama_(peserta|lengkap|pengelola|instruktur|kepala|pemilik)",
    r"^(name|nama|full_name|nama_lengkap)$",
    r"email|e_mail|alamat|address",
)
