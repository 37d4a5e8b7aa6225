"""Re-freeze the backtest's ground truth: ``python tests/freeze_ground_truth.py``.

Run it only when a change to a published figure is intended, and say why in the
commit: the backtest exists to catch changes nobody meant to make.
"""

from __future__ import annotations

from pathlib import Path

from scwres.disclosure.metrics_table import calculate, write_metrics_csv
from scwres.intake.params import list_councils, load_params, period_list

TRUTH = Path(__file__).resolve().parent / "ground_truth"


def main() -> None:
    for la in list_councils():
        params = load_params(la)
        for period in period_list(params):
            target = TRUTH / la / period / "metrics.csv"
            target.parent.mkdir(parents=True, exist_ok=True)
            write_metrics_csv(calculate(la, period, params), target, with_plan=False)
            print(target.relative_to(TRUTH.parent))


if __name__ == "__main__":
    main()
