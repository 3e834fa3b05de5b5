"""The portal's search box: what a piece of text names on the ledger the index holds.

A block number; a 128-hex id (block, batch or transaction); a 70-hex address; a shorter hex
prefix of addresses; or a BlockMeter meter or site id. Every match is returned, each with the
page that shows it, so the answer says what was found (or that nothing was).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from smartblocks.processors.blockmeter import addressing as blockmeter

from .decoders import FamilyRegistry
from .index import ChainIndex

PREFIX_HITS = 20  # addresses listed for a prefix; the total is counted


def _is_hex(text: str) -> bool:
    return bool(text) and all(c in "0123456789abcdef" for c in text)


def find(index: ChainIndex, families: FamilyRegistry, query: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    text = query.lower()
    if text.isascii() and text.isdigit() and len(text) < 20:
        block = index.block(text)
        if block is not None:
            found.append(_block(block))
    if _is_hex(text) and len(text) == 128:
        block = index.block(text)
        if block is not None:
            found.append(_block(block))
        batch = index.batch(text)
        if batch is not None:
            found.append(
                {
                    "type": "batch",
                    "id": text,
                    "title": f"batch in block #{batch['block_num']}",
                    "href": f"#/batches/{text}",
                }
            )
        txn = index.transaction(text)
        if txn is not None:
            found.append(
                {
                    "type": "transaction",
                    "id": text,
                    "title": f"{txn['family']} transaction in block #{txn['block_num']}",
                    "href": f"#/transactions/{text}",
                }
            )
    if _is_hex(text) and len(text) == 70:
        hit = _address(index, families, text)
        if hit is not None:
            found.append(hit)
    elif _is_hex(text) and 6 <= len(text) < 70:
        addresses = index.addresses_with_prefix(text, PREFIX_HITS + 1)
        if addresses:
            family = families.for_address(text)
            found.append(
                {
                    "type": "prefix",
                    "id": text,
                    "title": f"addresses starting {text}" + (f" ({family.name})" if family else ""),
                    "href": f"#/state/{family.name}" if family else None,
                    "current_records": index.count_records(text),
                    "addresses": [_address(index, families, a) for a in addresses[:PREFIX_HITS]],
                    "more": len(addresses) > PREFIX_HITS,
                }
            )
    found += _meter_and_site(index, families, query)
    return found


def _block(block: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "block",
        "id": block["block_id"],
        "title": f"block #{block['block_num']}",
        "href": f"#/blocks/{block['block_id']}",
    }


def _address(index: ChainIndex, families: FamilyRegistry, address: str) -> dict[str, Any] | None:
    current = index.current_value(address)
    if current is None and not index.count_changes(address):
        return None
    label = families.label(address, current)
    kind = " ".join(p for p in (label["family"], label["kind"]) if p) or "address"
    return {
        "type": "address",
        "id": address,
        "title": f"{kind} record" + (f": {label['description']}" if label["description"] else ""),
        "href": f"#/address/{address}",
        "label": label,
        "deleted": current is None,
    }


def _meter_and_site(
    index: ChainIndex, families: FamilyRegistry, query: str
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    meter = blockmeter.meter_address(query)
    if index.current_value(meter) is not None:
        records = [_address(index, families, meter)]
        records.append(_address(index, families, blockmeter.meter_head_address(query)))
        found.append(
            {
                "type": "meter",
                "id": query,
                "title": f"meter {query}",
                "href": f"#/meters/{quote(query, safe='')}",
                "records": [r for r in records if r is not None],
            }
        )
    site = blockmeter.site_address(query)
    if index.current_value(site) is not None:
        found.append(
            {
                "type": "site",
                "id": query,
                "title": f"site {query}",
                "href": f"#/sites/{quote(query, safe='')}",
                "records": [_address(index, families, site)],
            }
        )
    return found
