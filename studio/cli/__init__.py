"""The ``storyreel`` command line."""
