"""pandas / dict of arrays -> the column list the compiled module turns into a data frame.

Each column becomes ``(name, kind, values)``:
  * ``"integer"`` / ``"number"`` with a float64 array (NaN = missing), for numeric dtypes;
    integer columns keep R's integer spelling of factor levels (100000, not 1e+05);
  * ``"text"`` with a list of ``str`` or ``None`` (missing), for strings, categoricals,
    booleans (``"TRUE"``/``"FALSE"``, as R writes logicals) and anything else.
This mirrors what ``weft fit`` sees when the same frame is written with ``to_csv(index=False)``:
string columns are factors, numeric columns are numbers. No arithmetic happens here.
"""

import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import _weft

InputError = _weft.InputError


def _text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return _weft.format_r_number(float(value))
    return str(value)


def _is_missing(value):
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text_cells(values):
    return [None if _is_missing(v) else _text(v) for v in values]


def _column(name, values, where):
    if isinstance(values, pd.DataFrame):
        raise InputError(f"{where}: column '{name}' is itself a table (duplicate column names?); "
                         "expected one value per row")
    if not isinstance(values, pd.Series):
        array = np.asarray(values, dtype=object if isinstance(values, (list, tuple)) else None)
        if array.ndim != 1:
            raise InputError(f"{where}: column '{name}' must be one-dimensional, got shape {array.shape}")
        values = pd.Series(values if isinstance(values, pd.Categorical) else array)
        if values.dtype == object:
            values = values.infer_objects()
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return (name, "text", _text_cells(values.astype(object)))
    if pd.api.types.is_integer_dtype(dtype):
        return (name, "integer", values.to_numpy(dtype="float64", na_value=np.nan))
    if pd.api.types.is_float_dtype(dtype):
        return (name, "number", values.to_numpy(dtype="float64", na_value=np.nan))
    if dtype == object:
        present = [v for v in values if not _is_missing(v)]
        if present and all(isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in present):
            integral = all(isinstance(v, numbers.Integral) for v in present)
            array = np.array([np.nan if _is_missing(v) else float(v) for v in values], dtype="float64")
            return (name, "integer" if integral else "number", array)
    if isinstance(dtype, pd.CategoricalDtype):
        # a Categorical keeps its order: the first category is the reference level
        return (name, "text", _text_cells(values.astype(object)), [_text(c) for c in dtype.categories])
    # strings, dates and anything else: text cells (levels sorted as R's factor() sorts them)
    return (name, "text", _text_cells(values.astype(object)))


def to_columns(data, where="data"):
    """The columns of ``data`` (a pandas DataFrame or a mapping of name -> array)."""
    if isinstance(data, pd.DataFrame):
        items = [(data.columns[j], data.iloc[:, j]) for j in range(data.shape[1])]
    elif isinstance(data, Mapping):
        items = list(data.items())
    else:
        raise InputError(f"{where}: expected a pandas DataFrame or a dict of arrays, got {type(data).__name__}")
    return [_column(str(name), values, where) for name, values in items]


def extra_column(name, values, where, key):
    """A hidden column from an array argument (weights=, offset=)."""
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        got = f"an array of shape {np.shape(values)}" if np.ndim(values) else repr(values)[:60]
        raise InputError(f"{where}: {key}: expected a column name or one value per row of data, got {got}")
    column = _column(name, values, where)
    if column[1] == "text":
        raise InputError(f"{where}: {key}: expected numbers, got values of type {pd.Series(values).dtype}")
    return column
