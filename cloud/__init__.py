"""The Home Health Aide template's cloud code (hooks are registered by the modules of this folder)."""
