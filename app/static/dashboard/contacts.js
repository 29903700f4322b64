import { useState } from "preact/hooks";
import { gql, mutate } from "./api.js";
import { Empty, ErrorNote, More, Page, Tags, When, html, navigate, splitList, useLoad, usePages } from "./ui.js";

const LIST = `query Contacts($after: String, $filter: ContactFilter) {
  contacts(first: 25, after: $after, filter: $filter) {
    edges { node { id email firstName lastName tags createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ONE = `query Contact($id: ID!) {
  contact(id: $id) {
    id email firstName lastName tags customFields createdAt updatedAt
    events(first: 25) { edges { node { id eventType value currency properties occurredAt sandbox } } pageInfo { hasNextPage } }
  }
}`;
const UPDATE = `mutation Update($input: UpdateContactInput!) {
  updateContact(input: $input) { contact { id } userErrors { field message code } }
}`;
const ERASE = `mutation Erase($input: DeleteContactInput!) {
  deleteContact(input: $input) { erasure { id deleted messagesRedacted eventsAnonymized suppressed } userErrors { field message code } }
}`;

export function ContactsPage() {
  const [filter, setFilter] = useState({});
  const pages = usePages(async (after) => (await gql(LIST, { after, filter })).contacts, [JSON.stringify(filter)]);
  const apply = (event) => {
    event.preventDefault();
    const f = Object.fromEntries(new FormData(event.currentTarget).entries());
    const next = {};
    if (f.email.trim()) next.email = f.email.trim();
    if (f.tag.trim()) next.tags = splitList(f.tag);
    setFilter(next);
  };
  const filtered = Object.keys(filter).length > 0;
  return html`<${Page} title="Contacts" actions=${html`<a class="button" href="/dashboard/import">Import contacts</a>`}>
    <form class="filters" role="search" onSubmit=${apply} aria-label="Search contacts">
      <div class="field"><label for="c-email">Email contains</label><input id="c-email" name="email" type="search" /></div>
      <div class="field"><label for="c-tag">Tags (all of, comma-separated)</label><input id="c-tag" name="tag" type="search" /></div>
      <div class="field"><button type="submit">Search</button></div>
    </form>
    <${ErrorNote} error=${pages.error} />
    ${pages.nodes && pages.nodes.length === 0 && !filtered ? html`<${Empty} title="No contacts yet">
      <p>Contacts are created when you <a href="/dashboard/import">import a CSV or NDJSON file</a>, send events for new addresses,
      or call <code>upsertContact</code> / <code>POST /api/v1/contacts</code>.</p><//>` : null}
    ${pages.nodes && pages.nodes.length === 0 && filtered ? html`<p class="muted">No contact matches.</p>` : null}
    ${pages.nodes && pages.nodes.length ? html`<table class="list">
      <caption class="sr-only">Contacts</caption>
      <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Tags</th><th scope="col">Created</th></tr></thead>
      <tbody>${pages.nodes.map((c) => html`<tr>
        <td><a href=${`/dashboard/contacts/${encodeURIComponent(c.id)}`}>${c.email}</a></td>
        <td>${[c.firstName, c.lastName].filter(Boolean).join(" ") || html`<span class="muted">—</span>`}</td>
        <td><${Tags} tags=${c.tags} /></td><td><${When} value=${c.createdAt} /></td></tr>`)}</tbody>
    </table>` : null}
    <${More} pageInfo=${pages.pageInfo} onMore=${pages.more} loading=${pages.loading} />
  <//>`;
}

