import { useState } from "preact/hooks";
import { gql, mutate } from "./api.js";
import { ErrorNote, Page, Status, When, html, navigate, splitList, useLoad } from "./ui.js";

const START = `mutation Import($input: ImportContactsInput!) {
  importContacts(input: $input) { importId status userErrors { field message code } }
}`;
const JOB = `query Job($id: ID!) {
  importJob(id: $id) {
    id status format filename total processed created updated skipped failed progress error
    createdAt startedAt finishedAt errors { row field code message }
  }
}`;
const CANCEL = `mutation Cancel($input: CancelImportInput!) {
  cancelImport(input: $input) { job { id status } userErrors { field message code } }
}`;
const ACTIVE = new Set(["pending", "running"]);

function Job({ id }) {
  const [poll, setPoll] = useState(700);
  const [cancelError, setCancelError] = useState(null);
  const job = useLoad(async () => {
    const j = (await gql(JOB, { id })).importJob;
    setPoll(j && ACTIVE.has(j.status) ? 700 : 0);
    return j;
  }, [id], { poll });
  const j = job.data;
  if (!j) return html`<${ErrorNote} error=${job.error} />${job.loading ? html`<p class="muted">Loading the import…</p>` : html`<p>No import ${id}.</p>`}`;
  const cancel = async () => {
    setCancelError(null);
    try { await mutate(CANCEL, { input: { id } }, "cancelImport"); } catch (e) { setCancelError(e); }
    job.reload();
  };
  const percent = Math.round((j.progress || 0) * 100);
  return html`<section class="job" aria-labelledby="job-heading">
    <h2 id="job-heading">Import of ${j.filename || "pasted content"}</h2>
    <p role="status" id="import-status"><${Status} value=${j.status} /> ${ACTIVE.has(j.status) ? `${percent}%` : null}</p>
    <label for="import-progress" class="sr-only">Progress</label>
    <progress id="import-progress" max="100" value=${percent}>${percent}%</progress>
    <dl class="facts counts">
      <dt>Rows</dt><dd>${j.total == null ? "counting…" : j.total}</dd>
      <dt>Processed</dt><dd>${j.processed}</dd>
      <dt>Created</dt><dd>${j.created}</dd>
      <dt>Updated</dt><dd>${j.updated}</dd>
      <dt>Skipped</dt><dd>${j.skipped}</dd>
      <dt>Failed</dt><dd id="import-failed">${j.failed}</dd>
      <dt>Started</dt><dd><${When} value=${j.startedAt} /></dd>
      <dt>Finished</dt><dd><${When} value=${j.finishedAt} /></dd>
    </dl>
    ${j.error ? html`<p class="error" role="alert">${j.error}</p>` : null}
    ${ACTIVE.has(j.status) ? html`<p><button type="button" class="danger" onClick=${cancel}>Cancel import</button></p>` : null}
    <${ErrorNote} error=${cancelError || job.error} />
    ${j.errors.length ? html`<h3>Row errors</h3><table class="list" id="row-errors"><caption class="sr-only">Rows that were not imported</caption>
      <thead><tr><th scope="col">Row</th><th scope="col">Field</th><th scope="col">Code</th><th scope="col">Message</th></tr></thead>
      <tbody>${j.errors.map((e) => html`<tr><td>${e.row}</td><td>${e.field || "—"}</td><td><code>${e.code}</code></td><td>${e.message}</td></tr>`)}</tbody>
    </table>` : null}
    ${j.status === "completed" ? html`<p><a href="/dashboard/contacts">See your contacts</a></p>` : null}
  </section>`;
}

export function ImportPage({ jobId }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [format, setFormat] = useState("CSV");
  const pickFile = (event) => {
    const file = event.currentTarget.files[0];
    if (file) setFormat(/\.(ndjson|jsonl)$/i.test(file.name) ? "NDJSON" : "CSV");
  };
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    const form = event.currentTarget;
    const file = form.elements.file.files[0];
    const content = file ? await file.text() : form.elements.content.value;
    if (!content.trim()) { setError(new Error("Choose a file or paste its content.")); return; }
    setBusy(true);
    try {
      const input = { content, format, updateExisting: form.elements.updateExisting.checked, filename: file ? file.name : null };
      const tags = splitList(form.elements.tags.value);
      if (tags.length) input.tags = tags;
      const payload = await mutate(START, { input }, "importContacts");
      navigate(`/dashboard/import/${encodeURIComponent(payload.importId)}`);
    } catch (e) { setError(e); } finally { setBusy(false); }
  };
  return html`<${Page} title="Import contacts">
    <form class="stack" onSubmit=${submit}>
      <p>A CSV file with a header row naming an <code>email</code> column (and optionally <code>first_name</code>, <code>last_name</code>,
      <code>tags</code>, others become custom fields), or NDJSON: one JSON object per line. Up to a few megabytes here; bigger files go through
      <code>POST /api/v1/contacts/import</code>.</p>
      <div class="field"><label for="i-file">File</label><input id="i-file" name="file" type="file" accept=".csv,.ndjson,.jsonl,text/csv,application/x-ndjson" onChange=${pickFile} /></div>
      <div class="field"><label for="i-content">…or paste the content</label><textarea id="i-content" name="content" rows="4" spellcheck="false" placeholder=${"email,first_name\nann@example.com,Ann"}></textarea></div>
      <div class="row">
        <div class="field"><label for="i-format">Format</label>
          <select id="i-format" name="format" value=${format} onChange=${(e) => setFormat(e.currentTarget.value)}><option value="CSV">CSV</option><option value="NDJSON">NDJSON</option></select></div>
        <div class="field"><label for="i-tags">Tag every contact (comma-separated)</label><input id="i-tags" name="tags" /></div>
      </div>
      <p><input type="checkbox" id="i-update" name="updateExisting" checked /> <label for="i-update">Update contacts that already exist</label></p>
      <p><button type="submit" disabled=${busy}>${busy ? "Uploading…" : "Import"}</button></p>
      <${ErrorNote} error=${error} />
    </form>
    ${jobId ? html`<${Job} id=${jobId} key=${jobId} />` : null}
  <//>`;
}
