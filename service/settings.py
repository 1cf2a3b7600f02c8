"""Settings from environment variables (``LETTERWATCH_*``) and a ``.env`` file."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError
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


class SettingsInvalid(ValueError):
    """A LETTERWATCH_* value that does not parse; the message names the variable, the value
    and what it should look like."""


class Settings(BaseSettings):
    """Every knob letterwatch reads; ``letterwatch settings`` prints the values in force."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env",
                                      extra="ignore")

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
    # --- operations ----------------------------------------------------------------------
    log_format: Literal["text", "json"] = Field(
        "text", description="serve, api and worker log as text lines, or one JSON object per "
        "line (time, level, logger, message, extras, exception)")
    worker_metrics_port: int | None = Field(
        None, ge=1, le=65535, description="if set, `letterwatch worker` serves Prometheus "
        "metrics on this port (at any path) on LETTERWATCH_HOST")


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
