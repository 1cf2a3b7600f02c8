"""Settings from environment variables (``LETTERWATCH_*``) and a ``.env`` file."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import BeforeValidator, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from scrapers.policy import DEFAULT_USER_AGENT


ENV_PREFIX = "LETTERWATCH_"


def _comma_list(value: Any) -> Any:
    """``a,b`` or a JSON list (``["a", "b"]``) from the environment; lists pass unchanged."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)  # a JSON list, as pydantic-settings reads one
            except json.JSONDecodeError:
                raise ValueError("comma-separated values or a JSON list") from None
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


# A list setting: comma-separated in the environment, the natural way to write one or more.
CommaList = Annotated[list[str], NoDecode, BeforeValidator(_comma_list)]
SecretList = Annotated[list[SecretStr], NoDecode, BeforeValidator(_comma_list)]


class SettingsInvalid(ValueError):
    """A LETTERWATCH_* value that does not parse; the message names the variable, the value
    and what it should look like."""

# Docker and Kubernetes mount secrets here, one file per setting (letterwatch_admin_token...).
SECRETS_DIR = "/run/secrets"
MIN_TOKEN_LENGTH = 16


class Settings(BaseSettings):
    """Every knob letterwatch reads; ``letterwatch settings`` prints the values in force."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore",
        secrets_dir=SECRETS_DIR if os.path.isdir(SECRETS_DIR) else None)

    database_url: str = Field("sqlite:///letterwatch.db",
                              description="sqlite:///FILE (default) or postgresql://...")
    sources_file: str | None = Field(None, description="TOML file of sources to poll")
    admin_token: str | None = Field(None, description="bearer token for write endpoints")
    read_token: str | None = Field(None, description="if set, reads need this bearer token")
    user_agent: str = DEFAULT_USER_AGENT
    concurrency: int = Field(8, ge=1, le=256, description="requests in flight overall")
    per_host_concurrency: int = Field(2, ge=1, le=32)
    per_host_delay: float = Field(1.0, ge=0, description="seconds between requests to a host")
    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(20.0, gt=0)
    total_timeout: float = Field(60.0, gt=0)
    max_body_bytes: int = Field(10_000_000, gt=0)
    max_redirects: int = Field(5, ge=0)
    max_retries: int = Field(4, ge=0)
    allow_private: CommaList = Field(
        default_factory=list,
        description="hosts or CIDRs exempt from the private-address ban, comma-separated")
    extract_workers: int = Field(1, ge=1, description="processes for text extraction")
    host: str = "127.0.0.1"
    port: int = 8000
    # --- the service: API, worker, scheduler, webhooks ---------------------------------
    api_workers: int = Field(1, ge=1, le=64, description="uvicorn worker processes for the API")
    api_follow: bool = Field(False, description="`letterwatch api` also folds new events "
                             "itself instead of relying on a worker")
    max_request_bytes: int = Field(1_000_000, gt=0, description="largest request body accepted")
    read_budget_seconds: float = Field(
        5.0, gt=0, description="longest a read query may run before the request answers 503")
    search_slots: int = Field(4, ge=1, le=256, description="text searches, exports and as_of "
                              "reads in progress at once per API process; more wait")
    read_slots: int = Field(24, ge=1, le=256, description="other reads in progress at once per "
                            "API process; more wait")
    ready_max_lag: int = Field(10_000, ge=0,
                               description="readyz fails when a projection is further behind")
    scheduler_tick_seconds: float = Field(5.0, gt=0, description="how often due sources are sought")
    poll_jitter: float = Field(0.1, ge=0, le=1,
                               description="spread polls over this fraction of their interval")
    webhook_timeout: float = Field(10.0, gt=0)
    webhook_max_attempts: int = Field(6, ge=1, description="tries before a delivery is given up")
    webhook_backoff_seconds: float = Field(30.0, ge=0,
                                           description="wait before the 2nd try, doubled each try")
    webhook_total_timeout: float = Field(30.0, gt=0, description="deadline for one delivery "
                                         "as a whole: connect, send, and the answer's headers")
    webhook_concurrency: int = Field(4, ge=1, le=64,
                                     description="watches delivered to side by side")
    # --- secrets -------------------------------------------------------------------------
    secret_key: SecretStr | None = Field(
        None, description="seals webhook URLs and secrets before they enter the log (any "
        "random string of 32+ characters; `letterwatch watches new-key` prints one)")
    previous_secret_keys: SecretList = Field(
        default_factory=list, description="older keys, comma-separated, only to open what "
        "they sealed until `letterwatch watches reseal` has sealed it again with secret_key")
    database_password: SecretStr | None = Field(
        None, description="PostgreSQL password, put into database_url when it names none "
        "(read from a secrets file, it keeps the password out of the environment)")
    min_token_length: int = Field(MIN_TOKEN_LENGTH, ge=1, description="admin and read "
                                  "tokens shorter than this refuse to start")
    # --- what strangers may cost: server limits --------------------------------------------
    max_connections: int = Field(512, ge=1, description="open HTTP connections per API "
                                 "process; past it, new ones get 503 and are closed")
    header_timeout: float = Field(10.0, gt=0, description="seconds a client has to send a "
                                  "request's headers, from connecting or from its last answer")
    body_timeout: float = Field(30.0, gt=0, description="seconds a client has to send a "
                                "request's whole body")
    sse_max_streams: int = Field(200, ge=0, description="live /events/stream tails per "
                                 "API process")
    sse_max_streams_per_client: int = Field(4, ge=0, description="live tails per client "
                                            "address")
    auth_failures_per_minute: int = Field(
        10, ge=1, description="failed sign-ins or bad bearer tokens per client address per "
        "minute; past it, 429 until the minute is over")
    protect_docs: bool | None = Field(
        None, description="/docs, /openapi.json and /metrics need the read token; "
        "default: on when a read token is set")
    public_url: str | None = Field(
        None, description="the server's address as users reach it (https://news.example/), "
        "for links in pages, feeds and redirects; default: relative links, never the Host "
        "header")
    as_of_snapshot_every: int = Field(
        2_000, ge=100, description="as_of answers fold at most this many events onto the "
        "nearest snapshot")
    as_of_snapshots: int = Field(
        16, ge=1, le=1024, description="snapshots of the letters an API process keeps for "
        "as_of; each holds a copy of the letters tables' indexes (rows are shared)")
    # --- operations ----------------------------------------------------------------------
    log_format: Literal["text", "json"] = Field(
        "text", description="serve, api and worker log as text lines, or one JSON object per "
        "line (time, level, logger, message, extras, exception)")
    worker_metrics_port: int | None = Field(
        None, ge=1, le=65535, description="if set, `letterwatch worker` serves Prometheus "
        "metrics on this port (at any path) on LETTERWATCH_HOST")

    @model_validator(mode="after")
    def _checked(self) -> Settings:
        for name in ("admin_token", "read_token"):
            token = getattr(self, name)
            if token is not None and len(token) < self.min_token_length:
                raise ValueError(
                    f"LETTERWATCH_{name.upper()} is {len(token)} characters long; use at "
                    f"least {self.min_token_length} (python -c \"import secrets; "
                    f"print(secrets.token_urlsafe(32))\" makes one)")
        if self.secret_key is not None and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("LETTERWATCH_SECRET_KEY must be at least 32 characters long "
                             "(`letterwatch watches new-key` prints one)")
        if self.database_password is not None:
            self.database_url = with_password(self.database_url,
                                              self.database_password.get_secret_value())
        return self


def with_password(url: str, password: str) -> str:
    """``url`` with ``password`` in it, unless it already has one (the URL wins)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres") or parts.password is not None:
        return url
    user, _, host = parts.netloc.rpartition("@")
    netloc = f"{user}:{quote(password, safe='')}@{host}" if user else parts.netloc
    return urlunsplit(parts._replace(netloc=netloc))


