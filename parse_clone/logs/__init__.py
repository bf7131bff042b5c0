"""Logging as Parse Server's: levels, the console and daily log files, secret redaction, /scriptlog reads.

`setup.configure_logging` installs the handlers once per process (the CLI does, before the server
is built); `query.read_logs` reads the files back for GET /scriptlog. Nothing here touches HTTP or
storage, so every layer may log through the standard `logging` module and be covered.
"""
