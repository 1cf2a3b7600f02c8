"""Settings from environment variables (``LETTERWATCH_*``) and a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob letterwatch reads; ``letterwatch settings`` prints the values in force."""

    model_config = SettingsConfigDict(env_prefix="LETTERWATCH_", env_file=".env",
                                      extra="ignore")

    database_url: str = Field("sqlite:///letterwatch.db",
                              description="sqlite:///FILE (default) or postgresql://...")
    sources_file: str | None = Field(None, description="TOML file of sources to poll")
    admin_token: str | None = Field(None, description="bearer token for write endpoints")
    read_token: str | None = Field(None, description="if set, reads need this bearer token")
    user_agent: str = "letterwatch/0.1 (+https://github.com/letterwatch/letterwatch)"
    concurrency: int = Field(8, ge=1, le=256, description="requests in flight overall")
    per_host_concurrency: int = Field(2, ge=1, le=32)
    per_host_delay: float = Field(1.0, ge=0, description="seconds between requests to a host")
    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(20.0, gt=0)
    total_timeout: float = Field(60.0, gt=0)
    max_body_bytes: int = Field(10_000_000, gt=0)
    max_redirects: int = Field(5, ge=0)
    max_retries: int = Field(4, ge=0)
    allow_private: list[str] = Field(default_factory=list,
                                     description="hosts or CIDRs exempt from the private-address ban")
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
    return Settings()
