"""`blkk`: validate data, regenerate the sample, run regional reports."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from . import config
from .data.regions import RegionError, check_region, regions_for


def _codes_option(text: str | None):
    """``--codes bps`` (every table) or ``--codes regency_years=bps,centers=bps`` (per table)."""
    if not text or "=" not in text:
        return text or "kemendagri"
    out = {}
    for part in text.split(","):
        table, _, system = part.partition("=")
        out[table.strip()] = system.strip()
    return out


def _cmd_validate(args) -> int:
    from .data import validate
    from .data.quality import summary_text

    try:
        codes = _codes_option(args.codes)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # identifier warnings are printed from the report below
            dataset, report = validate(args.data_dir, codes=codes) if args.codes else validate(args.data_dir)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for p in report.warnings:
        print(f"warning: {p}")
    if not report.ok:
        print(f"{len(report.errors)} problem(s) found in {args.data_dir}:", file=sys.stderr)
        for p in report.errors:
            print(f"- {p}", file=sys.stderr)
        return 1
    print(summary_text(dataset))
    print("\nOK: the data meet the contract.")
    return 0


def _cmd_sample(args) -> int:
    from .data.synthetic import write_sample

    out = Path(args.out)
    write_sample(out, seed=args.seed)
    print(f"sample written to {out} (seed {args.seed})")
    return 0


def _cmd_import(args) -> int:
    """`blkk import bps|centers`: downloaded tables -> contract tables in --out, with what is missing."""
    from .data import imports

    out = Path(args.out)
    if args.source == "recode":
        return _recode_folder(Path(args.files[0]), out, args.codes)
    try:
        if args.source == "bps":
            tables = []
            for path in args.files:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", imports.TableImportWarning)  # printed from the notes below
                    table = imports.read_bps_table(path, indicator=args.indicator, year=args.year, province=args.province,
                                                   codes=args.codes, ump=args.ump, sheet=args.sheet)
                tables.append(table)
                print(imports.describe_table(table))
            frame, report = imports.assemble_regency_years(tables)
            name = "regency_years"
        else:
            frame, report = imports.import_centers(args.files[0], args.mapping)
            name = "centers"
    except (imports.TableImportError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    replaced = (out / f"{name}.csv").exists()
    written = imports.write_table(frame, out, name)
    print(report)
    print(f"wrote {written} ({len(frame)} rows{'; replaced the file that was there' if replaced else ''})")
    return 0


def _recode_folder(data_dir: Path, out: Path, codes: str) -> int:
    """`blkk import recode DIR --codes ... --out NEW_DIR`: a copy of a data folder keyed by
    Kemendagri codes (the tables read with the given code systems and written back as CSV)."""
    from .data import validate

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dataset, report = validate(data_dir, codes=_codes_option(codes))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not report.ok or dataset is None:
        print(f"{len(report.errors)} problem(s) found in {data_dir}; nothing written:", file=sys.stderr)
        for p in report.errors:
            print(f"- {p}", file=sys.stderr)
        return 1
    if out.resolve() == data_dir.resolve():
        print("error: --out must be another folder (the original is kept as it is)", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    for p in report.warnings:
        print(f"warning: {p}")
    for name, frame in dataset.tables.items():
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n")
        print(f"wrote {path} ({len(frame)} rows)")
    return 0


def default_notebooks() -> list[Path]:
    return sorted(p for p in config.NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def _cmd_report(args) -> int:
    from .data import validate
    from .report.runner import run_report

    extra: dict = {}
    try:
        if args.parameters:
            extra = _read_parameter_file(args.parameters)
            if "region" in extra and not args.regions:
                args.scope = str(extra.pop("region"))
            else:
                extra.pop("region", None)
            if "data_dir" in extra:
                base = Path(args.parameters).resolve().parent
                args.data_dir = str((base / str(extra.pop("data_dir"))).resolve())
            args.language = extra.pop("language", args.language)
        regions = args.regions or regions_for(args.scope, args.each)
        regions = [check_region(r) for r in regions]
    except (config.ParameterError, RegionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    data_dir = Path(args.data_dir).resolve()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, report = validate(data_dir)
    if not report.ok:
        print(f"error: the data in {data_dir} do not meet the contract; no report written.", file=sys.stderr)
        for p in report.errors:
            print(f"- {p}", file=sys.stderr)
        return 1
    notebooks = default_notebooks()
    if args.notebooks:
        wanted = [n.strip() for n in args.notebooks.split(",") if n.strip()]
        notebooks = [p for p in notebooks if any(p.stem.startswith(w) for w in wanted)]
        if not notebooks:
            print(f"error: no notebook matches {args.notebooks!r}", file=sys.stderr)
            return 2
    from .report.index import language_run

    run_name = args.run or language_run(args.scope if not args.each else f"{args.scope}-{args.each}", args.language)
    result = run_report(
        notebooks=notebooks,
        regions=regions,
        parameters={**extra, "data_dir": str(data_dir), "language": args.language},
        out_root=Path(args.out).resolve(),
        run_name=run_name,
        jobs=args.jobs,
        show_code=args.show_code,
        language=args.language,
        timeout=args.timeout if args.timeout and args.timeout > 0 else None,
        engine="cold" if args.cold else "warm",
        force=args.force,
        scheduler=args.scheduler,
        progress=not args.no_progress,
        compare_to=args.compare_to or "previous",
    )
    execution = result.manifest.get("execution", {})
    reused = execution.get("reused", 0)
    print(
        f"report: {result.path / 'index.html'} "
        f"({len(result.tasks)} notebooks: {execution.get('executed', len(result.tasks))} executed, {reused} skipped (unchanged), "
        f"{len(result.failed)} failed; {execution.get('seconds', 0):.1f} s)"
    )
    for task in result.failed:
        print(f"FAILED {task.region} {Path(task.notebook).stem}: {task.status}: {task.error}", file=sys.stderr)
    if args.screenshots:
        from .report import screenshots

        if screenshots.browser() is None:
            print("note: no Chromium found; no screenshots taken (install Debian's chromium)", file=sys.stderr)
        else:
            sizes = screenshots.take(result.path)
            wide = {k: v for k, v in sizes.items() if v > 0}
            print(f"screenshots: {result.path / 'screenshots'} ({len(sizes)} pages x widths; "
                  + (f"{len(wide)} wider than the screen: {', '.join(wide)})" if wide else "none wider than the screen)"))
    if result.failed:
        regions = sorted({t.region for t in result.failed})
        print(f"{len(regions)} region(s) with failures: {', '.join(regions)}", file=sys.stderr)
    return 0 if result.ok else 1


def _cmd_index(args) -> int:
    from .report.index import write_index

    path = write_index(Path(args.run_dir))
    print(f"index: {path}")
    return 0


def _read_parameter_file(path: str) -> dict:
    import yaml

    with open(path, encoding="utf-8") as fh:
        values = yaml.safe_load(fh) or {}
    if not isinstance(values, dict):
        raise config.ParameterError(f"{path}: a parameters file is a YAML mapping of name: value")
    return values


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="blkk", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a data folder against the data contract")
    p.add_argument("data_dir", nargs="?", default=str(config.SAMPLE_DIR))
    p.add_argument("--codes", metavar="SYSTEM", help="the kab/kota codes are BPS codes: 'bps' for every table, or per "
                                                      "table, e.g. 'regency_years=bps' (default: Kemendagri)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("sample", help="regenerate the synthetic sample")
    p.add_argument("--seed", type=int, default=20260101)
    p.add_argument("--out", default=str(config.SAMPLE_DIR))
    p.set_defaults(func=_cmd_sample)

    p = sub.add_parser("report", help="execute and render the notebooks for one or many regions")
    p.add_argument("--scope", default="33", help="province or regency code, or ID (default: 33, Jawa Tengah)")
    p.add_argument("--each", choices=["province", "regency"], help="one report per province or regency in the scope")
    p.add_argument("--regions", nargs="+", help="explicit list of region codes (overrides --scope/--each)")
    p.add_argument("--data-dir", default=str(config.SAMPLE_DIR))
    p.add_argument("--notebooks", help="comma-separated notebook prefixes, e.g. 01,03 (default: all)")
    p.add_argument("--out", default=str(config.REPORT_DIR))
    p.add_argument("--run", help="run name (folder under --out); default from the scope")
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--timeout", type=int, default=900, help="seconds any one cell may run (0: no limit; default 900)")
    p.add_argument("--language", choices=config.LANGUAGES, default="en")
    p.add_argument("--show-code", action="store_true")
    p.add_argument("--parameters", help="YAML parameters file (region, data_dir, language, notebook parameters)")
    p.add_argument(
        "--force", action="store_true", help="execute every notebook, even those unchanged since the last run of this folder"
    )
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask distributed scheduler, e.g. tcp://host:8786")
    p.add_argument(
        "--cold", action="store_true", help="start a fresh kernel for every notebook (default: one warm kernel per worker)"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--compare-to", metavar="RUN_DIR",
                   help="an earlier run folder to compare with (default: the previous run of this folder, if any)")
    p.add_argument("--screenshots", action="store_true",
                   help="after the run, photograph the index and the 00/03/05 pages at 1280 and 390 px "
                        "(headless Chromium) into <run>/screenshots, with overflow.json")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("import", help="read downloaded BPS tables, UMK decree lists or Kemnaker center lists "
                                      "into the data contract")
    isub = p.add_subparsers(dest="source", required=True)
    q = isub.add_parser("bps", help="BPS kab/kota tables and UMK decree lists (CSV/XLSX) -> OUT/regency_years.csv")
    q.add_argument("files", nargs="+", metavar="FILE")
    q.add_argument("--out", required=True, metavar="DIR", help="data folder to write regency_years.csv into")
    q.add_argument("--year", type=int, help="the year, where a table does not say it (selects it in a table of several)")
    q.add_argument("--indicator", help="the indicator, where a table does not say it, e.g. unemployment_rate, "
                                       "labour_force, population, mean_wage_idr, min_wage_idr (or TPT, UMK)")
    q.add_argument("--province", help="the province (name or code), where neither the names nor a total row say it")
    q.add_argument("--codes", choices=["kemendagri", "bps"], help="which codes a table's code column holds")
    q.add_argument("--ump", type=float, help="provincial minimum wage (UMP) for kab/kota without UMK")
    q.add_argument("--sheet", help="the sheet of an XLSX file (default: the first with data)")
    q.set_defaults(func=_cmd_import)
    q = isub.add_parser("recode", help="a data folder keyed by BPS codes -> a copy in OUT keyed by Kemendagri codes")
    q.add_argument("files", nargs=1, metavar="DIR")
    q.add_argument("--codes", required=True, metavar="SYSTEM",
                   help="which tables hold BPS codes: 'bps' for every table, or e.g. 'regency_years=bps'")
    q.add_argument("--out", required=True, metavar="NEW_DIR", help="folder for the Kemendagri-keyed copy")
    q.set_defaults(func=_cmd_import)
    q = isub.add_parser("centers", help="a Kemnaker list of BLK Komunitas -> OUT/centers.csv")
    q.add_argument("files", nargs=1, metavar="FILE")
    q.add_argument("--mapping", required=True, metavar="MAPPING.yaml", help="their column names -> contract columns")
    q.add_argument("--out", required=True, metavar="DIR", help="data folder to write centers.csv into")
    q.set_defaults(func=_cmd_import)

    p = sub.add_parser("index", help="rebuild the index page of a run folder")
    p.add_argument("run_dir")
    p.set_defaults(func=_cmd_index)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a user never sees a traceback; the message says what went wrong
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
