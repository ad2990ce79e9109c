"""Shared fixtures for the weft Python tests.

Environment (set by ctest's "python: pytest"):
  PYTHONPATH       the build tree's python/ folder (holds the weft package)
  WEFT_CLI         the weft executable, for comparisons with `weft fit` / `weft predict`
  WEFT_SOURCE_DIR  the repository (data sets); defaults to this file's repository
"""
import io
import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import weft

SOURCE_DIR = Path(os.environ.get("WEFT_SOURCE_DIR", Path(__file__).resolve().parents[2]))
DATA_DIR = SOURCE_DIR / "configs" / "data"
CASES_DIR = SOURCE_DIR / "tests" / "reference" / "cases"
EXAMPLES_DIR = SOURCE_DIR / "examples"
REFERENCE = json.loads((Path(__file__).parent / "data" / "lme4_reference.json").read_text())


def read_csv(path, **kwargs):
    # round_trip: the same doubles weft's CSV reader gets from the text
    return pd.read_csv(path, float_precision="round_trip", **kwargs)


@pytest.fixture(scope="session")
def cbpp():
    df = read_csv(DATA_DIR / "cbpp.csv")
    df["period"] = df["period"].astype("category")  # a factor, as in lme4's cbpp
    return df


@pytest.fixture(scope="session")
def cbpp_raw():
    return read_csv(DATA_DIR / "cbpp.csv")


@pytest.fixture(scope="session")
def grouse():
    return read_csv(DATA_DIR / "grouseticks.csv")


@pytest.fixture(scope="session")
def owls():
    return read_csv(DATA_DIR / "owls.csv")


@pytest.fixture(scope="session")
def salamanders():
    return read_csv(DATA_DIR / "salamanders.csv")


@pytest.fixture(scope="session")
def cbpp_newdata():
    return read_csv(EXAMPLES_DIR / "data" / "cbpp_newdata.csv")


def case_data(name):
    return read_csv(CASES_DIR / name / "data.csv")


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("WEFT_CLI")
    if not path or not Path(path).is_file():
        pytest.skip("WEFT_CLI (the weft executable) is not set; ctest sets it")
    return str(Path(path).resolve())


class CliRun:
    def __init__(self, completed):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr

    @property
    def document(self):
        return json.loads(self.stdout)

    @property
    def message(self):
        """The one-line error without the CLI's "error: " prefix."""
        lines = self.stderr.strip().splitlines()
        assert len(lines) == 1, self.stderr
        assert lines[0].startswith("error: "), self.stderr
        return lines[0][len("error: "):]


def run_cli_fit(cli, folder, config, data, fmt="json", config_name="glmer"):
    """`weft fit glmer --data data` in `folder`, with the model YAML in a file named `glmer` and
    the data in a file named `data`: the names the Python module uses in its messages, so that
    messages can be compared exactly. `config`: dict of YAML keys (values written as JSON, which
    is YAML); `data`: a DataFrame (written with to_csv(index=False))."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / config_name).write_text("".join(f"{k}: {json.dumps(v)}\n" for k, v in config.items()))
    data.to_csv(folder / "data", index=False)
    completed = subprocess.run([cli, "fit", config_name, "--data", "data", "--format", fmt], cwd=folder,
                               capture_output=True, text=True, timeout=300)
    return CliRun(completed)


def run_cli_predict(cli, folder, result_json_text, newdata, kind="response", population=False, column="prediction"):
    """`weft predict`'s CSV: the column `column`, or the whole table (column=None)."""
    folder = Path(folder)
    (folder / "result.json").write_text(result_json_text)
    newdata.to_csv(folder / "newdata.csv", index=False)
    args = [cli, "predict", "result.json", "--newdata", "newdata.csv", "--type", kind]
    if population:
        args.append("--population")
    completed = subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    table = pd.read_csv(io.StringIO(completed.stdout), float_precision="round_trip")
    return table if column is None else table[column].to_numpy()


def without(document, *keys):
    """The document without `keys`, and without the model's recipe (model.spec: it names the
    config and data file, which a fit from memory does not have)."""
    out = {k: v for k, v in document.items() if k not in keys}
    if isinstance(out.get("model"), dict):
        out["model"] = {k: v for k, v in out["model"].items() if k != "spec"}
    return out


@pytest.fixture
def fit_quiet():
    """glmer with ConvergenceWarning turned into an error: tests that expect a clean fit."""
    import warnings

    def run(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("error", weft.ConvergenceWarning)
            return weft.glmer(*args, **kwargs)
    return run
