// Validates every object of rendered Kubernetes manifests (multi-document YAML files) offline,
// against the Kubernetes API schema that the npm package kubernetes-models carries:
//  - the JSON schema of the object's kind (types, required fields, enums, formats), through
//    the model's own validate();
//  - unknown fields, which that schema lets through but the API server refuses under strict
//    field validation (kubectl's default): every field must be declared by the model's
//    TypeScript interface, all the way down (a misspelt "readinesProbe" fails here).
// Usage: node k8s_validate.mjs FILE.yaml... (run from a folder whose node_modules has
// kubernetes-models and yaml). Exit 1 naming every invalid object and field.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
const modelsDir = dirname(require.resolve("kubernetes-models/package.json"));
const machineryDir = dirname(require.resolve("@kubernetes-models/apimachinery/package.json"));

// ---- the declared fields of every API type, from the .d.ts files -------------------------
// Each declaration file holds one interface ("export interface IProbe {") with properties
// indented four spaces ('    "exec"?: IIoK8sApiCoreV1ExecAction;'), and an alias line naming
// it globally ("export type { IProbe as IIoK8sApiCoreV1Probe, ...").
const types = new Map(); // global interface name -> Map(field -> type text)

function parseDeclaration(text) {
  const head = text.match(/^export interface (\w+)(?: extends ([\w, ]+))? \{$/m);
  if (!head) return null;
  const body = text.slice(head.index + head[0].length).split("\n");
  const fields = new Map();
  if (head[2] && head[2].includes("TypeMeta")) {
    fields.set("apiVersion", "string");
    fields.set("kind", "string");
  }
  let current = null;
  for (const line of body) {
    if (line === "}") break;
    const prop = line.match(/^ {4}"([^"]+)"\??: (.*)$/);
    if (prop) {
      current = prop[1];
      fields.set(current, prop[2]);
    } else if (current && /^ {5,}\S/.test(line) && !/^\s*(\/\*\*|\*)/.test(line)) {
      fields.set(current, fields.get(current) + " " + line.trim());
    } else if (/^ {4}(\/\*\*|\*)/.test(line)) {
      current = null;
    }
  }
  const alias = text.match(new RegExp(`export type \\{ ${head[1]} as (\\w+)`));
  return { name: alias ? alias[1] : head[1], fields };
}

function indexDeclarations(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === "node_modules") continue;
    if (statSync(path).isDirectory()) {
      indexDeclarations(path);
    } else if (entry.endsWith(".d.ts") && !dir.includes("_schemas")) {
      const parsed = parseDeclaration(readFileSync(path, "utf8"));
      if (parsed && !types.has(parsed.name)) types.set(parsed.name, parsed.fields);
    }
  }
}

// "T;", "Array<T>;", "{ [key: string]: T; };" -> what the value holds.
function shapeOf(typeText) {
  const t = typeText.trim().replace(/;$/, "").trim();
  let m = t.match(/^Array<(\w+)>$/);
  if (m) return { array: m[1] };
  m = t.match(/^\{ \[key: string\]: (\w+); \}$/);
  if (m) return { map: m[1] };
  m = t.match(/^(\w+)$/);
  if (m) return { type: m[1] };
  return {};
}

function checkFields(value, typeName, path, errors) {
  const fields = types.get(typeName);
  if (!fields || value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (!fields.has(key)) {
      errors.push(`${path}.${key}: unknown field (not in ${typeName.replace(/^IIoK8s/, "")})`);
      continue;
    }
    const shape = shapeOf(fields.get(key));
    if (shape.type) checkFields(child, shape.type, `${path}.${key}`, errors);
    if (shape.array && Array.isArray(child)) {
      child.forEach((item, i) => checkFields(item, shape.array, `${path}.${key}[${i}]`, errors));
    }
    if (shape.map && child && typeof child === "object") {
      for (const [k, v] of Object.entries(child)) {
        checkFields(v, shape.map, `${path}.${key}.${k}`, errors);
      }
    }
  }
}

// The API server decodes base64 fields (Secret data, ConfigMap binaryData) the way Go does,
// ignoring line breaks; kustomize wraps them at 76 columns. The schema's "byte" format does not
// allow the breaks, so they go before validation.
function withBase64Unwrapped(object) {
  const copy = structuredClone(object);
  for (const field of ["data", "binaryData"]) {
    const wrapped = (object.kind === "Secret" && field === "data") ||
                    (object.kind === "ConfigMap" && field === "binaryData");
    if (wrapped && copy[field] && typeof copy[field] === "object") {
      for (const [k, v] of Object.entries(copy[field])) {
        if (typeof v === "string") copy[field][k] = v.replace(/[\r\n]/g, "");
      }
    }
  }
  return copy;
}

// ---- validate every object --------------------------------------------------------------
indexDeclarations(modelsDir);
indexDeclarations(machineryDir);

let objects = 0;
let invalid = 0;
const kinds = new Map();
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      console.error(`${file}: YAML error: ${doc.errors[0].message}`);
      invalid++;
      continue;
    }
    const object = doc.toJS();
    if (object === null) continue;
    objects++;
    const { apiVersion, kind } = object;
    const name = `${file}: ${kind ?? "?"}/${object.metadata?.name ?? "?"}`;
    const errors = [];
    let Model = null;
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
      errors.push("apiVersion and kind are required");
    } else {
      try {
        Model = (await import(`kubernetes-models/${apiVersion}/${kind}`))[kind];
      } catch {
        Model = null;
      }
      if (!Model) errors.push(`unknown kind ${kind} in ${apiVersion}`);
    }
    if (Model) {
      try {
        new Model(withBase64Unwrapped(object)).validate();
      } catch (e) {
        errors.push(...String(e.message).split("\n").filter(Boolean));
      }
      const declaration = readFileSync(join(modelsDir, apiVersion, `${kind}.d.ts`), "utf8");
      checkFields(object, parseDeclaration(declaration).name, kind, errors);
    }
    if (errors.length) {
      invalid++;
      console.error(`INVALID ${name}`);
      for (const e of errors) console.error(`  ${e}`);
    } else {
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
  }
}
const summary = [...kinds].map(([k, n]) => `${n} ${k}`).join(", ");
console.log(`k8s validate: ${objects} objects, ${objects - invalid} valid (${summary}), ${invalid} invalid`);
process.exit(invalid || objects === 0 ? 1 : 0);
