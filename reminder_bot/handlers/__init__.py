"""Thin PTB handlers, one module per topic: each parses, acts through the store, and replies.
Nothing here knows about time math or SQL; bad input raises ParseError, which one decorator
(``common.command``) turns into a reply. The command table is ``reminder_bot.commands``."""
