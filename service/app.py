"""The processes users run: the worker (projections, scheduler, webhooks) and the API server,
together (``serve``) or apart (``api``, ``worker``), and the commands that start them."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from typing import Annotated, Any

import typer

from events.projections import ALL
from store import Store, StoreError, StoreUnavailable, open_store
from store.projector import ensure_current, follow

from .logs import LogFormat, configure
from .retry import Backoff
from .scheduler import Poller, PollFn, Scheduler
from .settings import Settings, get_settings
from .terminal import err, folding_progress
from .watches import Deliverer

log = logging.getLogger("letterwatch")


class Follower:
    """Keeps every projection folded up to the head of the log, in a thread of its own."""

    def __init__(self, store: Store, backoff: Backoff | None = None) -> None:
        self.store = store
        self.backoff = backoff or Backoff()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="projections", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                follow(self.store, ALL.values(), self._stop, idle_wait=0.5)
            except Exception as exc:  # noqa: BLE001 - the database may come back: keep trying
                # A follower that ran a while before failing was healthy: start over short.
                if time.monotonic() - started > self.backoff.cap:
                    self.backoff.reset()
                delay = self.backoff.next()
                if isinstance(exc, StoreUnavailable):
                    log.warning("projection follower: %s; retrying in %.1f s", exc, delay,
                                extra={"outcome": "store_unavailable", "retry_in": delay})
                else:
                    log.exception("projection follower failed; retrying in %.1f s", delay,
                                  extra={"outcome": "error", "retry_in": delay})
                self._stop.wait(delay)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


class Worker:
    """Everything but HTTP: folds projections, polls due sources, delivers webhooks.

    It opens a store of its own, so its waits on the log never share a connection with the
    API's in the same process.
    """

    def __init__(self, settings: Settings, store: Store | None = None, *,
                 poll: PollFn | None = None, follow: bool = True, schedule: bool = True) -> None:
        self.settings = settings
        self._owned = store is None
        self.store = store or open_store(settings.database_url)
        self.follower = Follower(self.store) if follow else None
        self.poller = Poller(self.store, settings, poll=poll)
        self.deliverer = Deliverer(self.store, settings, leases=self.poller.leases)
        self.scheduler = Scheduler(self.poller, self.deliverer) if schedule else None

    def start(self) -> None:
        ensure_current(self.store, ALL.values())  # a projection whose code changed is rebuilt
        if self.settings.sources_file:
            self.sync_sources(self.settings.sources_file)
        if self.follower is not None:
            self.follower.start()
        if self.scheduler is not None:
            self.scheduler.start()

    def sync_sources(self, path: str) -> None:
        from scrapers.sources import load_sources_file, sync_sources

        changes = sync_sources(self.store, load_sources_file(path))
        if changes:
            log.info("sources file %s: %d changes recorded", path, len(changes))

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.follower is not None:
            self.follower.stop()
        self.deliverer.close()
        self.poller.leases.close()
        if self._owned:
            self.store.close()


def run_until_signalled(worker: Worker) -> None:
    """Run until SIGINT or SIGTERM, then stop cleanly (a poll in flight finishes first)."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    worker.start()
    try:
        while not stop.wait(1.0):
            pass
    finally:
        worker.stop()


# --- commands (the ``letterwatch`` app in service.cli registers them) -------------------------

# Live tails (/events/stream) never end by themselves: stop waiting for them after this.
GRACE_SECONDS = 5

Host = Annotated[str | None, typer.Option(help="address to listen on [default: settings.host]")]
Port = Annotated[int | None, typer.Option(help="port [default: settings.port]")]


def _check_store(settings: Settings) -> None:
    try:
        open_store(settings.database_url).close()
    except (StoreError, ValueError) as exc:
        err.print(f"[red]error:[/red] cannot open the database: {exc}", soft_wrap=True,
                  highlight=False)
        raise typer.Exit(2) from exc


def _prepare(settings: Settings) -> None:
    """Set up projections (rebuilding any whose code changed) with a progress bar."""
    store = open_store(settings.database_url)
    try:
        progress, update = folding_progress()
        with progress:
            ensure_current(store, ALL.values(), progress=update)
    finally:
        store.close()


LogLevel = Annotated[str, typer.Option(help="debug, info, warning")]
LogFormatOpt = Annotated[LogFormat | None, typer.Option(
    help="text lines, or one JSON object per line [default: settings.log_format]")]


