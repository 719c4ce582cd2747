"""Content packs: the words of Tryghed (pillars, statements, hacks, messages) in da and en."""
