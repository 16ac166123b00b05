"""Start `bqemulator` offline: the same CLI, without the boot step that downloads DuckDB extensions.

bqemulator 1.4.0 runs `INSTALL spatial` (and, best effort, `INSTALL avro`) when its engine starts, which
fetches the extensions from the internet and aborts startup without it. The platform uses neither
GEOGRAPHY nor Avro, so this launcher replaces both steps with no-ops and hands over to the real CLI:

    python nba_platform_tests/bqemulator_offline.py start --rest-port P --grpc-port Q --ephemeral
"""

import sys

from bqemulator.cli import main
from bqemulator.storage.engine import DuckDBEngine


def _skip(self) -> None:
    """Offline: no extension download (geography functions and Avro loads are unavailable)."""


DuckDBEngine._load_spatial = _skip
DuckDBEngine._load_format_extensions = _skip

if __name__ == "__main__":
    sys.exit(main())
