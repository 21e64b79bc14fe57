"""calmtui.testing: load e2e test cases, run them concurrently on sessions, assert, report.

The package root stays import-light (the pytest plugin imports it on every pytest start), so the
two names below are spelled out here rather than imported from `calmtui.core.source`.
"""

YAML_SUFFIXES = (".yml", ".yaml")
CONFTEST_NAMES = ("conftest.yml", "conftest.yaml")
