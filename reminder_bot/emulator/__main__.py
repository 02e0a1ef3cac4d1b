"""``python -m reminder_bot.emulator``: run the emulator (``--help`` for its options)."""

from reminder_bot.emulator.runner import main

main()
