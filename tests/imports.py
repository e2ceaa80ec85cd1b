"""Reading the dry-run preview of an import (templates/includes/import_preview.html) as a user sees it."""

import html
import re

PREVIEW_ROW = re.compile(
    r'<tr class="row-(?P<action>\w+)">\s*<td[^>]*>(?P<number>\d+)</td>\s*<td[^>]*>(?P<label>.*?)</td>\s*'
    r"<td[^>]*>.*?</td>\s*<td[^>]*>(?P<details>.*?)</td>\s*</tr>",
    re.DOTALL,
)


def preview_rows(response):
    """The preview table as {row number: (action, label, details)}: details are the listed errors, or the changed
    fields as one item, or none ("—")."""
    rows = {}
    for match in PREVIEW_ROW.finditer(response.content.decode()):
        details = match["details"]
        items = re.findall(r"<li>(.*?)</li>", details) if "<li>" in details else [] if details == "—" else [details]
        rows[int(match["number"])] = (
            match["action"],
            html.unescape(match["label"]),
            [html.unescape(item) for item in items],
        )
    return rows
