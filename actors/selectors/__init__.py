"""One module per topic: organisations, persons, networks, contacts, concerns, imports."""
