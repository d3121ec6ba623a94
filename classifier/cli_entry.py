"""``python -m classifier.cli_entry`` runs the CLI exactly as the console script does."""

from .cli import console_main

if __name__ == "__main__":
    console_main()
