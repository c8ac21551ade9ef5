from autovenv.cli import run

run()
