"""Text bound for a spreadsheet: a cell that starts like a formula is prefixed with an apostrophe, so that opening an
export never runs what someone typed. One rule for every export (CSV, XLSX, the API's CSV)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value):
    """``value`` made safe for a spreadsheet cell; dicts and lists item by item, anything but text as it is."""
    if isinstance(value, dict):
        return {key: defuse(item) for key, item in value.items()}
    if isinstance(value, list):
        return [defuse(item) for item in value]
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
