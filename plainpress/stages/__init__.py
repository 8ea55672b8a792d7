"""The stages of a build, in order: gather (every source into typed models), analyse (resolve
across the book), enforce (errors stop here; warnings too under ``--strict``), render (lay out and
synthesise what is planned, in parallel, from the cache when unchanged) and publish (write into a
new folder, switched in at the end)."""
