"""Leaders' reception (领导接访): the duty roster, sessions and appointments, case ownership (包案)."""
