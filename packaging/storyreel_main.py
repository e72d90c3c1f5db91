"""The frozen app's entry point: ``storyreel`` as the desktop build runs it (PyInstaller starts here).

``freeze_support`` first: the engine worker is a spawned process, which in a frozen build is this same
executable started again with multiprocessing's arguments.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from studio.cli.main import main

    sys.exit(main())
