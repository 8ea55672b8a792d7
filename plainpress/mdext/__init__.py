"""Python-Markdown extensions of plainpress: each new syntax is an extension here."""
