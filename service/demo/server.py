"""A tiny local news site on 127.0.0.1 serving the shipped sample pages, for the demo."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"
TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/rss+xml; charset=utf-8",
         ".txt": "text/plain; charset=utf-8"}


class DemoSite:
    """Serves ``site/`` with ``{{BASE}}`` replaced by its own address; 404 for anything else."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, root: Path = SITE) -> None:
        self.root = root.resolve()
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                site.requests.append(self.path)
                body, ctype = site.page(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", ctype)
                payload = body if body is not None else b"not found"
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.base = f"http://{host}:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                        name="demo-site")

    def page(self, path: str) -> tuple[bytes | None, str]:
        path = path.split("?", 1)[0]
        name = "index.html" if path in ("", "/") else path.lstrip("/")
        file = (self.root / name).resolve()
        if self.root not in file.parents or not file.is_file():
            return None, "text/plain"
        text = file.read_text(encoding="utf-8").replace("{{BASE}}", self.base)
        return text.encode("utf-8"), TYPES.get(file.suffix, "application/octet-stream")

    @property
    def feed_url(self) -> str:
        return f"{self.base}/feed.xml"

    def start(self) -> DemoSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
