"""Reading the book's own files into typed data: YAML with line numbers and errors in our words, the
book.yaml schema, clinic profiles, the glossary file and the bibliography (CSL JSON or BibTeX)."""
