"""Platform-neutral views: cards and forms built from the domain, in the team's language."""
