"""The persistent store: generations, the loader, its bookkeeping, and what is finalized with
each generation (dumps, statistics)."""
