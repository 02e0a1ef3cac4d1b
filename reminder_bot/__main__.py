from reminder_bot.cli import main

raise SystemExit(main())
