"""`Project`: everything the engine, validator, understanding and test runner read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from calmtui.core.model.config import Config, Endpoints
from calmtui.core.model.domain import Domain
from calmtui.core.model.flows import Flow
from calmtui.core.model.nlu_data import NluData


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    root: str
    domain: Domain
    flows: Mapping[str, Flow]
    config: Config = field(default_factory=Config)
    endpoints: Endpoints = field(default_factory=Endpoints)
    files: tuple[str, ...] = ()
    nlu_data: NluData = field(default_factory=NluData)

    @property
    def user_flows(self) -> list[Flow]:
        return [f for f in self.flows.values() if not f.is_pattern]

    @property
    def patterns(self) -> list[Flow]:
        return [f for f in self.flows.values() if f.is_pattern]

    def flow(self, flow_id: str) -> Flow | None:
        return self.flows.get(flow_id)
