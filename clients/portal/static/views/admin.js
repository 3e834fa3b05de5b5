// Admin: the portal's own health, its users and roles (add, change role, reset password,
// remove; the last admin stays), and what the ledger runs: processors, on-chain settings and
// pending settings proposals.
import { api, post } from "../api.js";
import { count, el, hash, kv, short, title } from "../format.js";

const send = (method, path, data) => api(path, { method, body: data === undefined ? undefined : JSON.stringify(data) });
const ROLES = ["reader", "admin"];

export async function admin(view) {
  const [s, users, ledger] = await Promise.all([
    api("/api/admin/status"), api("/api/admin/users"), api("/api/admin/ledger"),
  ]);
  const status = el("div", { id: "portal-status" }, statusTable(s));
  view.replaceChildren(
    title("Admin"),
    el("h2", {}, "Portal status"),
    status,
    el("h2", {}, "Users"),
    usersSection(view, users),
    el("h2", {}, "Transaction processors"),
    processorsSection(ledger),
    el("h2", {}, "On-chain settings"),
    settingsSection(ledger.settings),
    el("h2", {}, "Pending settings proposals"),
    proposalsSection(ledger.proposals));
  // Only the health figures follow the blocks; forms keep what is being typed.
  view.onblock = () => api("/api/admin/status").then((fresh) => status.replaceChildren(statusTable(fresh))).catch(() => {});
}

function statusTable(s) {
  return kv([
    ["Event subscription", s.follower_connected ? "connected" : "not connected"],
    ["Component endpoint", el("code", {}, s.component)],
    ["REST API", el("code", {}, s.rest_api)],
    ["Last follower error", s.follower_error || "none"],
    ["Last REST error", s.rest_error || "none"],
    ["Index", el("code", {}, s.index_path)],
    ["Blocks / transactions indexed", `${count(s.blocks)} / ${count(s.transactions)}`],
    ["Addresses in state", count(s.addresses)],
    ["Open sessions / live pages", `${s.sessions} / ${s.live_listeners}`],
  ]);
}

