"""`python -m calmtui` runs the same CLI as the `calmtui` command."""

from calmtui.cli.main import run

if __name__ == "__main__":
    run()
