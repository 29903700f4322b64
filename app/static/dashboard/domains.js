// Settings → Sending domains: add a domain, the DNS records to publish (each with Copy), check
// them now, delete. Test keys can read domains but not change them: the server's error says so.
import { useContext, useState } from "preact/hooks";
import { gql, mutate } from "./api.js";
import { Confirm, CopyButton, Empty, ErrorNote, Page, ViewerContext, When, html, useLoad } from "./ui.js";

const DOMAIN_FIELDS = `id name status createdAt verifiedAt checkedAt
  dnsRecords { type name value purpose status }`;
const LIST = `query Domains { domains { ${DOMAIN_FIELDS} } }`;
const CREATE = `mutation CreateDomain($input: CreateDomainInput!) {
  createDomain(input: $input) { domain { ${DOMAIN_FIELDS} } userErrors { field message code } }
}`;
const VERIFY = `mutation VerifyDomain($input: DomainIdInput!) {
  verifyDomain(input: $input) { domain { ${DOMAIN_FIELDS} } userErrors { field message code } }
}`;
const DELETE = `mutation DeleteDomain($input: DomainIdInput!) {
  deleteDomain(input: $input) { domain { id name } userErrors { field message code } }
}`;

const PURPOSES = {
  DKIM: "DKIM key: required, signs your mail",
  SPF: "SPF for the bounce address",
  RETURN_PATH: "Bounces and complaints come back here",
  DMARC: "DMARC policy (a starting point)",
};

function lower(value) {
  return (value || "").toLowerCase();
}

// A note for a test key: it reads but cannot change (the server refuses with `forbidden`).
export function TestKeyNote({ what }) {
  const viewer = useContext(ViewerContext);
  if (!viewer || !viewer.apiKey || lower(viewer.apiKey.mode) !== "test") return null;
  return html`<p class="notice warn" id="test-key-note">This dashboard is using a test key: it can see ${what} but not change them.
    Use a live key, or sign in, to make changes.</p>`;
}

export function DomainsPage() {
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(null); // the domain whose records are shown
  const list = useLoad(async () => (await gql(LIST)).domains, []);
  const add = async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = new FormData(form).get("name").trim();
    setError(null); setNotice(""); setBusy(true);
    try {
      const payload = await mutate(CREATE, { input: { name } }, "createDomain");
      setNotice(`${payload.domain.name} added: publish its DNS records below, then check them.`);
      setOpen(payload.domain.id);
      form.reset();
      list.reload();
    } catch (e) { setError(e); }
    setBusy(false);
  };
  const nameError = error && error.userErrors && (error.userErrors.find((e) => e.field === "name") || {}).message;
  const domains = list.data;
  return html`<${Page} title="Sending domains">
    <p>Receivers trust mail signed by the domain in its From address. Add each domain you send from:
      we make a DKIM key for it and tell you which DNS records to publish.</p>
    <${TestKeyNote} what="domains" />
    <form class="filters" onSubmit=${add} aria-labelledby="add-domain-heading" id="add-domain">
      <h2 id="add-domain-heading" class="sr-only">Add a domain</h2>
      <div class="field"><label for="domain-name">Domain</label>
        <input id="domain-name" name="name" required placeholder="acme.com" autocomplete="off" spellcheck="false"
          aria-describedby="domain-name-error" aria-invalid=${nameError ? "true" : undefined} />
        <p class="error field-error" id="domain-name-error">${nameError || ""}</p></div>
      <div class="field"><button type="submit" disabled=${busy}>Add domain</button></div>
    </form>
    <p role="status" class="ok" id="domains-status">${notice}</p>
    ${error && !nameError ? html`<${ErrorNote} error=${error} />` : null}
    <${ErrorNote} error=${list.error} />
    ${domains && domains.length === 0 ? html`<${Empty} title="No sending domains yet">
      <p>Without one, your mail goes out without a DKIM signature, and Gmail, Yahoo and Microsoft are more likely
        to file it as spam or refuse it. Add the domain of your From address (for <code>hello@acme.com</code>,
        <code>acme.com</code>) above, publish the records it lists at your DNS provider, then choose
        <strong>Check DNS now</strong>.</p><//>` : null}
    ${domains && domains.length ? html`<table class="list" id="domains"><caption class="sr-only">Sending domains, by name</caption>
      <thead><tr><th scope="col">Domain</th><th scope="col">Status</th><th scope="col">Verified</th><th scope="col">Last checked</th>
        <th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${domains.map((d) => html`<tr id=${`domain-${d.id}`}>
        <td><strong>${d.name}</strong></td>
        <td><span class=${`badge badge-${lower(d.status)}`}>${lower(d.status)}</span></td>
        <td><${When} value=${d.verifiedAt} /></td>
        <td><${When} value=${d.checkedAt} /></td>
        <td><button type="button" class="secondary small" aria-expanded=${open === d.id ? "true" : "false"}
          aria-controls=${`records-${d.id}`} onClick=${() => setOpen(open === d.id ? null : d.id)}>
          ${open === d.id ? "Hide" : "DNS records"}<span class="sr-only"> of ${d.name}</span></button></td>
      </tr>`)}</tbody></table>` : null}
    ${domains ? domains.filter((d) => d.id === open).map((d) => html`<${DomainDetail} key=${d.id} domain=${d}
      onChange=${list.reload} onDeleted=${(name) => { setOpen(null); setNotice(`${name} was removed.`); list.reload(); }} />`) : null}
    ${!domains && list.loading ? html`<p class="muted">Loading the domains…</p>` : null}
  <//>`;
}

