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
import re
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


# Query and form parameters that carry credentials, by the names services give them.
SECRET_PARAMS = ("password", "passwd", "pwd", "pass", "sslpassword", "secret", "client_secret",
                 "token", "access_token", "refresh_token", "id_token", "auth", "authorization",
                 "api_key", "apikey", "api-key", "key", "private_key", "signature", "sig",
                 "session", "sessionid", "x-amz-signature", "x-amz-credential",
                 "x-amz-security-token", "x-goog-signature", "x-goog-credential", "code")
_PARAM = re.compile(r"(?i)([?&;#](?:%s)=)[^&;#\s'\"<>]*" % "|".join(map(re.escape,
                                                                           SECRET_PARAMS)))
_USER_PASSWORD = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)([^/@\s:?#]*):([^@\s/?#]*)@")
_USER_ONLY = re.compile(r"(?i)(\bhttps?://)([^/@\s:?#]+)@")  # https://TOKEN@host
_DSN_PASSWORD = re.compile(r"(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'\"&;]+)")


def redact(text: str) -> str:
    """``text`` with the credentials any URL or connection string in it carries masked:
    ``user:password@``, a token as the user part, ``?token=``/``&password=`` and the like,
    and libpq's ``password=...``."""
    if "=" not in text and "@" not in text:
        return text
    text = _USER_PASSWORD.sub(r"\1\2:***@", text)
    text = _USER_ONLY.sub(r"\1***@", text)
    text = _PARAM.sub(r"\1***", text)
    return _DSN_PASSWORD.sub(r"\1***", text)


# Record attributes that are never a URL: left as they are.
_PLAIN = frozenset({"name", "levelname", "pathname", "filename", "module", "funcName",
                    "threadName", "processName", "taskName", "asctime"})


class Redact(logging.Filter):
    """Masks credentials in every record's message, arguments and string extras, whichever
    logger wrote it (uvicorn's access lines carry the query string)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v
                           for k, v in record.args.items()}
        for name, value in list(vars(record).items()):
            if isinstance(value, str) and name not in _PLAIN and name != "msg":
                setattr(record, name, redact(value))
        return True


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
        "filters": {"redact": {"()": Redact}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "letterwatch",
                                "filters": ["redact"],
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
