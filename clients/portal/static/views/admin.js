// Admin: the portal's own health (index, follower, sessions) and who may log in.
import { api } from "../api.js";
import { el, kv, title } from "../format.js";

export async function admin(view) {
  const s = await api("/api/admin/status");
  view.replaceChildren(
    title("Portal status"),
    kv([
      ["Event subscription", s.follower_connected ? "connected" : "not connected"],
      ["Component endpoint", el("code", {}, s.component)],
      ["REST API", el("code", {}, s.rest_api)],
      ["Last follower error", s.follower_error || "none"],
      ["Last REST error", s.rest_error || "none"],
      ["Index", el("code", {}, s.index_path)],
      ["Blocks / transactions indexed", `${s.blocks} / ${s.transactions}`],
      ["Addresses in state", s.addresses],
      ["Open sessions / live pages", `${s.sessions} / ${s.live_listeners}`],
    ]),
    el("h2", {}, "Users"),
    el("table", { class: "grid-table" }, el("thead", {}, el("tr", {}, el("th", {}, "User"), el("th", {}, "Role"))),
      el("tbody", {}, s.users.map((u) => el("tr", {}, el("td", {}, u.name), el("td", {}, u.role))))));
  view.onblock = () => admin(view).catch(() => {});
}
