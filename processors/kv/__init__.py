"""`kv`: a tiny key/value test family, like Sawtooth's intkey (set/inc of integers by name)."""
