"""Small generated councils, published in process, for the attacker (``test_attacker``).

The notebooks run each report through papermill, which costs seconds per
report; the attacker needs only the published HTML, which the report package
renders the same way section by section (the notebook is one call per
section). So this writes generated returns, validates them and computes their
metrics exactly as notebooks 1 and 2 do, renders each public report from the
same section functions as notebook 3, and builds the national and regional
pages over them with ``scwres.render.national``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from scwres import paths
from scwres.dev.illustrative import generate, random_council
from scwres.disclosure.metrics_table import calculate, write_metrics_csv
from scwres.intake.params import load_params
from scwres.pipeline.national import build_national, request_protection
from scwres.render import national, quality_page
from scwres.validate.validation import load_return, raise_on_errors, validate_return, write_problems

PERIODS = ("2023", "2024")
# (headcount per period, region): small enough that many counts are 1 to 9; the first grows by more than
# 25% (a year-on-year warning) and the first two make a region of two councils.
SHAPES = (({"2023": 48, "2024": 66}, "London"), ({"2023": 70, "2024": 64}, "London"),
          ({"2023": 130, "2024": 120}, "North East"), ({"2023": 95, "2024": 100}, "North West"))


@dataclass
class World:
    root: Path
    las: list[str]
    periods: tuple[str, ...]
    region: str

    def report(self, la: str, period: str, audience: str = "public") -> Path:
        name = "report.html" if audience == "public" else "report-internal.html"
        return paths.report_dir(la, period) / name

    def rollup(self, period: str, region: str | None = None) -> Path:
        return national.output_path(period, region)


def render_report(la: str, period: str, audience: str = "public") -> str:
    """A council's report, section by section as notebook 3 renders it."""
    from scwres.actions.report_html import action_plan_section, metric_actions_html
    from scwres.render import report

    ctx = report.load_context(la, period, audience)
    parts = [report.title_section(ctx), report.glance_section(ctx), report.about_section(ctx),
             report.findings_sections(ctx, metric_extra=lambda m: metric_actions_html(la, m, period, ctx.params,
                                                                                      audience=audience)),
             report.trend_section(ctx), report.subgroups_section(ctx),
             action_plan_section(la, period, ctx.params, audience=audience), report.data_quality_section(ctx),
             report.methods_section(ctx)]
    return "<!DOCTYPE html>\n<html lang=\"en\"><body><main>" + "\n".join(parts) + "</main></body></html>\n"


def publish_council(la: str, period: str, audiences: tuple[str, ...] = ("public",)) -> None:
    params = load_params(la)
    build = paths.build_dir(la, period)
    build.mkdir(parents=True, exist_ok=True)
    problems = validate_return(la, period, params)
    write_problems(problems, build)
    quality_page.publish(la, period, problems, params)
    raise_on_errors(problems)
    write_metrics_csv(calculate(la, period, params), build / "metrics.csv")
    for audience in audiences:
        target = paths.report_dir(la, period) / ("report.html" if audience == "public" else "report-internal.html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_report(la, period, audience), encoding="utf-8")


def build_world(root: Path, seed: int = 5, shapes: tuple = SHAPES, periods: tuple[str, ...] = PERIODS,
                rollups: bool = True, trades: bool = True) -> World:
    """Write, validate, calculate and publish the small councils, then the national and regional pages.

    The caller points ``scwres.paths`` at ``root`` (RAW_DIR, PARAMS_DIR, BUILD_DIR, REPORTS_DIR) first.
    ``trades``: let the roll-up ask councils to hide more so pooled figures can show (``least_loss``).
    """
    councils = tuple(replace(random_council(i + 1, seed, PERIODS), staff=staff, region=region,
                             declared_offset={p: 0.0 for p in PERIODS})
                     for i, (staff, region) in enumerate(shapes))
    generate(paths.RAW_DIR, paths.PARAMS_DIR, councils, PERIODS)
    las = [c.slug for c in councils]
    for period in periods:  # earlier periods first: a report reads the plans its earlier periods were published with
        for la in las:  # one internal report, for the test that reads it as if it were public
            internal = (la, period) == (las[0], periods[-1])
            publish_council(la, period, ("public", "internal") if internal else ("public",))
        if rollups and trades:  # as make national does: the councils the roll-up asks to hide more, again
            for la in request_protection(period)[0]:
                internal = (la, period) == (las[0], periods[-1])
                publish_council(la, period, ("public", "internal") if internal else ("public",))
    for period in periods if rollups else ():
        build_national(period)
        for region in sorted({region for _, region in shapes}):
            build_national(period, region)
    return World(root, las, periods, "London")


def tables(la: str, period: str) -> dict:
    return load_return(la, period, pay_bands=load_params(la)["pay_bands"])
