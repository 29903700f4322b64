// Settings → API keys and Settings → Team. Owners and admins manage both; members see the team
// (read-only) and a note instead of keys; with a pasted API key, both say how they are managed
// (a key can list neither keys nor people).
import { useContext, useState } from "preact/hooks";
import { gql, mutate, rememberCreatedKey } from "./api.js";
import { Code, CopyButton, ErrorNote, Page, ViewerContext, When, html, useLoad } from "./ui.js";

const KEY_FIELDS = "id prefix name mode perMinute perDay createdAt lastUsedAt revokedAt";
const KEYS = `query ApiKeys { apiKeys { ${KEY_FIELDS} requestsToday } }`;
const CREATE_KEY = `mutation CreateApiKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id prefix name mode } userErrors { field message code } }
}`;
const REVOKE_KEY = `mutation RevokeApiKey($input: RevokeApiKeyInput!) {
  revokeApiKey(input: $input) { apiKey { id revokedAt } userErrors { field message code } }
}`;
const MEMBERS = "query Members { members { id email emailVerified role joinedAt } }";
const INVITATIONS = "query Invitations { invitations { email role expiresAt } }";
const REVOKE_INVITATION = `mutation RevokeInvitation($input: RevokeInvitationInput!) {
  revokeInvitation(input: $input) { revokedEmail userErrors { field message code } } }`;
const INVITE = `mutation InviteMember($input: InviteMemberInput!) {
  inviteMember(input: $input) { invitation { email role expiresAt } userErrors { field message code } }
}`;
const CHANGE_ROLE = `mutation ChangeMemberRole($input: ChangeMemberRoleInput!) {
  changeMemberRole(input: $input) { member { id role } userErrors { field message code } }
}`;
const REMOVE = `mutation RemoveMember($input: RemoveMemberInput!) {
  removeMember(input: $input) { removedUserId userErrors { field message code } }
}`;
const ROLES = ["MEMBER", "ADMIN", "OWNER"];

function manages(viewer) {
  return Boolean(viewer && viewer.user && (viewer.role === "OWNER" || viewer.role === "ADMIN"));
}

function count(n) {
  return n == null ? "—" : Number(n).toLocaleString();
}

function roleName(role) {
  return (role || "").toLowerCase();
}

async function loadKeys() {
  return (await gql(KEYS)).apiKeys;
}

function KeyCommands({ organization }) {
  return html`<${Code} label="Key commands">${`viperatron keys create --org "${organization}" --name dashboard
viperatron keys create --org "${organization}" --test   # et_test_: no email leaves
viperatron keys list --org "${organization}"
viperatron keys revoke KEY_ID_OR_PREFIX`}<//>`;
}

export function ApiKeysPage() {
  const viewer = useContext(ViewerContext);
  if (viewer && viewer.apiKey) {
    const k = viewer.apiKey;
    return html`<${Page} title="API keys">
      <p>This dashboard is using key <code>${k.prefix}…</code> (${k.name || "unnamed"}, ${k.mode}) of <strong>${viewer.organization.name}</strong>.</p>
      <section class="empty" id="keys-unavailable"><h2>Keys are managed by people</h2>
        <p>Owners and admins manage keys here once signed in to the dashboard; an API key cannot list or create keys.
        With an API key, manage keys on the server:</p>
        <${KeyCommands} organization=${viewer.organization.name} />
      </section>
    <//>`;
  }
  if (!manages(viewer)) {
    return html`<${Page} title="API keys">
      <section class="empty" id="keys-members-note"><h2>Only owners and admins manage API keys</h2>
        <p>You are a ${roleName(viewer && viewer.role) || "member"} of <strong>${viewer ? viewer.organization.name : "this organization"}</strong>.
        Ask an owner or admin (see <a href="/dashboard/settings/team">Team</a>) for a key to send email with.</p>
      </section>
    <//>`;
  }
  return html`<${Page} title="API keys"><${KeyManager} /><//>`;
}

