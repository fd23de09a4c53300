"""hotline-pipeline: call-centre systems -> Kafka -> Faust -> ClickHouse and the ministry feed.

This package holds only the glue shared by every stage: configuration, logging, errors and
the `hotline` command line. The stages live in the top-level packages named for them:
`producers`, `streams`, `sinks`, with the records they exchange in `schemas` and the local
services in `infra`.
"""

__version__ = "0.1.0"
