"""Small helpers with no Django imports; each has its own tests under tests/lib/."""