function KeyManager() {
  const [error, setError] = useState(null);
  const [created, setCreated] = useState(null);
  const [confirming, setConfirming] = useState(null);
  const [busy, setBusy] = useState(false);
  const keys = useLoad(loadKeys, []);
  const create = async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const f = Object.fromEntries(new FormData(form).entries());
    const input = { name: f.name.trim(), mode: f.mode };
    if (f.perMinute) input.perMinute = Number(f.perMinute);
    if (f.perDay) input.perDay = Number(f.perDay);
    setError(null); setCreated(null); setBusy(true);
    try {
      const payload = await mutate(CREATE_KEY, { input }, "createApiKey");
      rememberCreatedKey(payload.secret);
      setCreated({ secret: payload.secret, key: payload.apiKey });
      form.reset();
      keys.reload();
    } catch (e) { setError(e); }
    setBusy(false);
  };
  const revoke = async (key) => {
    setError(null);
    try { await mutate(REVOKE_KEY, { input: { id: key.id } }, "revokeApiKey"); } catch (e) { setError(e); }
    setConfirming(null);
    keys.reload();
  };
  return html`
    <form class="filters" onSubmit=${create} aria-label="Create a key" id="new-key">
      <div class="field"><label for="new-key-name">Name</label><input id="new-key-name" name="name" maxlength="100" placeholder="production" /></div>
      <div class="field"><label for="new-key-mode">Mode</label>
        <select id="new-key-mode" name="mode" aria-describedby="new-key-mode-hint">
          <option value="LIVE">Live: sends email</option><option value="TEST">Test: no email leaves</option></select></div>
      <div class="field"><label for="new-key-per-minute">Requests per minute</label>
        <input id="new-key-per-minute" name="perMinute" type="number" min="1" max="1000000" inputmode="numeric" placeholder="server default" /></div>
      <div class="field"><label for="new-key-per-day">Requests per day</label>
        <input id="new-key-per-day" name="perDay" type="number" min="1" max="100000000" inputmode="numeric" placeholder="server default" /></div>
      <div class="field"><button type="submit" disabled=${busy}>Create key</button></div>
      <p class="muted" id="new-key-mode-hint">Test keys (<code>et_test_</code>) go through everything but never deliver.</p>
    </form>
    <${ErrorNote} error=${error || keys.error} />
    ${created ? html`<div class="notice" role="status" id="new-key-secret-box">
      <p><strong>Your new key${created.key && created.key.name ? ` “${created.key.name}”` : ""}.</strong> Copy it now: it is not shown again.</p>
      <p class="secret-line"><code id="new-key-secret" tabindex="0">${created.secret}</code>
        <${CopyButton} text=${created.secret} label="Copy the new key" stateId="copy-state" what="the key" /></p>
      <p class="muted">Use it as <code>Authorization: Bearer …</code>; the <a href="/dashboard/messages">Messages</a> page shows a curl with it.</p>
    </div>` : null}
    ${keys.data && keys.data.length === 0 ? html`<p class="muted">No keys yet.</p>` : null}
    ${keys.data && keys.data.length ? html`<table class="list" id="api-keys"><caption class="sr-only">API keys, newest first</caption>
      <thead><tr><th scope="col">Prefix</th><th scope="col">Name</th><th scope="col">Mode</th><th scope="col">Created</th>
        <th scope="col">Last used</th><th scope="col">Requests today</th><th scope="col">Limits</th>
        <th scope="col">State</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${keys.data.map((k) => html`<tr id=${`key-${k.id}`} class=${k.revokedAt ? "revoked" : undefined}>
        <td><code>${k.prefix}…</code></td>
        <td>${k.name || html`<span class="muted">unnamed</span>`}</td>
        <td><span class=${`badge badge-${k.mode}`}>${k.mode}</span></td>
        <td><${When} value=${k.createdAt} /></td>
        <td><${When} value=${k.lastUsedAt} /></td>
        <td class="requests-today">${count(k.requestsToday)} <span class="muted">of ${count(k.perDay)}</span></td>
        <td>${count(k.perMinute)}/min, ${count(k.perDay)}/day</td>
        <td>${k.revokedAt ? html`<span class="badge badge-failed">revoked</span> <${When} value=${k.revokedAt} />` : html`<span class="badge badge-sent">active</span>`}</td>
        <td>${k.revokedAt ? null : confirming === k.id
          ? html`<div class="confirm" role="group" aria-label=${`Revoke ${k.prefix}?`}>
              <p>Revoke <code>${k.prefix}…</code>? Whatever uses it stops working at once.</p>
              <button type="button" class="danger small" onClick=${() => revoke(k)}>Revoke ${k.prefix}</button>
              <button type="button" class="secondary small" onClick=${() => setConfirming(null)}>Keep it</button></div>`
          : html`<button type="button" class="secondary small" onClick=${() => setConfirming(k.id)} aria-label=${`Revoke ${k.prefix}`}>Revoke</button>`}</td>
      </tr>`)}</tbody></table>` : null}
    ${!keys.data && keys.loading ? html`<p class="muted">Loading the keys…</p>` : null}`;
}

