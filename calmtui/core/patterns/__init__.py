"""The default patterns, their slots, responses and the built-in actions, shipped as YAML.

They are parsed once per process (they never change while it runs) and merged under every
project; project definitions with the same name win.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from importlib import resources

from calmtui.core.loading.domain_loader import load_domain
from calmtui.core.loading.flow_loader import load_flow_file
from calmtui.core.model.domain import Domain
from calmtui.core.model.flows import Flow
from calmtui.core.source import parse_yaml

_PACKAGE = "calmtui.core.patterns"


def _read(name: str) -> str:
    return resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")


@cache
def builtin_flows() -> dict[str, Flow]:
    parsed = parse_yaml(_read("default_flows.yml"), "<calmtui>/default_flows.yml")
    result = load_flow_file(parsed, builtin=True)
    problems = [d for d in (*parsed.diagnostics, *result.diagnostics) if d.is_error]
    if problems:  # a packaging bug, never user input: fail loudly in our own tests
        raise RuntimeError(f"default patterns are broken: {problems[0].headline()}")
    return {f.id: f for f in result.flows}


@cache
def builtin_domain() -> Domain:
    parsed = parse_yaml(_read("default_domain.yml"), "<calmtui>/default_domain.yml")
    domain, diagnostics = load_domain([parsed])
    problems = [d for d in (*parsed.diagnostics, *diagnostics) if d.is_error]
    if problems:
        raise RuntimeError(f"default domain is broken: {problems[0].headline()}")
    return Domain(
        slots={k: dataclasses.replace(v, builtin=True) for k, v in domain.slots.items()},
        responses={k: dataclasses.replace(v, builtin=True) for k, v in domain.responses.items()},
        actions={k: dataclasses.replace(v, builtin=True) for k, v in domain.actions.items()},
    )


def default_action_names() -> frozenset[str]:
    return frozenset(builtin_domain().actions)
