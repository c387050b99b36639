// Validates rendered kustomize output (YAML on stdin) against the Kubernetes, KEDA and External Secrets schemas
// from the kubernetes-models npm packages. RabbitMQ operator kinds have no published models: they are listed as
// unchecked, never silently passed. Run by scripts/check-deploy.sh; exits 1 on the first invalid document set.
import { parseAllDocuments } from "yaml";

const packages = [
  ["", "kubernetes-models"],
  ["keda.sh", "@kubernetes-models/keda"],
  ["external-secrets.io", "@kubernetes-models/external-secrets"],
];

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const entry = packages.find(([g]) => g === group) ?? (group.endsWith(".k8s.io") || !group.includes(".") ? ["", "kubernetes-models"] : null);
  if (!entry) return null;
  const path = group === "" ? `${entry[1]}/${version}/${kind}` : `${entry[1]}/${group}/${version}/${kind}`;
  try {
    return (await import(path))[kind];
  } catch {
    return null;
  }
}

const input = await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => resolve(text));
});
const failures = [];
const unchecked = new Set();
let checked = 0;
for (const doc of parseAllDocuments(input)) {
  const object = doc.toJS();
  if (!object) continue;
  const name = `${object.kind}/${object.metadata?.name}`;
  const Model = await modelFor(object.apiVersion, object.kind);
  if (!Model) {
    unchecked.add(`${object.apiVersion} ${object.kind}`);
    continue;
  }
  if (object.kind === "Secret" && object.data) {
    // kustomize folds long base64 values over lines; the API server's decoder skips the newlines, the schema does not.
    for (const key of Object.keys(object.data)) object.data[key] = String(object.data[key]).replace(/\s+/g, "");
  }
  try {
    new Model(object).validate();
    checked++;
  } catch (error) {
    failures.push(`${name}: ${error.message}`);
  }
}
for (const failure of failures) console.error(`invalid ${failure}`);
console.log(`schema: ${checked} valid, ${failures.length} invalid` + (unchecked.size ? `; no schema for ${[...unchecked].join(", ")}` : ""));
process.exit(failures.length ? 1 : 0);
