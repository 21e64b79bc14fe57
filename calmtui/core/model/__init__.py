"""The typed project model: domain, flows, config and endpoints, each element with its `Span`."""
