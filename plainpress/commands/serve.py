"""``serve``: a live preview of the book on http://127.0.0.1:8000 that follows your edits.

The book is shown as HTML (the EPUB's own documents), every handout, index and card
as a PDF or page by page; saving a file in the book's folder or the layouts rebuilds
the preview and the open pages reload themselves. Only the standard library's HTTP
server and ``watchfiles``; it listens on the loopback address only.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from urllib.parse import unquote, urlsplit

import watchfiles

from ..braille_preview import braille_files, braille_view
from ..listen import PREFIX as LISTEN
from ..listen import Listening
from ..preview import SCRIPT, Preview, Snapshot, index_page, message_page, view_page
from ..templates import book_layouts
from .build import LAYOUTS_HELP, add_book_options

HOST = "127.0.0.1"  # loopback only: the preview is for the editor at this computer
DEFAULT_PORT = 8000
PAGE_IMAGE = re.compile(r"/page/(?P<path>.+\.pdf)/(?P<page>\d+)\.png")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "serve",
        help="preview the book and its handouts in a browser while you edit",
        description=f"Serve a live preview at http://{HOST}:{DEFAULT_PORT}/: the book as HTML (the same documents "
        "as the EPUB), each handout, index and card as a PDF or page by page, and the problems the checks find. "
        "Saving a file in the book's folder or the layouts rebuilds the preview, and the open pages reload "
        "themselves. Nothing is written to the output folder. Stop it with Ctrl+C.",
    )
    add_book_options(parser, out=False)
    parser.add_argument("--layouts", type=Path, metavar="DIR", help=LAYOUTS_HELP)
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"the port to listen on (default: {DEFAULT_PORT}; 0 picks one)"
    )


def run(args: argparse.Namespace) -> int:
    if not args.book.is_dir():
        print(f"{args.book}: error E001: the book's folder does not exist", file=sys.stderr)
        return 1
    try:
        layouts = book_layouts(args.book, args.layouts)
        server = ThreadingHTTPServer((HOST, args.port), handler(Preview(args.book, layouts, args.strict)))
    except OSError as error:
        print(
            f"error: cannot listen on {HOST}:{args.port} ({error.strerror}); is another preview running? "
            f"Choose another port with --port",
            file=sys.stderr,
        )
        return 2
    server.daemon_threads = True
    preview: Preview = server.RequestHandlerClass.preview  # type: ignore[attr-defined]
    say = _Say(args.quiet)
    say.build(preview.rebuild())
    url = f"http://{HOST}:{server.server_address[1]}/"
    print(f"Previewing {args.book} at {url}", flush=True)
    if not args.quiet:
        print("Saved changes show in the open pages. Press Ctrl+C to stop.", flush=True)
    stop = threading.Event()
    watcher = threading.Thread(
        target=_watch, args=(preview, [args.book, *layouts.folders], stop, say.build), name="watch", daemon=True
    )
    watcher.start()
    # Ctrl+C and SIGTERM stop it, also when started in the background (where SIGINT starts out ignored).
    previous = {number: signal.signal(number, _interrupt) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        watcher.join(timeout=5)
        for number, action in previous.items():
            signal.signal(number, action)
    print("preview stopped", flush=True)
    return 0


def _interrupt(number: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _watch(preview: Preview, paths: list[Path], stop: threading.Event, report: Callable[[Snapshot], None]) -> None:
    existing = [p for p in paths if p.exists()]
    for _changes in watchfiles.watch(*existing, stop_event=stop, debounce=400, step=50, raise_interrupt=False):
        report(preview.rebuild())


class _Say:
    """What the terminal shows of each rebuild."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def build(self, snap: Snapshot) -> None:
        when = time.strftime("%H:%M:%S")
        if snap.errors:
            print(f"{when} the book has problems (the preview shows the last good build):", file=sys.stderr)
            for line in snap.errors:
                print(f"  {line}", file=sys.stderr, flush=True)
            return
        if self.quiet:
            return
        warnings = len(snap.findings)
        counted = "no warnings" if not warnings else "1 warning" if warnings == 1 else f"{warnings} warnings"
        print(f"{when} built the preview in {snap.seconds:.1f} s ({counted})", flush=True)


def _local(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name in ("127.0.0.1", "localhost", "[::1]")


def handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        pass

    Handler.preview = preview
    Handler.listening = Listening(preview)  # read-aloud pages: a chapter played, its sentence highlighted
    return Handler


class _Handler(BaseHTTPRequestHandler):
    preview: Preview
    listening: Listening
    server_version = "plainpress-preview"
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request would drown the rebuild messages

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if not _local(self.headers.get("Host", "")):  # a web page's DNS trick cannot read the preview
            self.send_error(HTTPStatus.FORBIDDEN, "the preview answers only to 127.0.0.1 and localhost")
            return
        try:
            status, media, data = self._route(path)
        except KeyError:  # a page of a PDF that has fewer
            status, media = HTTPStatus.NOT_FOUND, "text/html; charset=utf-8"
            data = message_page(self.preview, "Not found", f"The preview has no page {path}.")
        except Exception as error:  # a render that failed: say so on the page, keep serving
            message = f"{type(error).__name__}: {error}"
            status, media, data = HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8", b""
            data = message_page(self.preview, "This page could not be rendered", message)
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _route(self, path: str) -> tuple[HTTPStatus, str, bytes]:
        preview = self.preview
        page = "text/html; charset=utf-8"
        if path == "/":
            return HTTPStatus.OK, page, index_page(preview)
        if path == "/__version":
            return HTTPStatus.OK, "application/json", json.dumps({"version": preview.snapshot.version}).encode()
        if path == "/__status":
            return HTTPStatus.OK, "application/json", json.dumps(preview.status()).encode()
        if path == "/__preview.js":
            return HTTPStatus.OK, "text/javascript; charset=utf-8", SCRIPT.encode()
        if path == "/favicon.ico":
            return HTTPStatus.NO_CONTENT, "image/x-icon", b""
        if path.startswith(LISTEN):
            found = self.listening.get(path)
            if found:
                return HTTPStatus.OK, found[1], found[0]
        if path.startswith("/book/"):
            found = preview.book_file(path.removeprefix("/book/"))
            if found:
                return HTTPStatus.OK, found[1], found[0]
        pdfs = preview.snapshot.pdfs
        if path.startswith("/view/") and path.removeprefix("/view/") in pdfs:
            return HTTPStatus.OK, page, view_page(preview, path.removeprefix("/view/"))
        image = PAGE_IMAGE.fullmatch(path)
        if image and image["path"] in pdfs and preview.page_images:
            return HTTPStatus.OK, "image/png", preview.page_image(image["path"], int(image["page"]))
        if path.removeprefix("/") in pdfs:
            return HTTPStatus.OK, "application/pdf", preview.pdf(path.removeprefix("/"))[0]
        if path.startswith("/braille/") and path.removeprefix("/braille/") in braille_files(preview):
            return HTTPStatus.OK, page, braille_view(preview, path.removeprefix("/braille/"))
        return HTTPStatus.NOT_FOUND, page, message_page(preview, "Not found", f"The preview has no page {path}.")
