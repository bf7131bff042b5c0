"""Parse semantics: no HTTP and no database code lives here."""
