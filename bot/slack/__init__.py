"""The Slack adapter: Bolt's `AsyncApp` in, neutral requests to the core, Block Kit out."""
