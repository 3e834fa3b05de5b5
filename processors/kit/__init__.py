"""The family kit: what every SmartBlocks transaction family needs, written once.

- `addressing`: namespaces, record-type infixes, key hashing, the type of an address;
- `store`: one record store per transaction (cached reads, checked and buffered writes, events);
- `payload`: envelope decoding and field checks that name the field and its value;
- `arithmetic`: checked integers and divisions with a named rounding rule;
- `periods`: UTC days, weeks, months, years and arbitrary reporting periods;
- `baseline`: baseline tables both contract parties sign: validation, integer evaluation, hash;
- `ledger_time`: "now" for rules, from the latest BlockInfo record (never the clock);
- `settings`: on-chain settings, e.g. "the signer must be a key in setting X";
- `handler`: the handler skeleton (decode, dispatch to an action, flush);
- `family`: the descriptor each family package exports (processor registry, CLI, portal);
- `builder`: client-side transactions of a family, with their inputs and outputs.

A family keeps only its own addressing (which records exist), payload checks, rules and actions
(docs/families.md shows how to add one).
"""
