"""``serve``: a live preview on http://127.0.0.1:8000. As MkDocs' ``serve`` calls its build, this calls the build's
pipeline (:mod:`plainpress.preview`) at start and on each save (``watchfiles``), and serves what it makes by path."""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import watchfiles

from ..preview import MEDIA, Preview, Snapshot
from ..templates import book_layouts, read_layout_bytes
from .build import LAYOUTS_HELP, add_book_options

HOST, DEFAULT_PORT = "127.0.0.1", 8000  # loopback only: the preview is for the editor at this computer
HTML, XHTML, JSON = "text/html; charset=utf-8", "application/xhtml+xml; charset=utf-8", "application/json"
PAGE_IMAGE = re.compile(r"/page/(?P<path>.+\.pdf)/(?P<page>\d+)\.png")
LISTEN = re.compile(r"/book/listen/(?P<stem>[^/]+)\.(?P<suffix>xhtml|mp3)")
STATIC = re.compile(r"/__(?P<name>[\w-]+\.(?:js|css))")  # layouts/preview/<name>: the pages' scripts and style


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "serve",
        help="preview the book and its handouts in a browser while you edit",
        description=f"Serve a live preview at http://{HOST}:{DEFAULT_PORT}/ (the EPUB's documents, every output by its "
        "path, PDFs page by page, braille beside its back-translation, the checks' findings) that reloads when a file "
        "of the book or the layouts is saved. Nothing is written. Ctrl+C stops it.",
    )
    add_book_options(parser, out=False)
    parser.add_argument("--layouts", type=Path, metavar="DIR", help=LAYOUTS_HELP)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"the port (default {DEFAULT_PORT}, 0: any)")


def run(args: argparse.Namespace) -> int:
    if not args.book.is_dir():
        print(f"{args.book}: error E001: the book's folder does not exist", file=sys.stderr)
        return 1
    preview = Preview(args.book, layouts := book_layouts(args.book, args.layouts), args.strict)
    try:
        server = ThreadingHTTPServer((HOST, args.port), type("Handler", (Handler,), {"preview": preview}))
    except OSError as error:
        print(f"error: cannot listen on {HOST}:{args.port} ({error.strerror}); is another preview running? "
              "Choose another port with --port", file=sys.stderr)  # fmt: skip
        return 2
    say(preview.rebuild(), args.quiet)
    print(f"Previewing {args.book} at http://{HOST}:{server.server_address[1]}/", flush=True)
    if not args.quiet:
        print("Saved changes show in the open pages. Press Ctrl+C to stop.", flush=True)
    stop = threading.Event()
    paths = [p for p in (args.book, *layouts.folders) if p.exists()]
    watch = watchfiles.watch(*paths, stop_event=stop, debounce=400, step=50, raise_interrupt=False)
    watcher = threading.Thread(target=lambda: [say(preview.rebuild(), args.quiet) for _ in watch], daemon=True)
    watcher.start()
    # Ctrl+C and SIGTERM stop it, also when started in the background (where SIGINT starts out ignored).
    previous = {n: signal.signal(n, signal.default_int_handler) for n in (signal.SIGINT, signal.SIGTERM)}
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


def say(snap: Snapshot, quiet: bool) -> None:
    """What the terminal shows of a rebuild."""
    when, n = time.strftime("%H:%M:%S"), len(snap.findings)
    if snap.errors:
        lines = [f"{when} the book has problems (the preview shows the last good build):", *snap.errors]
        print("\n  ".join(lines), file=sys.stderr, flush=True)
    elif not quiet:
        counted = "no warnings" if not n else "1 warning" if n == 1 else f"{n} warnings"
        print(f"{when} built the preview in {snap.seconds:.1f} s ({counted})", flush=True)


class Handler(BaseHTTPRequestHandler):
    preview: Preview
    server_version = "plainpress-preview"

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request would drown the rebuild messages

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        path, host = unquote(urlsplit(self.path).path), self.headers.get("Host", "")
        if (host if host.endswith("]") else host.rsplit(":", 1)[0]) not in ("127.0.0.1", "localhost", "[::1]"):
            self.send_error(HTTPStatus.FORBIDDEN, "the preview answers only to 127.0.0.1 and localhost")
            return  # a web page's DNS trick cannot read the preview
        try:
            status, media, data = self.route(path)
        except KeyError:  # no such file, or a page of a PDF that has fewer
            status, media, data = 404, HTML, self.preview.message("Not found", f"The preview has no page {path}.")
        except Exception as error:  # a render that failed: say so on the page, keep serving
            message = f"{type(error).__name__}: {error}"
            status, media, data = 500, HTML, self.preview.message("This page could not be rendered", message)
        self.send_response(status)
        for header, value in (("Content-Type", media), ("Content-Length", len(data)), ("Cache-Control", "no-store")):
            self.send_header(header, str(value))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def route(self, path: str) -> tuple[int, str, bytes]:
        preview, ok = self.preview, HTTPStatus.OK
        if path == "/":
            return ok, HTML, preview.index()
        if path in ("/__version", "/__status"):
            status = preview.status() if path == "/__status" else {"version": preview.snapshot.version}
            return ok, JSON, json.dumps(status).encode()
        if found := STATIC.fullmatch(path):
            data = read_layout_bytes(f"preview/{found['name']}", preview.layouts)
            return ok, MEDIA["." + found["name"].rpartition(".")[2]] + "; charset=utf-8", data
        if path == "/favicon.ico":  # (a browser asks for it)
            return HTTPStatus.NO_CONTENT, "image/x-icon", b""
        if (found := LISTEN.fullmatch(path)) and (heard := preview.listen(found["stem"])):
            return (ok, MEDIA[".mp3"], heard[1]) if found["suffix"] == "mp3" else (ok, XHTML, heard[0])
        if found:  # a document that is not read aloud (the bibliography): as in the book
            path = f"/book/text/{found['stem']}.{found['suffix']}"
        if path.startswith("/book/") and (file := preview.book_file(path.removeprefix("/book/"))):
            return ok, file[1], file[0]
        if path.startswith("/view/"):
            return ok, HTML, preview.view(path.removeprefix("/view/"))
        if found := PAGE_IMAGE.fullmatch(path):
            return ok, "image/png", preview.page_image(found["path"], int(found["page"]))
        output = preview.made(path.removeprefix("/"))[0]
        return ok, MEDIA.get("." + output.path.rpartition(".")[2], "application/octet-stream"), output.data