@lru_cache
def get_settings() -> Settings:
    """The settings in force; :class:`SettingsInvalid` names the first value that is wrong."""
    return load_settings()


def load_settings(**values: Any) -> Settings:
    """Settings from the environment and ``.env``, or :class:`SettingsInvalid`."""
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise SettingsInvalid(_describe(exc)) from None
    except SettingsError as exc:  # a value pydantic-settings could not even decode
        raise SettingsInvalid(str(exc)) from None


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    if not first["loc"]:  # a check across settings (a token's length): its message says all
        return str(first.get("msg", "")).removeprefix("Value error, ")
    name = str(first["loc"][0]) if first["loc"] else "?"
    field = Settings.model_fields.get(name)
    variable = f"{ENV_PREFIX}{name.upper()}"
    value = first.get("input")
    expected = _expected(first)
    if field is not None and field.description and first["type"] in _UNITS:
        expected += f" ({field.description})"
    return f"{variable}={value!r} is not valid: expected {expected}"


# What a value of each kind looks like, for the error types that mean "not of that kind".
_PARSING = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "bool_parsing": "true or false (also 1/0, yes/no, on/off)",
    "list_type": "comma-separated values",
    "json_invalid": "comma-separated values or a JSON list",
}
_UNITS = ("int_parsing", "int_from_float", "float_parsing")  # the description gives the unit
_BOUNDS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")


def _expected(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind in _PARSING:
        return _PARSING[kind]
    message = str(error.get("msg", ""))
    if kind in _BOUNDS:
        return "a number " + message.removeprefix("Input should be ")
    # pydantic says "Input should be 'text' or 'json'", "... greater than or equal to 1".
    for lead in ("Input should be ", "Value error, "):
        if message.startswith(lead):
            return message[len(lead):]
    return message
