"""End to end (papermill): a council whose HR extracts use real-world labels gets the metrics of its counts.

Norfolk's 2024 return is turned into the people behind it: every member of
staff, applicant and survey response with an ethnicity written as an HR system
or survey writes it (NHS Data Dictionary labels with and without the letter,
ONS 2011 and 2021 census names, category words, "Prefer not to say",
"Unknown", "Declined", and blanks), with no ``ethnicity_labels`` in params. The
same people are counted into count tables here with a plain pandas pivot,
independently of ``lib/``, and both returns are built by the command line; the
metrics must be byte for byte the same.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pandas as pd
import pytest

import hr_labels
from conftest import pipeline_env, run_cli

LA, PERIOD = "norfolk", "2024"
FLAGS = ("disciplinary", "ftp", "cpd")
HBA = ("hba_public", "hba_colleagues", "hba_managers")


def people(folder: Path) -> dict[str, pd.DataFrame]:
    """The people behind a count return (``code`` is the truth, ``ethnicity`` the label an HR system wrote)."""
    rng = random.Random(24)
    read = {n: pd.read_csv(folder / f"{n}.csv", dtype=str) for n in ("workforce", "events", "recruitment", "survey")}
    turn: dict[str, int] = {}

    def label(code: str) -> str:
        options = hr_labels.labels_for(code)
        turn[code] = turn.get(code, -1) + 1
        return options[turn[code] % len(options)]

    staff = []
    for r in read["workforce"].itertuples():
        for _ in range(int(r.headcount)):
            regulated = r.regulated == "yes"
            staff.append({"service": r.service, "pay_band": r.pay_band, "senior_manager": r.senior_manager,
                          "regulated": r.regulated, "code": r.ethnicity, "status": "in_post",
                          "disciplinary": rng.random() < 0.04, "ftp": regulated and rng.random() < 0.05,
                          "cpd": rng.random() < 0.3})
    for r in read["events"].itertuples():
        group = read["workforce"][(read["workforce"]["service"] == r.service)
                                  & (read["workforce"]["ethnicity"] == r.ethnicity)]
        first = group.iloc[0] if len(group) else None
        for _ in range(int(r.leavers)):
            staff.append({"service": r.service, "pay_band": first["pay_band"], "senior_manager": "no",
                          "regulated": "no", "code": r.ethnicity, "status": "left",
                          "disciplinary": rng.random() < 0.1, "ftp": False, "cpd": rng.random() < 0.3})
    staff_frame = pd.DataFrame(staff)
    staff_frame.insert(0, "staff_id", [f"NF{i:05d}" for i in range(len(staff_frame))])
    applicants = [{"service": r.service, "code": r.ethnicity, "appointed": i < int(r.appointed)}
                  for r in read["recruitment"].itertuples() for i in range(int(r.shortlisted))]
    responses = [{"service": r.service, "code": r.ethnicity, **{c: i < int(getattr(r, c)) for c in HBA}}
                 for r in read["survey"].itertuples() for i in range(int(r.respondents))]
    out = {"staff": staff_frame, "applicants": pd.DataFrame(applicants), "survey_responses": pd.DataFrame(responses)}
    out["applicants"].insert(0, "applicant_id", [f"AP{i:05d}" for i in range(len(applicants))])
    out["survey_responses"].insert(0, "response_id", [f"RS{i:05d}" for i in range(len(responses))])
    for frame in out.values():
        frame.insert(frame.columns.get_loc("code"), "ethnicity", [label(c) for c in frame["code"]])
    return out


def yes_no(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.replace({True: "yes", False: "no"})


def pivot(records: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The count tables of the same people: a plain pandas pivot by the true code (not the workbook's counting)."""
    staff = records["staff"].rename(columns={"code": "eth"})
    in_post = staff[staff["status"] == "in_post"]
    workforce = (in_post.groupby(["service", "pay_band", "senior_manager", "regulated", "eth"]).size()
                 .rename("headcount").reset_index())
    events = (staff.assign(leavers=staff["status"] == "left").groupby(["service", "eth"])[[*FLAGS, "leavers"]]
              .sum().astype(int).reset_index())
    applicants = records["applicants"].rename(columns={"code": "eth"})
    recruitment = applicants.groupby(["service", "eth"]).agg(shortlisted=("appointed", "size"),
                                                            appointed=("appointed", "sum")).reset_index()
    responses = records["survey_responses"].rename(columns={"code": "eth"})
    survey = responses.groupby(["service", "eth"]).agg(respondents=("hba_public", "size"),
                                                      **{c: (c, "sum") for c in HBA}).reset_index()
    return {name: frame.rename(columns={"eth": "ethnicity"})
            for name, frame in {"workforce": workforce, "events": events, "recruitment": recruitment,
                                "survey": survey}.items()}


@pytest.mark.xdist_group("pipeline")
def test_hr_system_labels_build_to_the_metrics_of_the_same_people_as_counts(scratch_tree: Path) -> None:
    assert "ethnicity_labels" not in (scratch_tree / "params" / f"{LA}.yml").read_text(encoding="utf-8")
    shutil.copytree(scratch_tree / "raw", scratch_tree / "raw-counts")
    folder = scratch_tree / "raw" / LA / PERIOD
    records = people(folder)
    blanks = {name: (int((frame["ethnicity"] == "").sum()), int((frame["ethnicity"] == "").to_numpy().argmax()) + 2)
              for name, frame in records.items()}  # (rows, first line): line 1 is the header
    written = {label for frame in records.values() for label in frame["ethnicity"]}
    assert all(count > 1 for count, _ in blanks.values())
    assert {label for label, _ in hr_labels.ALL} <= written  # every published label is used somewhere
    for name in ("workforce", "events", "recruitment", "survey"):
        (folder / f"{name}.csv").unlink()
        counts = scratch_tree / "raw-counts" / LA / PERIOD / f"{name}.csv"
        pivot(records)[name].to_csv(counts, index=False, lineterminator="\n")
    for name, frame in records.items():
        yes_no(frame.drop(columns="code")).to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")

    metrics = {}
    for form, raw in (("records", "raw"), ("counts", "raw-counts")):
        env = pipeline_env(scratch_tree / form)
        env.update(SCWRES_RAW_DIR=str(scratch_tree / raw), SCWRES_PARAMS_DIR=str(scratch_tree / "params"))
        run_cli(["report", "--la", LA, "--period", PERIOD], env)
        build = scratch_tree / form / "build" / LA / PERIOD
        metrics[form] = (build / "metrics.csv").read_bytes()
        problems = json.loads((build / "problems.json").read_text(encoding="utf-8"))
        assert [p for p in problems if p["severity"] == "error"] == []
        if form == "records":
            found = {p["file"]: p for p in problems if p["column"] == "ethnicity" and "blank" in p["message"]}
            assert set(found) == {f"{name}.csv" for name in records}  # one warning per extract
            for name, (count, line) in blanks.items():
                assert found[f"{name}.csv"]["severity"] == "warning" and found[f"{name}.csv"]["line"] == line
                assert f"ethnicity is blank in {count:,} rows (first line {line})" in found[f"{name}.csv"]["message"]
            counted = pd.read_csv(build / "return" / "workforce.csv", dtype=str)
            expected = pivot(records)["workforce"].astype(str)
            assert sorted(counted.to_numpy().tolist()) == sorted(expected.to_numpy().tolist())
    assert metrics["records"] == metrics["counts"]
    assert len(metrics["records"].splitlines()) > 10
