"""Command line entry point (placeholder; filled in with the app wiring)."""


def main(argv: list[str] | None = None) -> int:
    return 0
