"""python -m classicnets"""

import sys

from classicnets.cli.main import main

sys.exit(main())
