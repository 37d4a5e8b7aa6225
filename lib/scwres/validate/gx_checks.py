"""The one module that talks to great-expectations (GX Core 1.x).

Validation describes its checks as plain ``Rule`` values and gets plain
``Failure`` values back (which rule, which lines), so nothing else in the
project depends on the GX API, and a GX upgrade touches only this file.

GX is imported lazily, inside ``run_rules``: ``import great_expectations``
costs seconds, and only the validation step needs it. Its usage analytics
and progress bars are switched off so notebook outputs stay clean and no
run phones home.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

LINE = "__line__"  # same name as scwres.intake.raw_return.LINE; repeated so this module stands alone

RuleKind = Literal["columns", "not_empty", "in_set", "regex", "unique", "compound_unique", "a_at_most_b"]


@dataclass(frozen=True)
class Rule:
    """One check on one frame, in project terms.

    ``columns``: the frame's columns are exactly ``values``.
    ``not_empty``: at least one row.
    ``in_set``: every ``column`` value is one of ``values``.
    ``regex``: every ``column`` value matches ``pattern``.
    ``unique`` / ``compound_unique``: ``columns`` together identify a row.
    ``a_at_most_b``: ``column`` <= ``other`` on every row where both are numbers.
    """

    kind: RuleKind
    column: str | None = None
    columns: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    pattern: str = ""
    other: str | None = None


INDEX_COLUMNS = (LINE, "table", "column")  # how a failing row is identified, where the frame has them


@dataclass
class Failure:
    """A rule that did not hold: the failing rows, each as its ``__line__`` (and table and column
    when the frame is a long one holding cells of several tables)."""

    rule: Rule
    rows: list[dict[str, Any]] = field(default_factory=list)
    observed: Any = None

    @property
    def lines(self) -> list[int]:
        return sorted({int(row[LINE]) for row in self.rows})


def _quiet_import() -> Any:
    """Import GX with analytics off and without jsonschema's slow IRI grammar.

    jsonschema imports ``rfc3987_syntax`` (if installed) only to check the
    ``iri`` string format, which GX never uses; building its grammar takes
    about 1.5 s. Marking it absent before the first import skips that cost.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    if "great_expectations" not in sys.modules and "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import great_expectations as gx

    return gx


_CACHE: dict[str, Any] = {}


def _asset() -> tuple[Any, Any]:
    """One ephemeral GX context with one in-memory pandas asset, made once per process.

    Creating data sources and assets makes GX save (serialise) its config each
    time; doing it once keeps repeated validations (tests, batch runs) fast.
    Every table goes through the same asset as a different dataframe.
    """
    if "asset" not in _CACHE:
        gx = _quiet_import()
        import great_expectations.expectations as gxe

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = {"globally": False, "metric_calculations": False, "profilers": False}
        asset = context.data_sources.add_pandas("scwres_return").add_dataframe_asset("table")
        asset.add_batch_definition_whole_dataframe("whole")
        _CACHE.update(context=context, asset=asset, gxe=gxe)
    return _CACHE["asset"], _CACHE["gxe"]


def _raised(info: Any) -> bool:
    """GX reports exceptions either flat or per metric; look in both shapes."""
    if not isinstance(info, dict):
        return False
    if info.get("raised_exception"):
        return True
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def _expectation(gxe: Any, rule: Rule) -> Any:
    """The GX expectation that implements ``rule``."""
    if rule.kind == "columns":
        return gxe.ExpectTableColumnsToMatchSet(column_set=[*rule.values, LINE], exact_match=True)
    if rule.kind == "not_empty":
        return gxe.ExpectTableRowCountToBeBetween(min_value=1)
    if rule.kind == "in_set":
        return gxe.ExpectColumnValuesToBeInSet(column=rule.column, value_set=list(rule.values))
    if rule.kind == "regex":
        return gxe.ExpectColumnValuesToMatchRegex(column=rule.column, regex=rule.pattern)
    if rule.kind == "unique":
        return gxe.ExpectColumnValuesToBeUnique(column=rule.columns[0])
    if rule.kind == "compound_unique":
        return gxe.ExpectCompoundColumnsToBeUnique(column_list=list(rule.columns))
    if rule.kind == "a_at_most_b":
        return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=rule.other, column_B=rule.column, or_equal=True, ignore_row_if="either_value_is_missing"
        )
    raise ValueError(f"unknown rule kind {rule.kind}")


def run_rules(frames: dict[str, tuple[pd.DataFrame, list[Rule]]]) -> dict[str, list[Failure]]:
    """Run each frame's rules as one GX suite; return the failures per frame name.

    Every frame must carry a ``__line__`` column (and, for long frames of
    cells from several tables, ``table`` and ``column``): GX reports the
    failing rows by them, so problems can name the line and column. Null
    cells are skipped by the column rules, so one long frame can hold cells
    that different rules check. A rule that GX cannot evaluate (an
    exception inside GX) is a bug here, not a fault in the return, so it
    raises instead of letting the return pass unchecked.
    """
    frames = {name: (frame, rules) for name, (frame, rules) in frames.items() if rules}
    if not frames:
        return {}
    gx = _quiet_import()
    asset, gxe = _asset()
    batch_def = asset.batch_definitions[0]
    out: dict[str, list[Failure]] = {}
    for name, (frame, rules) in frames.items():
        expectations = []
        for index, rule in enumerate(rules):
            expectation = _expectation(gxe, rule)
            expectation.meta = {"scwres_rule": index}
            expectations.append(expectation)
        suite = gx.ExpectationSuite(name=f"scwres_{name}", expectations=expectations)
        frame = frame.reset_index(drop=True)
        batch = batch_def.get_batch(batch_parameters={"dataframe": frame})
        index = [c for c in INDEX_COLUMNS if c in frame.columns]
        # GX reports failing rows by their position in the frame; the identifying columns are then
        # taken in one step. Asking GX for them ("unexpected_index_column_names") made it look each
        # failing row up on its own: 20,000 bad rows took minutes.
        result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
        # GX does not keep suite order in its results: match them back by the index in meta.
        failures = []
        for res in result.results:
            if res.success:
                continue
            rule = rules[int(res.expectation_config.meta["scwres_rule"])]
            if _raised(res.exception_info):
                raise RuntimeError(f"great-expectations could not evaluate {rule} on {name}: {res.exception_info}")
            details = res.result or {}
            rows = _identify(frame, index, details.get("unexpected_index_list") or [])
            failures.append(Failure(rule, rows, details.get("observed_value")))
        out[name] = failures
    return out


def _identify(frame: pd.DataFrame, index: list[str], found: list[Any]) -> list[dict[str, Any]]:
    """The identifying cells (line, table, column) of the failing rows GX found, in its order."""
    if found and isinstance(found[0], dict):  # a GX version that names the rows itself
        return [{k: row[k] for k in index if k in row} for row in found]
    return frame.iloc[list(found)][index].to_dict("records")
