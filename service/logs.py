"""Logging for the long-running commands: text for a terminal, or one JSON object per line
for a log collector (``LETTERWATCH_LOG_FORMAT=json``, the container default).

A JSON line has ``time`` (ISO 8601, UTC), ``level``, ``logger``, ``message``, every ``extra``
the call passed (``source_id``, ``url``, ``outcome``…) and, after a failure, ``exception``
with the traceback's text. uvicorn's own loggers go through the same handler: its access
lines add ``client``, ``method``, ``path`` and ``status``.

python-json-logger does the JSON: telling a record's extras from the attributes every record
has, and serialising values json cannot (datetimes, exceptions), is what it is kept for.
"""

from __future__ import annotations

import logging.config
from enum import Enum
from typing import Any, TextIO

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter


class LogFormat(str, Enum):
    text = "text"
    json = "json"


TEXT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# The standard fields of a JSON line, renamed to what collectors usually call them.
JSON_FIELDS = "%(levelname)s %(name)s %(message)s"
RENAMED = {"levelname": "level", "name": "logger", "exc_info": "exception"}


class JsonFormatter(_JsonFormatter):
    """Also turns uvicorn's access lines, whose parts come as format arguments, into fields."""

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord,
                   message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) \
                and len(record.args) == 5:
            client, method, path, _version, status = record.args
            log_data.update(client=client, method=method, path=path, status=status)


def config(fmt: LogFormat | str = LogFormat.text, level: str = "info",
           stream: TextIO | None = None) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the root logger and uvicorn's loggers.

    Passed to uvicorn as its ``log_config`` too: it applies it again in each worker process,
    so it names the stream (``ext://sys.stderr``) rather than holding one, unless a test
    hands one over.
    """
    if LogFormat(fmt) is LogFormat.json:
        formatter: dict[str, Any] = {"()": JsonFormatter, "fmt": JSON_FIELDS,
                                     "rename_fields": RENAMED, "timestamp": "time"}
    else:
        formatter = {"format": TEXT}
    # uvicorn's loggers lose the handlers its default config gives them and pass records to
    # the root's, so that every line has one format.
    uvicorn = {"handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"letterwatch": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "letterwatch",
                                "stream": stream or "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {name: dict(uvicorn) for name in
                    ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")},
    }


def configure(fmt: LogFormat | str = LogFormat.text, level: str = "info",
              stream: TextIO | None = None) -> dict[str, Any]:
    """Set logging up for this process; returns the config, for uvicorn's ``log_config``."""
    # dictConfig consumes parts of the dict it is given: uvicorn gets one of its own.
    logging.config.dictConfig(config(fmt, level, stream))
    return config(fmt, level, stream)
