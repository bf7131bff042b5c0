"""Load benchmark for any Parse-compatible REST API: `python -m bench --help`."""
