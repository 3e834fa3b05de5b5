// Markets: the four mechanisms beside the energy performance contracts (docs/markets.md). Each
// mechanism's own view module renders its pages; this one is the landing page that links them.
import { el, title } from "../format.js";

export const MECHANISMS = [
  ["p2p", "Peer-to-peer trade", "Offers from prosumers, picked and paid into escrow, settled from both parties' meters through the local aggregator."],
  ["aggregation", "Aggregator agreements", "DERs in an aggregator's community: deposits in the vault, epochs swept from both parties' meters, disputes and their resolution."],
  ["supplier", "Automated supplier", "Usage declared before each period, rewards and penalties from metered accuracy and each user's H factor."],
  ["auction", "Local double auction", "Sealed bids and asks per time step, the clearing price and matches, delivery checked against meters."],
];

export async function markets(view) {
  view.replaceChildren(
    title("Markets"),
    el("p", { class: "muted" }, "Every market settles on the same token accounts as the contracts, with delivery proved from the ledger's signed meter readings."),
    el("ul", { class: "cards" }, MECHANISMS.map(([id, name, what]) =>
      el("li", {}, el("a", { href: `#/markets/${id}` }, el("strong", {}, name)), el("p", {}, what)))));
}
