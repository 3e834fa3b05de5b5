"""The contract side of SmartBlocks' applications: terms files (TOML -> signed Terms), reading
contracts, accounts and meter data over the REST API, previews of a period's settlement with the
processor's own functions, and the contract manager."""
