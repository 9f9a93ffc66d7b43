"""Channels: thin adapters that read messages, call the core and render its answers (console, Telegram)."""
