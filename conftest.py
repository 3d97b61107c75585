"""Loaded by pytest however it is started, so nbval always compares numbers to the
precision they were printed with (tests/nbval_tolerance.py; tests/ is on pytest's
``pythonpath``, see pyproject.toml)."""

pytest_plugins = ["nbval_tolerance"]
