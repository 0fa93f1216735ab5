"""CLI command modules: thin wrappers that parse arguments and call services."""
