"""Full-text search over the archive: one backend interface, embedded and cluster engines."""
