"""Phase 6: publish tonight's picks, results, player pages and system records for a website.

Pure code, no Dagster import: `documents.py` builds the JSON documents from polars frames (`players.py`
the player pages),
`status.py` says whether a document is current, `validation.py` checks each document against its
JSON Schema (`schemas/*.json`) before anything is written, `publisher.py` writes the files atomically
to a local folder or a GCS bucket, `page.py` renders the static HTML page. `assets.py` wires
them into the graph.
"""

# Bumped on any change a consumer could notice (a field removed, renamed or re-typed); added fields
# with a default meaning keep the major version.
SCHEMA_VERSION = "1.1"

# The system whose picks are published; the others appear beside it for comparison.
PUBLISHED_SYSTEM = "ensemble"
