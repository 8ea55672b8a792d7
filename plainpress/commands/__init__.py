"""One module per command of the CLI; each reads as its list of stages."""
