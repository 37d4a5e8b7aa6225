"""HTML pieces of the published report, built from the metrics table.

Every string that comes from a return, params or commentary passes through
``esc`` before it reaches HTML. Suppression (``[c]``) is applied here, at
render time, for the public audience.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from . import charts
from .params import pay_band_label
from .stats import ADVERSE_BELOW_ONE

METRIC_TITLES = {
    "m1": "Minority ethnic share of staff by pay band",
    "m2": "Appointment from shortlisting",
    "m3": "Entering the formal disciplinary process",
    "m4": "Regulated professionals entering fitness to practise",
    "m5": "Accessing funded non-mandatory CPD",
    "m6": "Harassment, bullying or abuse from people who use services, relatives or the public",
    "m7_colleagues": "Harassment, bullying or abuse from colleagues",
    "m7_managers": "Harassment, bullying or abuse from managers",
    "m8": "Leaving the organisation",
    "m9": "Senior management",
}
EVENT_PHRASE = {
    "m2": "to be appointed from shortlisting", "m3": "to enter the formal disciplinary process",
    "m4": "to be referred into fitness to practise", "m5": "to access funded non-mandatory CPD",
    "m6": "to experience harassment, bullying or abuse from the public",
    "m7_colleagues": "to experience harassment, bullying or abuse from colleagues",
    "m7_managers": "to experience harassment, bullying or abuse from managers",
    "m8": "to leave the organisation", "m9": "to be senior managers",
}
ASSESSMENT_WORDS = {
    "adverse": "a statistically significant difference, unfavourable to {group} staff",
    "favourable": "a statistically significant difference, favourable to {group} staff",
    "no_significant_difference": "no statistically significant difference",
    "insufficient_data": "too little data to say",
}
SUPPRESSED = "[c]"


def esc(value: Any) -> str:
    """Escape any text for HTML (quotes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def ratio(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:.2f}"


def percent(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value * 100:.1f}%"


def likelihood_phrase(value: float) -> str:
    """'0.52 times as likely (48% less likely)' - never 'times more likely' below 2."""
    if value < 1:
        return f"{value:.2f} times as likely ({(1 - value) * 100:.0f}% less likely)"
    if value < 2:
        return f"{value:.2f} times as likely ({(value - 1) * 100:.0f}% more likely)"
    return f"{value:.2f} times as likely"


def headline(row: pd.Series, group: str, hidden: bool) -> str:
    """One plain-English sentence stating an RL finding."""
    metric = row["metric"]
    if hidden:
        return f"There are too few cases to publish this figure for {esc(row['service'])}."
    if row["assessment"] == "insufficient_data" or row["value"] != row["value"]:
        return f"There is too little data to compare {esc(group)} and white staff."
    words = ASSESSMENT_WORDS[row["assessment"]].format(group=esc(group))
    return (f"{esc(group).capitalize()} staff were {likelihood_phrase(row['value'])} as white staff "
            f"{EVENT_PHRASE[metric]} ({ratio(row['value'])}, 95% interval {ratio(row['ci_low'])} to "
            f"{ratio(row['ci_high'])}): {words}.").replace("as likely as likely", "as likely")


def banners(params: dict[str, Any], period: str, audience: str) -> str:
    out = []
    if params["periods"][period].get("illustrative"):
        out.append('<p class="banner" role="note">Illustrative data: these figures were generated for '
                   'demonstration and are not the council\'s real workforce data.</p>')
    if audience == "internal":
        out.append('<p class="banner internal" role="note">INTERNAL - not for publication.</p>')
    return "\n".join(out)


def title_block(params: dict[str, Any], period: str, audience: str) -> str:
    spec = params["periods"][period]
    return (f"<h1>{esc(params['name'])}: Social Care Workforce Race Equality Standard {esc(period)}</h1>\n"
            f"<p>Snapshot date {esc(spec['snapshot_date'])}; flows cover {esc(spec['window_start'])} to "
            f"{esc(spec['window_end'])}.</p>\n{banners(params, period, audience)}")


def hide(row: pd.Series, audience: str) -> bool:
    return audience == "public" and bool(row["suppressed"])


def rl_table(rows: pd.DataFrame, metric: str, audience: str) -> str:
    head = ("<tr><th scope=\"col\">Service</th><th scope=\"col\" class=\"num\">Minority ethnic</th>"
            "<th scope=\"col\" class=\"num\">White</th><th scope=\"col\" class=\"num\">Relative likelihood</th>"
            "<th scope=\"col\" class=\"num\">95% interval</th><th scope=\"col\">Assessment</th>"
            "<th scope=\"col\">Change since last period</th></tr>")
    body = []
    for _, r in rows.iterrows():
        if hide(r, audience):
            cells = [SUPPRESSED] * 6
        else:
            cells = [f"{r['events_me']} of {r['base_me']} ({percent(r['rate_me'])})",
                     f"{r['events_white']} of {r['base_white']} ({percent(r['rate_white'])})",
                     ratio(r["value"]), f"{ratio(r['ci_low'])} to {ratio(r['ci_high'])}",
                     esc(r["assessment"]).replace("_", " "), esc(r["trend"]).replace("_", " ")]
        body.append(f"<tr><th scope=\"row\">{esc(r['service'])}</th>"
                    + "".join(f"<td class=\"num\">{c}</td>" if i < 4 else f"<td>{c}</td>" for i, c in enumerate(cells))
                    + "</tr>")
    return (f"<div class=\"table-wrap\"><table><caption>{esc(METRIC_TITLES[metric])}: figures behind the chart"
            f"</caption><thead>{head}</thead><tbody>{''.join(body)}</tbody></table></div>")


def rl_section(frame: pd.DataFrame, metric: str, group: str, audience: str) -> str:
    rows = frame[(frame["metric"] == metric) & (frame["breakdown"] == "overall")].set_index("service")
    rows = rows.loc[["adults", "children", "all"]].reset_index()
    points = []
    for _, r in rows.iterrows():
        hidden = hide(r, audience)
        points.append({"label": r["service"], "service": r["service"],
                       "value": None if hidden or r["value"] != r["value"] else r["value"],
                       "low": None if hidden or r["ci_low"] != r["ci_low"] else r["ci_low"],
                       "high": None if hidden or r["ci_high"] != r["ci_high"] else r["ci_high"]})
    all_row = rows[rows["service"] == "all"].iloc[0]
    sentence = headline(all_row, group, hide(all_row, audience))
    svg = charts.forest(points, METRIC_TITLES[metric], metric in ADVERSE_BELOW_ONE)
    missing = [p["label"] for p in points if p["low"] is None]
    caption = "Relative likelihood with 95% interval, by service; dashed line: equally likely."
    if missing:
        caption += f" Not drawn ({', '.join(missing)}): too few cases or too little data."
    return (f"<h2 id=\"{metric}\">{esc(METRIC_TITLES[metric])}</h2>\n<p>{sentence}</p>\n"
            f"<figure role=\"group\" aria-label=\"{esc(METRIC_TITLES[metric])} chart\">"
            f"<div role=\"img\" aria-label=\"{esc(sentence_alt(all_row, metric, hide(all_row, audience)))}\">"
            f"{svg}</div><figcaption>{esc(caption)}</figcaption></figure>\n{rl_table(rows, metric, audience)}")


def sentence_alt(row: pd.Series, metric: str, hidden: bool) -> str:
    if hidden or row["value"] != row["value"]:
        return f"Dot and interval chart of {METRIC_TITLES[metric]} by service; overall figure not shown."
    return (f"Dot and interval chart of {METRIC_TITLES[metric].lower()} by service: overall relative likelihood "
            f"{ratio(row['value'])}, {str(row['assessment']).replace('_', ' ')}.")


def m1_section(frame: pd.DataFrame, params: dict[str, Any], audience: str) -> str:
    parts = [f"<h2 id=\"m1\">{esc(METRIC_TITLES['m1'])}</h2>"]
    for service in ("adults", "children", "all"):
        rows = frame[(frame["metric"] == "m1") & (frame["service"] == service)].set_index("breakdown")
        overall = rows.loc["overall"]
        bands = params["pay_bands"]
        shares = [None if hide(rows.loc[b], audience) else rows.loc[b, "value"] for b in bands]
        shares = [None if s is not None and s != s else s for s in shares]
        labels = [pay_band_label(params, b) for b in bands]
        top = shares[-1]
        ov = None if hide(overall, audience) else overall["value"]
        if top is not None and ov is not None:
            sentence = (f"In {esc(service)}, {percent(top)} of staff in the highest pay band are minority ethnic, "
                        f"against {percent(ov)} of the whole workforce.")
        else:
            sentence = f"In {esc(service)}, some pay bands have too few staff to publish."
        svg = charts.band_shares(labels, shares, ov, None, f"Minority ethnic share by pay band: {service}")
        body = "".join(
            f"<tr><th scope=\"row\">{esc(lbl)}</th>"
            + ("".join(f"<td class=\"num\">{SUPPRESSED}</td>" for _ in range(4)) if hide(rows.loc[b], audience) else
               f"<td class=\"num\">{rows.loc[b, 'events_me']}</td><td class=\"num\">{rows.loc[b, 'events_white']}"
               f"</td><td class=\"num\">{percent(rows.loc[b, 'value'])}</td><td class=\"num\">"
               f"{percent(rows.loc[b, 'ci_low'])} to {percent(rows.loc[b, 'ci_high'])}</td>")
            + "</tr>" for b, lbl in zip(bands, labels))
        parts.append(
            f"<h3>{esc(service).capitalize()}</h3><p>{sentence}</p><figure role=\"group\">"
            f"<div role=\"img\" aria-label=\"Bar chart of minority ethnic share by pay band for {esc(service)}. "
            f"{sentence}\">{svg}</div><figcaption>Bars: minority ethnic share of each pay band, lowest band first; "
            f"dashed line: whole workforce.</figcaption></figure><div class=\"table-wrap\"><table><caption>Minority "
            f"ethnic share by pay band, {esc(service)}</caption><thead><tr><th scope=\"col\">Pay band</th>"
            f"<th scope=\"col\" class=\"num\">Minority ethnic</th><th scope=\"col\" class=\"num\">White</th>"
            f"<th scope=\"col\" class=\"num\">Share</th><th scope=\"col\" class=\"num\">95% interval</th></tr></thead>"
            f"<tbody>{body}</tbody></table></div>")
    return "\n".join(parts)
