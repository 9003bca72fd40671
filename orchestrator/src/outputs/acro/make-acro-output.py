"""Makes an ACRO output folder with the real library, for the airlock's tests.

A crosstab with a cell below the threshold (suppressed, with an exception request) and an OLS regression,
finalised as ACRO writes it: results.json, config.json, checksums/, the outputs. Usage: python3 make-acro-output.py DIR
"""

import sys

import numpy as np
import pandas as pd
from acro import ACRO, add_constant

out = sys.argv[1]
rng = np.random.default_rng(7)
rows = 400
df = pd.DataFrame(
    {
        "region": rng.choice(["north", "south", "east"], size=rows, p=[0.45, 0.45, 0.10]),
        "sex": rng.choice(["F", "M"], size=rows),
        "age": rng.integers(20, 90, size=rows),
    }
)
# One small cell: three people in the east are F and over 85, made so by construction.
df.loc[df.region == "east", "sex"] = "M"
df.loc[df.index[df.region == "east"][:3], "sex"] = "F"
df["cost"] = 1000 + 20 * df.age + rng.normal(0, 300, size=rows)

acro = ACRO(suppress=True)
acro.crosstab(df.region, df.sex)
acro.add_exception("output_0", "The east region is needed for the paper; the small cell is suppressed.")
acro.add_comments("output_0", "Counts of patients by region and sex.")
acro.ols(df.cost, add_constant(df[["age"]]))
acro.finalise(out, "json")