function DomainDetail({ domain, onChange, onDeleted }) {
  const [error, setError] = useState(null);
  const [checking, setChecking] = useState(false);
  const [checked, setChecked] = useState("");
  const [confirming, setConfirming] = useState(false);
  const d = domain;
  const check = async () => {
    setError(null); setChecked(""); setChecking(true);
    try {
      const payload = await mutate(VERIFY, { input: { id: d.id } }, "verifyDomain");
      const found = payload.domain.dnsRecords.filter((r) => r.status === "VERIFIED").length;
      setChecked(`Checked: ${found} of ${payload.domain.dnsRecords.length} records found; ${payload.domain.name} is ${lower(payload.domain.status)}.`);
      onChange();
    } catch (e) { setError(e); }
    setChecking(false);
  };
  const remove = async () => {
    setError(null);
    try {
      await mutate(DELETE, { input: { id: d.id } }, "deleteDomain");
      onDeleted(d.name);
    } catch (e) { setError(e); setConfirming(false); }
  };
  return html`<section class="detail" id=${`records-${d.id}`} aria-labelledby=${`records-heading-${d.id}`}>
    <h2 id=${`records-heading-${d.id}`}>DNS records of ${d.name}</h2>
    <p>Publish these at your DNS provider. The domain is <strong>verified</strong> once its DKIM record is found;
      the others make bounces and complaints come back here and let receivers check your mail.
      A long TXT value may need splitting into quoted strings of at most 255 characters (most providers do that for you).
      Domains are also checked every hour.</p>
    <table class="list records" id="dns-records"><caption class="sr-only">DNS records to publish for ${d.name}</caption>
      <thead><tr><th scope="col">Type</th><th scope="col">Name</th><th scope="col">Value</th><th scope="col">Purpose</th><th scope="col">Status</th></tr></thead>
      <tbody>${d.dnsRecords.map((r, i) => html`<tr class=${`record-${lower(r.purpose)}`}>
        <td>${r.type}</td>
        <td><code class="wrap">${r.name}</code></td>
        <td class="value"><code class="wrap" id=${`record-value-${i}`}>${r.value}</code>
          <div><${CopyButton} text=${r.value} label=${`Copy the ${lower(r.purpose).replace("_", " ")} value`} what="the value" /></div></td>
        <td>${PURPOSES[r.purpose] || lower(r.purpose)}</td>
        <td><span class=${`badge badge-${lower(r.status)}`}>${lower(r.status)}</span></td>
      </tr>`)}</tbody></table>
    <p class="actions-row">
      <button type="button" onClick=${check} disabled=${checking}>${checking ? "Checking…" : "Check DNS now"}</button>
      ${confirming ? null : html`<button type="button" class="secondary" onClick=${() => setConfirming(true)}>Delete ${d.name}</button>`}
    </p>
    <p role="status" class="ok" id="dns-check-status">${checked}</p>
    <${ErrorNote} error=${error} />
    ${confirming ? html`<${Confirm} label=${`Delete ${d.name}?`}>
      <p>Delete <strong>${d.name}</strong> and its DKIM key? Mail from it goes out unsigned from then on; adding it again makes a new key and new records.</p>
      <p><button type="button" class="danger small" onClick=${remove}>Delete ${d.name} for good</button>
        <button type="button" class="secondary small" onClick=${() => setConfirming(false)}>Keep it</button></p><//>` : null}
  </section>`;
}
