"""`bulletins serve`: Datasette on the archive, read-only, with the project's metadata.

The archive is opened read-only, not immutable: it may be served while `bulletins ingest`
writes to it, and each page sees every bulletin committed so far (SQLite's WAL readers).
The metadata and canned queries come from ``archive/metadata.yaml``, the metric
vocabulary (printed labels, families) from the metrics file; the pages, links, charts
and downloads are the package's Datasette plugin (``archive.datasette_plugin``).
Datasette's own options pass through: host, settings, extra metadata, opening a browser.
Requests that would write are answered 405; a refused query is logged in one line.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import threading
import time
import webbrowser
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlite_utils
from datasette.app import DEFAULT_SETTINGS, Datasette
from datasette.utils import value_as_boolean
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from archive.datasette_plugin.summarised import SummarisedDatabase
from archive.metadata import METADATA_FILE, datasette_metadata, load_metadata, summary_forms
from archive.search import has_search
from archive.vocabulary import load_vocabulary

HOST = "127.0.0.1"
PORT = 8001
PLUGIN = "bulletins"
SETTINGS = {
    "facet_time_limit_ms": 1000,  # facets over facts_readable, a view without indexes
    "sql_time_limit_ms": 3000,  # a 1–2 character search scans the prose
    "suggest_facets": False,  # the defaults are set; suggesting scans every column of a view
}
OPEN_WAIT = 30  # seconds to wait for the server before opening a browser


class ServeError(Exception):
    """The archive cannot be served; the message says what to do."""


def open_readonly(db_path: Path) -> sqlite_utils.Database:
    """The archive, read-only, after checking it is one."""
    if not db_path.exists():
        raise ServeError(f"{db_path} not found; run `bulletins ingest corpus/` first")
    try:
        conn = sqlite3.connect(f"file:{quote(db_path.resolve().as_posix())}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise ServeError(f"{db_path} cannot be read as an archive ({exc})") from None
    db = sqlite_utils.Database(conn)
    if not db.table("bulletins").exists():
        raise ServeError(f"{db_path} is not a bulletins archive; run `bulletins ingest` on it")
    return db


def build_datasette(
    db_path: Path,
    metadata_path: Path = METADATA_FILE,
    *,
    settings: dict[str, Any] | None = None,
    extra_metadata: dict[str, Any] | None = None,
    metrics_path: Path | None = None,
) -> Datasette:
    """A Datasette instance serving the archive read-only, with metadata and plugin.

    ``settings`` go over the project's defaults, ``extra_metadata`` (a Datasette
    metadata document) over the generated metadata.
    """
    db = open_readonly(db_path)
    try:
        meta = load_metadata(metadata_path)
        name = db_path.stem
        vocab = load_vocabulary(metrics_path)
        metadata = datasette_metadata(meta, db, name, vocab)
        canned = summary_forms(meta, vocab)
    finally:
        db.close()
    if metrics_path is not None:
        metadata["plugins"] = {PLUGIN: {"metrics": str(metrics_path.resolve())}}
    metadata = merge(metadata, extra_metadata or {})
    # read-only but not immutable: WAL readers see each bulletin an ingest commits, and
    # never a half-written one
    ds = Datasette(
        files=[str(db_path)],
        metadata=metadata,
        settings={**SETTINGS, **(settings or {})},
        cors=False,
    )
    served = [n for n in ds.databases if not n.startswith("_")]  # not _internal
    if served != [name]:  # Datasette names a database after its file's stem
        raise ServeError(f"unexpected database names {served} for {db_path}")
    # the same file, answering the view's counts, facets and some canned queries from
    # the summary tables while they are fresh (archive.datasette_plugin.summarised)
    ds.remove_database(name)
    ds.add_database(SummarisedDatabase(ds, str(db_path), is_mutable=True, canned=canned), name=name)
    return ds


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` over ``base``, mappings merged key by key."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def read_metadata_file(path: Path) -> dict[str, Any]:
    """A Datasette metadata file (JSON or YAML) as a mapping."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else YAML(typ="safe").load(text)
    except (OSError, ValueError, YAMLError) as exc:
        raise ServeError(f"{path}: cannot read the metadata: {exc}") from None
    if not isinstance(data, dict):
        raise ServeError(f"{path}: metadata must be a mapping")
    return data


def parse_settings(pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """Datasette settings given as (name, value) text, checked and typed like its defaults."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name not in DEFAULT_SETTINGS:
            raise ServeError(f"unknown setting {name}; known: {', '.join(DEFAULT_SETTINGS)}")
        default = DEFAULT_SETTINGS[name]
        try:
            if isinstance(default, bool):
                out[name] = value_as_boolean(value)
            elif isinstance(default, int):
                out[name] = int(value)
            else:
                out[name] = value
        except Exception:
            raise ServeError(
                f"setting {name} needs a value like {default!r}, not {value!r}"
            ) from None
    return out


def search_missing(db_path: Path) -> bool:
    """Whether the archive lacks its full-text index (made by an older `ingest`)."""
    db = open_readonly(db_path)
    try:
        return not has_search(db)
    finally:
        db.close()


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on host:port (an IPv4 or IPv6 address or name)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror:
        return False  # not an address here: uvicorn reports it
    with socket.socket(family, kind, proto) as probe:
        # as uvicorn binds: a port left in TIME_WAIT by a stopped server is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            return True
    return False


def site_url(host: str, port: int) -> str:
    """The address to browse for a server listening on host:port (an IPv6 one bracketed;
    the any-address as this machine's loopback)."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def run(ds: Datasette, port: int = PORT, host: str = HOST, open_browser: bool = False) -> None:
    """Serve a Datasette instance until interrupted (what `datasette serve` does)."""
    import uvicorn

    asyncio.run(ds.invoke_startup())
    if open_browser:
        url = site_url(host, port)
        threading.Thread(target=open_when_ready, args=(host, port, url), daemon=True).start()
    quiet_error_pages()
    app = read_only_methods(ds.app())
    uvicorn.run(app, host=host, port=port, log_level="warning", lifespan="on")


def open_when_ready(host: str, port: int, url: str) -> None:
    """Open ``url`` in a browser once the server listens (a bounded wait)."""
    deadline = time.monotonic() + OPEN_WAIT
    while time.monotonic() < deadline:
        if port_in_use(host, port):
            webbrowser.open(url)
            return
        time.sleep(0.2)


ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def read_only_methods(app: ASGIApp) -> ASGIApp:
    """Answer any request that would write (POST, PUT, DELETE…) with 405, before Datasette."""

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and scope.get("method", "GET") not in READ_METHODS:
            body = b"405 Method Not Allowed: the archive is served read-only\n"
            await send({"type": "http.response.start", "status": 405, "headers": [
                (b"allow", b"GET, HEAD, OPTIONS"), (b"content-type", b"text/plain"),
                (b"content-length", str(len(body)).encode())]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return guarded


def quiet_error_pages() -> None:
    """Datasette prints a full traceback (with locals) for every rejected query; stop that.

    Each rejection is logged in one line by the plugin's ``handle_exception`` hook instead.
    """
    import datasette.handle_exception as default_handler

    default_handler.rich = None
