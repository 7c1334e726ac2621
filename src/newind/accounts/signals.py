"""Signal receivers of the accounts app (filled in as the audit hooks land)."""
