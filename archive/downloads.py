"""CSV that opens right in Excel, and canned-query exports that are never cut short.

Datasette writes CSV as UTF-8 without a byte-order mark, which Excel reads as the local
code page (Chinese turns to mojibake), and stops a query's CSV at ``max_returned_rows``
without saying so. An ASGI wrapper adds the mark to every CSV answer, sends a table's
CSV as a stream of all its rows, and routes a canned query's CSV to ``export_query``,
which writes every row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

BOM = b"\xef\xbb\xbf"
EXPORT_PREFIX = "/-/export/"
CSV_PATH = re.compile(r"^/(?P<database>[^/]+)/(?P<name>[^/]+)\.csv$")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def export_path(database: str, query: str) -> str:
    """The path of the full CSV export of a canned query."""
    return f"{EXPORT_PREFIX}{quote(database)}/{quote(query)}.csv"


def rewrite(scope: Scope, is_canned: Callable[[str, str], bool]) -> Scope:
    """A canned query's CSV goes to the full export; a table's CSV streams every row."""
    match = CSV_PATH.match(scope["path"])
    if match is None or scope["path"].startswith(EXPORT_PREFIX):
        return scope
    database, name = match["database"], match["name"]
    if is_canned(database, name):
        path = export_path(database, name)
        return {**scope, "path": path, "raw_path": path.encode()}
    args = dict(parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True))
    if "_stream" in args or "_next" in args or "sql" in args:
        return scope
    query = urlencode({**args, "_stream": "on"}).encode()
    return {**scope, "query_string": query}


def with_bom(app: App, is_canned: Callable[[str, str], bool]) -> App:
    """ASGI middleware: the byte-order mark before every successful CSV answer."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
            await app(scope, receive, send)
            return
        state = {"csv": False, "started": False}

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                kind = headers.get(b"content-type", b"")
                state["csv"] = message.get("status") == 200 and kind.startswith(
                    (b"text/csv", b"text/plain")
                )
                if state["csv"]:
                    message = {
                        **message,
                        "headers": [
                            (k, v)
                            for k, v in message.get("headers") or []
                            if k.lower() != b"content-length"
                        ],
                    }
            elif message["type"] == "http.response.body" and state["csv"] and not state["started"]:
                state["started"] = True
                message = {**message, "body": BOM + message.get("body", b"")}
            await send(message)

        await app(rewrite(scope, is_canned), receive, send_marked)

    return wrapped


def csv_text(columns: list[str], rows: list[Any]) -> str:
    """Rows as CSV text (the mark is added on the way out)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(list(r) for r in rows)
    return out.getvalue()
