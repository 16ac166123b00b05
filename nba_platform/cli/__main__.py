import sys

from nba_platform.cli import main

sys.exit(main())
