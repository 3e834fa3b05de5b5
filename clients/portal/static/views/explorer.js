// Explorer: blocks (paged, live), a block's batches, a batch's transactions, one transaction.
import { api } from "../api.js";
import { el, hash, json, kv, short, title, when } from "../format.js";

const PAGE = 20;

function blockRow(b, fresh = false) {
  return el("tr", { class: fresh ? "fresh" : null, "data-block": b.block_num },
    el("td", { class: "num" }, el("a", { href: `#/blocks/${b.block_id}` }, `#${b.block_num}`)),
    el("td", {}, hash(b.block_id, `#/blocks/${b.block_id}`)),
    el("td", {}, hash(b.signer)),
    el("td", {}, b.block_num === 0 ? el("span", { class: "muted" }, "genesis")
      : hash(b.previous_block_id, `#/blocks/${b.previous_block_id}`)),
    el("td", { class: "num" }, b.batch_count),
    el("td", { class: "num" }, b.txn_count),
    el("td", { class: "when" }, when(b.seen_at)));
}

export async function blocks(view, params) {
  const before = params.get("before");
  const query = new URLSearchParams({ limit: PAGE });
  if (before) query.set("before", before);
  const page = await api(`/api/blocks?${query}`);
  const body = el("tbody", {}, page.data.map((b) => blockRow(b)));
  const older = page.paging.next_before;
  const pager = el("nav", { class: "pager" },
    before ? el("a", { href: "#/blocks", class: "button" }, "↑ Newest") : null,
    older !== null ? el("a", { href: `#/blocks?before=${older}`, class: "button", id: "older" },
      "Older blocks →") : null);
  view.replaceChildren(
    title("Blocks", el("span", { class: "muted" },
      page.head === null ? "no blocks indexed yet" : `chain head #${page.head}`)),
    el("table", { class: "grid-table", id: "blocks" },
      el("thead", {}, el("tr", {}, ["Block", "Block id", "Signer", "Previous block", "Batches",
        "Transactions", "Seen"].map((h) => el("th", {}, h)))), body),
    pager);
  if (!before) {
    // Only the newest page grows live; older pages stay put for reading.
    view.onblock = (b) => {
      body.querySelector(`tr[data-block="${b.block_num}"]`)?.remove();
      if (b.rewound) for (const row of body.querySelectorAll("tr")) {
        if (Number(row.dataset.block) >= b.block_num) row.remove();
      }
      body.prepend(blockRow(b, true));
      while (body.children.length > PAGE) body.lastChild.remove();
    };
  }
}

export async function block(view, id) {
  const { data: b } = await api(`/api/blocks/${encodeURIComponent(id)}`);
  view.replaceChildren(
    title(`Block #${b.block_num}`),
    kv([
      ["Block id", el("code", { class: "hash wrap" }, b.block_id)],
      ["Previous block", b.block_num === 0 ? "genesis"
        : hash(b.previous_block_id, `#/blocks/${b.previous_block_id}`, 32)],
      ["Signer", el("code", { class: "hash wrap" }, b.signer)],
      ["State root", el("code", { class: "hash wrap" }, b.state_root)],
      ["Seen by this portal", when(b.seen_at)],
    ]),
    el("h2", {}, `Batches (${b.batch_count})`),
    el("table", { class: "grid-table" },
      el("thead", {}, el("tr", {}, ["#", "Batch id", "Signer", "Transactions"].map((h) => el("th", {}, h)))),
      el("tbody", {}, b.batches.map((batch) => el("tr", {},
        el("td", { class: "num" }, batch.position),
        el("td", {}, hash(batch.batch_id, `#/batches/${batch.batch_id}`, 16)),
        el("td", {}, hash(batch.signer)),
        el("td", { class: "num" }, batch.txn_count))))),
    b.batches.length ? null : el("p", { class: "empty" }, "This block carries no batches."));
}

function txnRow(t) {
  return el("tr", {},
    el("td", {}, hash(t.txn_id, `#/transactions/${t.txn_id}`, 12)),
    el("td", {}, el("span", { class: "badge" }, `${t.family} ${t.version}`)),
    el("td", {}, t.payload.decoded?.action || el("span", { class: "muted" }, "—")),
    el("td", {}, hash(t.signer)),
    el("td", { class: "num" }, t.inputs.length),
    el("td", { class: "num" }, t.outputs.length));
}

export async function batch(view, id) {
  const { data: b } = await api(`/api/batches/${encodeURIComponent(id)}`);
  view.replaceChildren(
    title("Batch"),
    kv([
      ["Batch id", el("code", { class: "hash wrap" }, b.batch_id)],
      ["In block", el("a", { href: `#/blocks/${b.block_id}` }, `#${b.block_num}`)],
      ["Signer (batcher)", el("code", { class: "hash wrap" }, b.signer)],
    ]),
    el("h2", {}, `Transactions (${b.transactions.length})`),
    el("table", { class: "grid-table" },
      el("thead", {}, el("tr", {}, ["Transaction id", "Family", "Action", "Signer", "Inputs",
        "Outputs"].map((h) => el("th", {}, h)))),
      el("tbody", {}, b.transactions.map(txnRow))));
}

function addressList(addresses) {
  return el("ul", { class: "addresses" }, addresses.map((a) =>
    el("li", {}, a.length === 70 ? el("a", { href: `#/address/${a}` }, el("code", {}, a))
      : el("code", { title: "prefix" }, `${a}…`))));
}

export async function transaction(view, id) {
  const { data: t } = await api(`/api/transactions/${encodeURIComponent(id)}`);
  const payload = t.payload;
  view.replaceChildren(
    title("Transaction", el("span", { class: "badge" }, `${t.family} ${t.version}`)),
    kv([
      ["Transaction id", el("code", { class: "hash wrap" }, t.txn_id)],
      ["In block", el("a", { href: `#/blocks/${t.block_id}` }, `#${t.block_num}`)],
      ["Batch", hash(t.batch_id, `#/batches/${t.batch_id}`, 16)],
      ["Signer", el("code", { class: "hash wrap" }, t.signer)],
      ["Nonce", el("code", {}, t.nonce)],
      ["Dependencies", t.dependencies.length ? t.dependencies.map((d) => hash(d, `#/transactions/${d}`)) : "none"],
    ]),
    el("div", { class: "columns" },
      el("section", {}, el("h2", {}, `Inputs (${t.inputs.length})`), addressList(t.inputs)),
      el("section", {}, el("h2", {}, `Outputs (${t.outputs.length})`), addressList(t.outputs))),
    el("h2", {}, "Payload, decoded"),
    payload.decoded ? el("div", { id: "decoded-payload" }, json(payload.decoded))
      : el("p", { class: "empty" }, payload.error),
    el("details", { class: "raw" },
      el("summary", {}, `Payload as signed (${payload.raw.size} bytes)`),
      el("pre", { class: "json" }, payload.raw.hex)),
  );
}

export { short };
