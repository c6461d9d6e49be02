"""CSV that opens right in Excel, and canned-query exports that are never cut short.

Datasette writes CSV as UTF-8 without a byte-order mark, which Excel reads as the local
code page (Chinese turns to mojibake), and stops a query's CSV at ``max_returned_rows``
without saying so. An ASGI wrapper adds the mark to every CSV answer; asks for a
table's CSV as a stream of all its rows (when the ``allow_csv_stream`` setting allows
it and no page size other than ``_size=max`` is asked for); and routes a canned
query's CSV to the plugin's export page, which streams every row from a cursor within
a time bound, and says so in the file's last line if the bound is reached.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import AsgiStream

BOM = b"\xef\xbb\xbf"
EXPORT_PREFIX = "/-/export/"
CSV_PATH = re.compile(r"^/(?P<database>[^/]+)/(?P<name>[^/]+)\.csv$")
EXPORT_SECONDS = 120  # a canned query's full export stops (and says so) after this long
FETCH_ROWS = 1000  # rows read from the cursor per step
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def export_path(database: str, query: str) -> str:
    """The path of the full CSV export of a canned query (names tilde-encoded)."""
    return f"{EXPORT_PREFIX}{tilde_encode(database)}/{tilde_encode(query)}.csv"


def rewrite(
    scope: Scope, is_canned: Callable[[str, str], bool], can_stream: Callable[[], bool]
) -> Scope:
    """A canned query's CSV goes to the full export; a table's CSV streams every row
    unless streaming is off or the caller asked for a page size."""
    match = CSV_PATH.match(scope["path"])
    if match is None or scope["path"].startswith(EXPORT_PREFIX):
        return scope
    database, name = tilde_decode(match["database"]), tilde_decode(match["name"])
    if is_canned(database, name):
        path = export_path(database, name)
        return {**scope, "path": path, "raw_path": path.encode()}
    args = parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True)
    asked = dict(args)
    if asked.keys() & {"_stream", "_next", "sql"} or not can_stream():
        return scope
    if asked.get("_size", "max") != "max":  # a page size asked for is kept
        return scope
    # Datasette streams page after page of ``_size=max`` rows (what its own CSV link asks)
    more = [("_size", "max")] if "_size" not in asked else []
    return {**scope, "query_string": urlencode([*args, *more, ("_stream", "on")]).encode()}


def with_bom(
    app: App, is_canned: Callable[[str, str], bool], can_stream: Callable[[], bool]
) -> App:
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

        await app(rewrite(scope, is_canned, can_stream), receive, send_marked)

    return wrapped


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """Rows as CSV text (the mark is added on the way out)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def export_stream(
    connect: Callable[[], sqlite3.Connection],
    sql: str,
    params: dict[str, str],
    filename: str,
    seconds: float = EXPORT_SECONDS,
) -> AsgiStream:
    """Every row of ``sql`` as a CSV stream, read ``FETCH_ROWS`` at a time on a connection
    of its own (``connect`` gives one usable from any thread, as Datasette's are); a query
    still running after ``seconds`` is interrupted, and the file's last line says it was
    cut and after how many rows."""

    async def stream(out: Any) -> None:
        conn = connect()
        deadline = time.monotonic() + seconds
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        written = 0
        try:
            cursor = await asyncio.to_thread(conn.execute, sql, params)
            await out.write(csv_text([[d[0] for d in cursor.description]]))
            while rows := await asyncio.to_thread(cursor.fetchmany, FETCH_ROWS):
                await out.write(csv_text(rows))
                written += len(rows)
        except sqlite3.OperationalError as exc:
            await out.write(csv_text([[cut_note(written, seconds, exc)]]))
        finally:
            conn.close()

    return AsgiStream(
        stream,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
        content_type="text/csv; charset=utf-8",
    )


def cut_note(written: int, seconds: float, error: Exception) -> str:
    """The last line of an export that could not finish."""
    if "interrupted" in str(error):
        return f"[export cut after {seconds:g} seconds at {written} rows: narrow the query]"
    return f"[export stopped at {written} rows: {error}]"
