"""Erasure by customer or by (source, external id), with tombstones so erased data never comes back."""