function usersSection(view, users) {
  const error = el("p", { class: "error", role: "alert", id: "users-error" });
  const act = async (work) => {
    error.textContent = "";
    try {
      await work();
      await admin(view);
    } catch (err) { error.textContent = err.message; }
  };
  const rows = users.data.map((u) => {
    const role = el("select", { "aria-label": `Role of ${u.name}` }, ROLES.map((r) => el("option", { value: r, selected: r === u.role }, r)));
    const password = el("input", { type: "password", placeholder: "new password", autocomplete: "new-password", "aria-label": `New password for ${u.name}` });
    return el("tr", { "data-user": u.name },
      el("td", {}, u.name),
      el("td", {}, role, " ", el("button", { type: "button", class: "set-role", onclick: () => act(() => send("PATCH", `/api/admin/users/${encodeURIComponent(u.name)}`, { role: role.value })) }, "Change role")),
      el("td", {}, password, " ", el("button", { type: "button", class: "reset", onclick: () => act(() => send("PATCH", `/api/admin/users/${encodeURIComponent(u.name)}`, { password: password.value })) }, "Reset password")),
      el("td", {}, el("button", { type: "button", class: "remove", onclick: () => {
        if (confirm(`Remove user ${u.name}? Their open sessions end at once.`)) act(() => send("DELETE", `/api/admin/users/${encodeURIComponent(u.name)}`));
      } }, "Remove")));
  });
  const form = el("form", { id: "add-user", class: "inline-form", onsubmit: (e) => {
    e.preventDefault();
    act(() => post("/api/admin/users", { name: form.elements.name.value, role: form.elements.role.value, password: form.elements.password.value }));
  } },
  el("input", { name: "name", placeholder: "user name", required: true, maxlength: 128, "aria-label": "New user's name" }),
  el("select", { name: "role", "aria-label": "New user's role" }, ROLES.map((r) => el("option", { value: r }, r))),
  el("input", { name: "password", type: "password", placeholder: "password (8 or more characters)", autocomplete: "new-password", required: true, minlength: 8, "aria-label": "New user's password" }),
  el("button", { type: "submit" }, "Add user"));
  return el("div", {},
    el("p", { class: "muted" }, users.persistent
      ? "Kept beside the index (portal-users.json), seeded from the config file's [[users]]; passwords are stored as scrypt hashes. A change of role or password, or a removal, ends the user's open sessions. The last admin cannot be removed or made a reader."
      : "Held in memory (this portal has no data folder): changes last until it stops."),
    el("table", { class: "grid-table", id: "users" },
      el("thead", {}, el("tr", {}, ["User", "Role", "Password", ""].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)),
    form, error);
}

function processorsSection(ledger) {
  const p = ledger.processors;
  const registered = p.data
    ? el("table", { class: "grid-table", id: "processors" },
      el("thead", {}, el("tr", {}, el("th", {}, "Family"), el("th", {}, "Version"))),
      el("tbody", {}, p.data.map((f) => el("tr", {}, el("td", {}, f.family), el("td", {}, f.version)))))
    : el("p", { class: "notice", id: "processors" }, `The validator at ${p.source} does not list its registered processors (${p.error}). The devnet lists them in /status; a Sawtooth validator's REST API does not.`);
  return el("div", {},
    el("p", { class: "muted" }, "Registered with the validator now (its /status):"),
    registered,
    el("p", { class: "muted" }, "Families and versions of the transactions in this portal's index:"),
    ledger.families_seen.length
      ? el("table", { class: "grid-table", id: "families-seen" },
        el("thead", {}, el("tr", {}, el("th", {}, "Family"), el("th", {}, "Version"), el("th", {}, "Transactions"))),
        el("tbody", {}, ledger.families_seen.map((f) => el("tr", {}, el("td", {}, f.family), el("td", {}, f.version), el("td", { class: "num" }, count(f.transactions))))))
      : el("p", { class: "empty" }, "No transactions indexed yet."));
}

function settingsSection(settings) {
  if (!settings.length) return el("p", { class: "empty" }, "No settings on this ledger.");
  const group = (prefix) => settings.filter((s) => s.key.startsWith(prefix));
  const other = settings.filter((s) => !s.key.startsWith("smartblocks.") && !s.key.startsWith("sawtooth."));
  const table = (rows, id) => el("table", { class: "grid-table settings", id },
    el("thead", {}, el("tr", {}, el("th", {}, "Setting"), el("th", {}, "Value"))),
    el("tbody", {}, rows.map((s) => el("tr", {},
      el("td", {}, el("a", { href: `#/address/${s.address}` }, s.key)),
      el("td", { class: "wrap" }, s.value.split(",").flatMap((v, i) => [i ? ", " : "", /^0[23][0-9a-f]{64}$/.test(v.trim()) ? hash(v.trim(), `#/members/${v.trim()}`, 8) : v]))))));
  return el("div", {},
    el("p", { class: "muted" }, "Changed only by proposal and vote of the settings family (docs/settings.md); keys link to the members they name."),
    el("h3", {}, "smartblocks.*"), group("smartblocks.").length ? table(group("smartblocks."), "settings-smartblocks") : el("p", { class: "empty" }, "none"),
    el("h3", {}, "sawtooth.*"), group("sawtooth.").length ? table(group("sawtooth."), "settings-sawtooth") : el("p", { class: "empty" }, "none"),
    other.length ? [el("h3", {}, "Other"), table(other, "settings-other")] : null);
}

function proposalsSection(proposals) {
  const intro = el("p", { class: "muted" }, `A proposal applies at ${proposals.approval_threshold} accept${proposals.approval_threshold === 1 ? "" : "s"} from the ${proposals.voters.length} voter${proposals.voters.length === 1 ? "" : "s"} in sawtooth.settings.vote.authorized_keys; vote with \`smartblocks settings vote ID accept|reject\`.`);
  if (!proposals.data.length) return el("div", {}, intro, el("p", { class: "empty", id: "proposals" }, "No pending proposals."));
  return el("div", {}, intro, el("table", { class: "grid-table", id: "proposals" },
    el("thead", {}, el("tr", {}, ["Proposal", "Setting", "Value", "Votes"].map((h) => el("th", {}, h)))),
    el("tbody", {}, proposals.data.map((p) => el("tr", {},
      el("td", {}, el("code", { title: p.proposal_id }, short(p.proposal_id, 8))),
      el("td", {}, p.setting),
      el("td", { class: "wrap" }, p.value),
      el("td", {}, `${p.accepts} accept, ${p.rejects} reject of ${proposals.approval_threshold}`,
        p.votes.map((v) => el("div", { class: "muted" }, `${v.vote.toLowerCase()} `, hash(v.public_key, `#/members/${v.public_key}`, 6)))))))));
}
