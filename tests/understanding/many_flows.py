"""A synthetic project with many similar flows (like the shared generator's), for retrieval tests."""

from __future__ import annotations

from pathlib import Path

COLORS = ["red", "green", "blue"]


def write_many_flows(
    root: Path, count: int, *, retrieval: str = "{active: true, num_flows: 5}"
) -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    domain = ["slots:"]
    flows = ["flows:"]
    for i in range(count):
        domain += [
            f"  f{i}_name:\n    type: text",
            f"  f{i}_color:\n    type: categorical\n    values: [{', '.join(COLORS)}]",
            f"  f{i}_amount:\n    type: float",
        ]
        flows += [
            f"  errand_{i}:",
            f"    name: errand {i}",
            f"    description: Run errand number {i} when the user says please run errand {i}.",
            *(["    always_include_in_prompt: true"] if i == count - 1 else []),
            *(['    if: slots.f0_color = "red"'] if i == count - 2 else []),
            "    steps:",
            f"      - collect: f{i}_name\n        description: who the errand is for",
            f"      - collect: f{i}_color",
            f"      - collect: f{i}_amount",
            f"      - action: utter_done_{i}",
        ]
    domain.append("responses:")
    for i in range(count):
        for slot in ("name", "color", "amount"):
            domain.append(f'  utter_ask_f{i}_{slot}:\n    - text: "{slot}?"')
        domain.append(f'  utter_done_{i}:\n    - text: "Errand {i} done."')
    (root / "domain.yml").write_text("\n".join(domain) + "\n")
    (root / "data" / "flows.yml").write_text("\n".join(flows) + "\n")
    (root / "config.yml").write_text(
        "recipe: default.v1\nlanguage: en\nassistant_id: many\npipeline:\n"
        "  - name: CompactLLMCommandGenerator\n    llm: {model_group: main}\n"
        f"    flow_retrieval: {retrieval}\npolicies:\n  - name: FlowPolicy\n"
    )
    (root / "endpoints.yml").write_text(
        "model_groups:\n  - id: main\n    models:\n      - {provider: openai, model: gpt-4o-mini}\n"
    )
    return root
