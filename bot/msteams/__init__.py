"""Microsoft Teams: the botbuilder adapter, Adaptive Cards, and the Teams ChatGateway."""
