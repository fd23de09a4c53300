"""The records that cross a boundary; the single source of truth for every stage.

- `schemas.call`: the call event (edge submission and calls-topic shapes).
- `schemas.enriched`: the enriched call the worker publishes and the sink stores.
- `schemas.feed`: ministry feed cells, service figures and spike alerts.
- `schemas.deadletter`: what could not be processed, with the reason and the original bytes.
- `schemas.validation`: parsing bytes into these models with readable errors.
- `schemas.catalog`: the question catalog (a versioned data file).
"""
