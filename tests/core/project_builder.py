"""Build a `Project` from small YAML snippets in memory, for validator tests.

project = build(domain=DOMAIN, flows=FLOWS)
assert codes(project) == ["CT302"]
"""

from __future__ import annotations

from textwrap import dedent

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.loading.config_loader import load_config, load_endpoints
from calmtui.core.loading.domain_loader import load_domain
from calmtui.core.loading.flow_loader import load_flow_file
from calmtui.core.loading.project_loader import merge_domains, with_language_slot
from calmtui.core.model.project import Project
from calmtui.core.patterns import builtin_domain, builtin_flows
from calmtui.core.source import parse_yaml
from calmtui.core.validate import validate_project

DOMAIN = """
slots:
  recipient:
    type: text
  amount:
    type: float
  confirm:
    type: bool
  account:
    type: categorical
    values: [checking, savings]
responses:
  utter_ask_recipient:
    - text: "Who?"
  utter_ask_amount:
    - text: "How much?"
  utter_ask_confirm:
    - text: "Send {amount} to {recipient}?"
  utter_ask_account:
    - text: "Which account?"
  utter_done:
    - text: "Done."
actions:
  - action_transfer
"""

FLOWS = """
flows:
  transfer:
    description: Send money.
    steps:
      - collect: recipient
      - collect: amount
      - collect: account
      - collect: confirm
        next:
          - if: slots.confirm
            then:
              - action: action_transfer
              - action: utter_done
                next: END
          - else: END
"""


def build(
    *,
    domain: str = DOMAIN,
    flows: str = FLOWS,
    config: str | None = None,
    endpoints: str | None = None,
    root: str = "/nonexistent/calmtui-test-project",
    strict: bool = True,
) -> Project:
    """A project from YAML text; with `strict`, the snippets must load without errors."""
    problems: list[Diagnostic] = []
    domain_file = parse_yaml(dedent(domain), "domain.yml")
    user_domain, found = load_domain([domain_file])
    problems += [*domain_file.diagnostics, *found]
    flow_file = parse_yaml(dedent(flows), "data/flows.yml")
    loaded = load_flow_file(flow_file)
    problems += [*flow_file.diagnostics, *loaded.diagnostics]
    project_config, found = load_config(
        parse_yaml(dedent(config), "config.yml") if config else None, {}
    )
    problems += found
    project_endpoints, found = load_endpoints(
        parse_yaml(dedent(endpoints), "endpoints.yml") if endpoints else None, {}
    )
    problems += found
    errors = [d.headline() for d in problems if d.is_error]
    if strict:
        assert not errors, errors
    return Project(
        root=root,
        domain=with_language_slot(merge_domains(builtin_domain(), user_domain), project_config),
        flows={**builtin_flows(), **{f.id: f for f in loaded.flows}},
        config=project_config,
        endpoints=project_endpoints,
    )


def diagnostics(project: Project, *codes: str) -> list[Diagnostic]:
    found = validate_project(project)
    return [d for d in found if not codes or d.code in codes]


def codes(project: Project) -> list[str]:
    return [d.code for d in validate_project(project)]
