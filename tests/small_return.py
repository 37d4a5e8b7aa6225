"""A tiny hand-made return for unit tests: few enough rows to work out by hand."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

PARAMS: dict[str, Any] = {
    "la": "tiny", "name": "Tiny Test Council", "pay_bands": ["low", "high"], "pay_band_labels": {},
    "group_label": "minority ethnic", "white_minorities_as_minority_ethnic": False,
    "suppression_threshold": 10, "unknown_share_warning": 0.1, "leaver_base": "snapshot",
    "periods": {"2023": {}, "2024": {}},
}


def params(**overrides: Any) -> dict[str, Any]:
    out = copy.deepcopy(PARAMS)
    out.update(overrides)
    return out


def tables() -> dict[str, pd.DataFrame]:
    """Adults: 40 ME (30 low, 10 high), 100 white (60 low, 40 high), 5 unknown;
    children: 20 ME, 50 white, all low. White Irish counted apart to test the flag."""
    workforce = pd.DataFrame(
        [
            ("adults", "low", "no", "no", "black_african", 30),
            ("adults", "high", "no", "yes", "asian_indian", 8),
            ("adults", "high", "yes", "yes", "asian_indian", 2),
            ("adults", "low", "no", "no", "white_british", 50),
            ("adults", "low", "no", "no", "white_irish", 10),
            ("adults", "high", "no", "yes", "white_british", 30),
            ("adults", "high", "yes", "yes", "white_british", 10),
            ("adults", "low", "no", "no", "not_stated", 5),
            ("children", "low", "no", "yes", "mixed_other", 20),
            ("children", "low", "no", "yes", "white_british", 50),
        ],
        columns=["service", "pay_band", "senior_manager", "regulated", "ethnicity", "headcount"],
    )
    recruitment = pd.DataFrame(
        [
            ("adults", "black_african", 40, 4),
            ("adults", "asian_indian", 10, 2),
            ("adults", "white_british", 50, 15),
            ("adults", "white_irish", 10, 3),
            ("adults", "not_stated", 7, 7),
            ("children", "mixed_other", 20, 5),
            ("children", "white_british", 30, 10),
        ],
        columns=["service", "ethnicity", "shortlisted", "appointed"],
    )
    events = pd.DataFrame(
        [
            ("adults", "black_african", 3, 0, 10, 6),
            ("adults", "asian_indian", 1, 1, 4, 2),
            ("adults", "white_british", 2, 1, 30, 8),
            ("adults", "white_irish", 0, 0, 3, 2),
            ("adults", "not_stated", 1, 0, 0, 1),
            ("children", "mixed_other", 2, 1, 6, 4),
            ("children", "white_british", 1, 2, 20, 5),
        ],
        columns=["service", "ethnicity", "disciplinary", "ftp", "cpd", "leavers"],
    )
    survey = pd.DataFrame(
        [
            ("adults", "black_african", 20, 8, 4, 3),
            ("adults", "asian_indian", 5, 1, 1, 0),
            ("adults", "white_british", 50, 10, 5, 2),
            ("adults", "white_irish", 5, 1, 0, 0),
            ("children", "mixed_other", 10, 3, 2, 1),
            ("children", "white_british", 25, 5, 3, 1),
        ],
        columns=["service", "ethnicity", "respondents", "hba_public", "hba_colleagues", "hba_managers"],
    )
    population = pd.DataFrame([("white_british", 9000), ("black_african", 1000)], columns=["ethnicity", "population"])
    return {"workforce": workforce, "recruitment": recruitment, "events": events, "survey": survey,
            "population": population}
