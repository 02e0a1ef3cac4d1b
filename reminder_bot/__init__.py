"""reminder-bot: small daily nudges that help prevent back pain, delivered over Telegram."""

__version__ = "0.1.0"