def _logging(settings: Settings, fmt: LogFormat | None, level: str) -> dict[str, Any]:
    return configure(fmt or settings.log_format, level)


def _announce(settings: Settings, fmt: LogFormat | None, message: str) -> None:
    """A start-up line: on the terminal as before, or as a log record when logs are JSON, so
    that every line a collector reads parses."""
    if (fmt or settings.log_format) == LogFormat.json:
        log.info(message)
    else:
        err.print(message, soft_wrap=True, highlight=False)


def _protocol() -> type:
    """uvicorn's HTTP protocol with the connection cap and header deadline of the settings."""
    from .server import GuardedProtocol

    return GuardedProtocol


def _redacted(url: str) -> str:
    from .logs import redact

    return redact(url)


def serve(host: Host = None, port: Port = None, log_level: LogLevel = "info",
          log_format: LogFormatOpt = None) -> None:
    """Run the API, the page and the worker in one process (fits the SQLite default).

    The worker folds new events, polls each source on its schedule and delivers webhooks.

    The page is at http://HOST:PORT/ and the API's documentation at /docs.
    """
    import uvicorn

    from .api import create_app

    settings = get_settings()
    _check_store(settings)
    _prepare(settings)
    log_config = _logging(settings, log_format, log_level)
    worker = Worker(settings)
    app = create_app(settings, background=worker)
    host, port = host or settings.host, port or settings.port
    _announce(settings, log_format, f"letterwatch: page and API on http://{host}:{port}/ , "
              f"worker running (database {_redacted(settings.database_url)})")
    uvicorn.run(app, host=host, port=port, log_level=log_level, log_config=log_config,
                timeout_graceful_shutdown=GRACE_SECONDS, http=_protocol())


def api(host: Host = None, port: Port = None,
        workers: Annotated[int | None, typer.Option(
            help="uvicorn worker processes [default: settings.api_workers]")] = None,
        log_level: LogLevel = "info", log_format: LogFormatOpt = None) -> None:
    """Run only the API and the page (several may share one PostgreSQL).

    Answers come from projections that `letterwatch worker` keeps current.

    With LETTERWATCH_API_FOLLOW=true this process folds new events itself.
    """
    import uvicorn

    settings = get_settings()
    _check_store(settings)
    _prepare(settings)
    processes = workers or settings.api_workers
    shared_metrics = None
    if processes > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # The processes answer /metrics in turn: each records into, and reports from, one
        # shared directory, so whichever answers a scrape gives every process's total.
        shared_metrics = tempfile.mkdtemp(prefix="letterwatch-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = shared_metrics
    try:
        uvicorn.run("service.app:api_app", factory=True, host=host or settings.host,
                    port=port or settings.port, workers=processes,
                    log_level=log_level, log_config=_logging(settings, log_format, log_level),
                    timeout_graceful_shutdown=GRACE_SECONDS, http=_protocol())
    finally:
        if shared_metrics:
            shutil.rmtree(shared_metrics, ignore_errors=True)


def api_app() -> Any:
    """The API of ``letterwatch api``, in each uvicorn worker process."""
    from .api import create_app

    settings = get_settings()
    background = Worker(settings, schedule=False) if settings.api_follow else None
    return create_app(settings, background=background)


def worker(log_level: LogLevel = "info", log_format: LogFormatOpt = None,
           metrics_port: Annotated[int | None, typer.Option(
               help="serve Prometheus metrics on this port "
               "[default: settings.worker_metrics_port, off when unset]")] = None) -> None:
    """Run the worker alone: projections, scheduled polls and webhook deliveries.

    Several workers may share one PostgreSQL: each source is polled by one at a time.

    Stops cleanly on Ctrl-C or SIGTERM.
    """
    settings = get_settings()
    _check_store(settings)
    _prepare(settings)
    _logging(settings, log_format, log_level)
    w = Worker(settings)
    port = metrics_port or settings.worker_metrics_port
    if port:
        from .metrics import serve_worker_metrics

        serve_worker_metrics(w.store, settings.host, port)
    _announce(settings, log_format, f"letterwatch worker: polling due sources every "
              f"{settings.scheduler_tick_seconds:g} s (database "
              f"{_redacted(settings.database_url)}); Ctrl-C to stop")
    run_until_signalled(w)
