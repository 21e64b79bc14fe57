"""calmtui.testing: load e2e test cases, run them concurrently on sessions, assert, report.

The package root stays import-light (the pytest plugin imports it on every pytest start).
"""

YAML_SUFFIXES = (".yml", ".yaml")
CONFTEST_NAMES = ("conftest.yml", "conftest.yaml")
