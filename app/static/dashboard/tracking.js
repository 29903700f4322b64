// Settings → Tracking: the organization's open and click tracking defaults (a send's own
// `tracking` wins over them).
import { useState } from "preact/hooks";
import { gql, mutate } from "./api.js";
import { ErrorNote, Page, html, useLoad } from "./ui.js";
import { TestKeyNote } from "./domains.js";

const GET = "query TrackingSettings { trackingSettings { opens clicks } }";
const UPDATE = `mutation UpdateTrackingSettings($input: UpdateTrackingSettingsInput!) {
  updateTrackingSettings(input: $input) { trackingSettings { opens clicks } userErrors { field message code } }
}`;

export function TrackingPage() {
  const [error, setError] = useState(null);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(null); // the server's answer after a change
  const settings = useLoad(async () => (await gql(GET)).trackingSettings, []);
  const value = saved || settings.data;
  const change = async (field, on) => {
    setError(null); setNote(""); setBusy(true);
    try {
      const payload = await mutate(UPDATE, { input: { [field]: on } }, "updateTrackingSettings");
      setSaved(payload.trackingSettings);
      setNote(`${field === "opens" ? "Open" : "Click"} tracking is ${on ? "on" : "off"} for messages delivered from now on (within 30 seconds).`);
    } catch (e) {
      setError(e);
    }
    setBusy(false);
  };
  const toggle = (field, label, hint) => html`<div class="toggle">
    <input type="checkbox" role="switch" id=${`track-${field}`} checked=${value[field]} disabled=${busy}
      aria-describedby=${`track-${field}-hint`} onChange=${(e) => change(field, e.currentTarget.checked)} />
    <label for=${`track-${field}`}>${label}</label>
    <p class="hint muted" id=${`track-${field}-hint`}>${hint}</p></div>`;
  return html`<${Page} title="Tracking">
    <p>Off unless you turn it on. These defaults apply to every message that does not say otherwise
      (a send's own <code>tracking</code> wins); a message's opens and clicks show on its page.</p>
    <${TestKeyNote} what="these settings" />
    <${ErrorNote} error=${settings.error} />
    ${value ? html`<fieldset class="toggles" id="tracking-settings"><legend>For messages that do not say</legend>
      ${toggle("opens", "Track opens", "Adds a 1×1 image at the end of the HTML part.")}
      ${toggle("clicks", "Track clicks", "Links in the HTML part go through this server, which redirects to the original.")}
    </fieldset>` : null}
    ${!value && settings.loading ? html`<p class="muted">Loading…</p>` : null}
    <p role="status" class="ok" id="tracking-status">${note}</p>
    ${error ? html`<p class="error" role="alert" id="tracking-error">${error.message}</p>` : null}
    <p id="mpp-note">Apple Mail Privacy Protection loads every image of every message, so opens counted from it
      (shown as <em>machine</em>) make open rates look higher than they are: prefer clicks, and opens by people.</p>
  <//>`;
}