function EditContact({ contact, onSaved }) {
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setError(null); setSaved(false);
    const f = Object.fromEntries(new FormData(event.currentTarget).entries());
    let fields;
    try {
      fields = JSON.parse(f.customFields || "{}");
      if (!fields || typeof fields !== "object" || Array.isArray(fields)) throw new Error("not an object");
    } catch (e) {
      setError(new Error("Custom fields must be a JSON object, e.g. {\"plan\": \"pro\"}."));
      return;
    }
    // Merged by the server: a field removed here is sent as null.
    for (const name of Object.keys(contact.customFields || {})) if (!(name in fields)) fields[name] = null;
    const tags = splitList(f.tags);
    const input = {
      id: contact.id, email: f.email.trim(), firstName: f.firstName.trim() || null, lastName: f.lastName.trim() || null,
      addTags: tags.filter((t) => !contact.tags.includes(t)), removeTags: contact.tags.filter((t) => !tags.includes(t)),
      customFields: fields,
    };
    try { await mutate(UPDATE, { input }, "updateContact"); setSaved(true); onSaved(); } catch (e) { setError(e); }
  };
  // defaultValue, not value: showing an error re-renders the form, and a `value` would put the
  // contact's stored values back over what was typed.
  return html`<form class="stack" onSubmit=${submit} aria-labelledby="edit-heading">
    <h2 id="edit-heading">Edit</h2>
    <div class="field"><label for="e-email">Email</label><input id="e-email" name="email" type="email" required defaultValue=${contact.email} /></div>
    <div class="row">
      <div class="field"><label for="e-first">First name</label><input id="e-first" name="firstName" defaultValue=${contact.firstName || ""} /></div>
      <div class="field"><label for="e-last">Last name</label><input id="e-last" name="lastName" defaultValue=${contact.lastName || ""} /></div>
    </div>
    <div class="field"><label for="e-tags">Tags (comma-separated)</label><input id="e-tags" name="tags" defaultValue=${contact.tags.join(", ")} /></div>
    <div class="field"><label for="e-fields">Custom fields (JSON object)</label>
      <textarea id="e-fields" name="customFields" rows="5" spellcheck="false">${JSON.stringify(contact.customFields || {}, null, 2)}</textarea></div>
    <p><button type="submit">Save</button> ${saved ? html`<span role="status" class="ok">Saved.</span>` : null}</p>
    <${ErrorNote} error=${error} />
  </form>`;
}

function Erase({ contact }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState(null);
  const erase = async (event) => {
    event.preventDefault();
    const suppress = event.currentTarget.elements.suppress.checked;
    try {
      await mutate(ERASE, { input: { id: contact.id, suppress } }, "deleteContact");
      navigate("/dashboard/contacts");
    } catch (e) { setError(e); }
  };
  return html`<section class="danger-zone" aria-labelledby="erase-heading">
    <h2 id="erase-heading">Erase</h2>
    <p>Erasing deletes the contact and the personal data in its messages and events. It cannot be undone.</p>
    ${confirming ? html`<form onSubmit=${erase}>
      <p><input type="checkbox" id="suppress" name="suppress" /> <label for="suppress">Also never email ${contact.email} again (suppress)</label></p>
      <p><button type="submit" class="danger">Erase ${contact.email} permanently</button>
      <button type="button" class="secondary" onClick=${() => setConfirming(false)}>Keep</button></p>
    </form>` : html`<p><button type="button" class="danger" onClick=${() => setConfirming(true)}>Erase this contact…</button></p>`}
    <${ErrorNote} error=${error} />
  </section>`;
}

export function ContactPage({ id }) {
  const one = useLoad(async () => (await gql(ONE, { id })).contact, [id]);
  const c = one.data;
  if (!c) {
    return html`<${Page} title="Contact"><${ErrorNote} error=${one.error} />
      ${one.loading ? html`<p class="muted">Loading…</p>` : html`<p>No contact ${id}. <a href="/dashboard/contacts">All contacts</a></p>`}<//>`;
  }
  const events = c.events.edges.map((e) => e.node);
  return html`<${Page} title=${c.email} actions=${html`<a href="/dashboard/contacts">← All contacts</a>`}>
    <dl class="facts">
      <dt>Name</dt><dd>${[c.firstName, c.lastName].filter(Boolean).join(" ") || html`<span class="muted">—</span>`}</dd>
      <dt>Tags</dt><dd><${Tags} tags=${c.tags} /></dd>
      <dt>Custom fields</dt><dd>${Object.keys(c.customFields || {}).length ? html`<dl class="inline">${Object.entries(c.customFields).map(([k, v]) => html`<dt>${k}</dt><dd><code>${JSON.stringify(v)}</code></dd>`)}</dl>` : html`<span class="muted">none</span>`}</dd>
      <dt>Created</dt><dd><${When} value=${c.createdAt} /></dd>
      <dt>Updated</dt><dd><${When} value=${c.updatedAt} /></dd>
    </dl>
    <h2>Events</h2>
    ${events.length ? html`<table class="list"><caption class="sr-only">Events, newest first</caption>
      <thead><tr><th scope="col">Type</th><th scope="col">Value</th><th scope="col">Properties</th><th scope="col">Occurred</th></tr></thead>
      <tbody>${events.map((e) => html`<tr><td>${e.eventType}${e.sandbox ? html` <span class="badge">sandbox</span>` : null}</td>
        <td>${e.value ? `${e.value} ${e.currency || ""}` : html`<span class="muted">—</span>`}</td>
        <td><code>${JSON.stringify(e.properties)}</code></td><td><${When} value=${e.occurredAt} /></td></tr>`)}</tbody></table>`
      : html`<p class="muted">No events for this contact yet.</p>`}
    <${EditContact} contact=${c} onSaved=${one.reload} key=${c.updatedAt} />
    <${Erase} contact=${c} />
  <//>`;
}