export function TeamPage() {
  const viewer = useContext(ViewerContext);
  const [version, setVersion] = useState(0);
  const members = useLoad(async () => (await gql(MEMBERS)).members, [version]);
  if (viewer && viewer.apiKey) {
    return html`<${Page} title="Team">
      <section class="empty" id="team-unavailable"><h2>People are managed by people</h2>
        <p>This dashboard is using an API key: sign in as an owner or admin to see and manage the team.
        On the server: <code>viperatron users create --org "${viewer.organization.name}" --email …</code>.</p></section>
    <//>`;
  }
  const canManage = manages(viewer);
  return html`<${Page} title="Team">
    <p>The people of <strong>${viewer ? viewer.organization.name : ""}</strong>.
      ${canManage ? " Owners and admins manage keys and people; members use everything else." : html` <span id="team-readonly">Only owners and admins change the team.</span>`}</p>
    <${ErrorNote} error=${members.error} />
    ${members.data ? html`<${MemberList} members=${members.data} viewer=${viewer} canManage=${canManage} onChange=${() => setVersion(version + 1)} />` : null}
    ${!members.data && members.loading ? html`<p class="muted">Loading the team…</p>` : null}
    ${canManage ? html`<${Invitations} version=${version} />` : null}
    ${canManage ? html`<${InviteForm} viewer=${viewer} onSent=${() => setVersion(version + 1)} />` : null}
  <//>`;
}

function Invitations({ version }) {
  const [changed, setChanged] = useState(0);
  const [error, setError] = useState(null);
  const invitations = useLoad(async () => (await gql(INVITATIONS)).invitations || [], [version, changed]);
  const withdraw = async (email) => {
    setError(null);
    try {
      await mutate(REVOKE_INVITATION, { input: { email } }, "revokeInvitation");
      setChanged(changed + 1);
    } catch (e) { setError(e); }
  };
  if (!invitations.data || !invitations.data.length) return html`<${ErrorNote} error=${error || invitations.error} />`;
  return html`<h2 id="invitations-heading">Pending invitations</h2>
    <${ErrorNote} error=${error} />
    <table class="list" id="invitations" aria-labelledby="invitations-heading">
      <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Link works until</th>
        <th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${invitations.data.map((i) => html`<tr>
        <td>${i.email}</td><td><span class="badge role">${roleName(i.role)}</span></td><td><${When} value=${i.expiresAt} /></td>
        <td><button type="button" class="secondary small" onClick=${() => withdraw(i.email)}
          aria-label=${`Withdraw the invitation of ${i.email}`}>Withdraw</button></td></tr>`)}</tbody>
    </table>`;
}

