"""PDF layout with WeasyPrint and what is done to its result: one job laid out (``layout``), the
structure tree built and written (``tags``, ``tree``), page furniture made artifacts, link words,
print CSS, overflow measured from the laid-out boxes, and the text read back (``transcript``)."""
