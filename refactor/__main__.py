import sys

from refactor.cli import main

sys.exit(main())
