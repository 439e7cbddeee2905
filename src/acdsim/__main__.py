"""``python -m acdsim``: the same command line as the ``acdsim`` script."""

from acdsim.cli import run_cli

if __name__ == "__main__":
    run_cli()
