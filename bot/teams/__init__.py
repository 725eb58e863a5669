"""The Teams adapter: botbuilder activities in, neutral requests to the core, Adaptive Cards out."""