function MemberList({ members, viewer, canManage, onChange }) {
  const [error, setError] = useState(null);
  const [note, setNote] = useState("");
  const [roles, setRoles] = useState({});
  const [confirming, setConfirming] = useState(null);
  const owner = viewer.role === "OWNER";
  const change = async (m) => {
    setError(null); setNote("");
    try {
      await mutate(CHANGE_ROLE, { input: { userId: m.id, role: roles[m.id] } }, "changeMemberRole");
      setNote(`${m.email} is now ${roleName(roles[m.id])}.`);
      setRoles((r) => { const next = { ...r }; delete next[m.id]; return next; });
      onChange();
    } catch (e) { setError(e); }
  };
  const remove = async (m) => {
    setError(null); setNote("");
    try {
      await mutate(REMOVE, { input: { userId: m.id } }, "removeMember");
      setNote(`${m.email} is no longer a member.`);
      onChange();
    } catch (e) { setError(e); }
    setConfirming(null);
  };
  return html`
    <${ErrorNote} error=${error} />
    <p role="status" class="ok" id="team-status">${note}</p>
    <table class="list" id="members"><caption class="sr-only">Members</caption>
      <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Joined</th>
        ${canManage ? html`<th scope="col"><span class="sr-only">Actions</span></th>` : null}</tr></thead>
      <tbody>${members.map((m) => {
        const me = viewer.user && viewer.user.id === m.id;
        const editable = canManage && (owner || m.role !== "OWNER");
        const chosen = roles[m.id] || m.role;
        return html`<tr id=${`member-${m.id}`}>
          <td>${m.email}${me ? html` <span class="muted">(you)</span>` : null}${m.emailVerified ? null : html` <span class="badge">unconfirmed</span>`}</td>
          <td>${editable ? html`<span class="inline-form">
              <label class="sr-only" for=${`role-${m.id}`}>Role of ${m.email}</label>
              <select id=${`role-${m.id}`} value=${chosen} onChange=${(e) => { const v = e.currentTarget.value; setRoles((r) => ({ ...r, [m.id]: v })); }}>
                ${ROLES.filter((r) => owner || r !== "OWNER").map((r) => html`<option value=${r}>${roleName(r)}</option>`)}
              </select>
              <button type="button" class="secondary small" disabled=${chosen === m.role} onClick=${() => change(m)}
                aria-label=${`Save the role of ${m.email}`}>Save</button></span>`
            : html`<span class="badge role">${roleName(m.role)}</span>`}</td>
          <td><${When} value=${m.joinedAt} /></td>
          ${canManage ? html`<td>${!editable || me ? null : confirming === m.id
            ? html`<div class="confirm" role="group" aria-label=${`Remove ${m.email}?`}>
                <p>Remove ${m.email} from ${viewer.organization.name}? Their sessions in it end.</p>
                <button type="button" class="danger small" onClick=${() => remove(m)}>Remove ${m.email}</button>
                <button type="button" class="secondary small" onClick=${() => setConfirming(null)}>Keep</button></div>`
            : html`<button type="button" class="secondary small" onClick=${() => setConfirming(m.id)} aria-label=${`Remove ${m.email}`}>Remove</button>`}</td>` : null}
        </tr>`;
      })}</tbody>
    </table>`;
}

function InviteForm({ viewer, onSent }) {
  const [error, setError] = useState(null);
  const [sent, setSent] = useState(null);
  const [busy, setBusy] = useState(false);
  const invite = async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const f = Object.fromEntries(new FormData(form).entries());
    setError(null); setSent(null); setBusy(true);
    try {
      const payload = await mutate(INVITE, { input: { email: f.email.trim(), role: f.role } }, "inviteMember");
      setSent(payload.invitation);
      form.reset();
      if (onSent) onSent();
    } catch (e) { setError(e); }
    setBusy(false);
  };
  const emailError = error && error.userErrors && (error.userErrors.find((e) => e.field === "email") || {}).message;
  return html`<h2 id="invite-heading">Invite someone</h2>
    <form class="filters" onSubmit=${invite} aria-labelledby="invite-heading">
      <div class="field"><label for="invite-email">Email address</label>
        <input id="invite-email" name="email" type="email" required autocomplete="off" aria-describedby="invite-email-error"
          aria-invalid=${emailError ? "true" : undefined} />
        <p class="error field-error" id="invite-email-error">${emailError || ""}</p></div>
      <div class="field"><label for="invite-role">Role</label>
        <select id="invite-role" name="role">${ROLES.filter((r) => viewer.role === "OWNER" || r !== "OWNER").map((r) => html`<option value=${r}>${roleName(r)}</option>`)}</select></div>
      <div class="field"><button type="submit" disabled=${busy}>Send invitation</button></div>
    </form>
    ${error && !emailError ? html`<${ErrorNote} error=${error} />` : null}
    ${sent ? html`<div class="notice" role="status" id="invite-sent"><p>Invitation sent to <strong>${sent.email}</strong> as ${roleName(sent.role)}:
      the link works once, until <${When} value=${sent.expiresAt} />.</p></div>` : null}`;
}
