import sys

from gaoxin.cli import main

sys.exit(main())
