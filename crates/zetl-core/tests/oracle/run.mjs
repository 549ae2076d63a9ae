// Test-only adapter: reads `zetl policy simulate` cases (one object or an array) on stdin, runs
// each through the npm oracle, and prints its decisions in the same shape (object or array):
//   {"decision": "Allowed"|"ImplicitlyDenied"|"ExplicitlyDenied"|"Error", "error"?: ..., "ignoredContextKeys"?: [...]}
// The oracle is AGPL and is used only as a black box from this script; nothing of it is copied.
// "Error" means the oracle refused the case (unknown action, resource type, invalid policy):
// the differential test treats that as a generator bug, never as agreement.
import { readFileSync } from 'node:fs';
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate';

// IAM returns policy documents as URL-encoded JSON text; the CLI accepts them as JSON strings.
function policyFromInput(value) {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text.startsWith('{')) return JSON.parse(text);
  return JSON.parse(decodeURIComponent(text));
}

// The oracle takes an ARN or the anonymous marker; zetl also accepts a bare account id.
function principalFromInput(principal) {
  if (principal === '*') return anonymousPrincipal;
  if (/^\d{12}$/.test(principal)) return `arn:aws:iam::${principal}:root`;
  return principal;
}

// The oracle's context takes strings and string arrays; JSON bools and numbers become strings.
function contextFromInput(context) {
  const out = {};
  for (const [key, value] of Object.entries(context ?? {})) {
    out[key] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

function resourceAccount(request) {
  if (request.resourceAccount) return request.resourceAccount;
  const parts = String(request.resource).split(':');
  return parts.length >= 6 ? parts[4] : '';
}

function simulationFor(testCase) {
  const request = testCase.request;
  const anonymous = request.principal === '*';
  const boundary = policyFromInput(testCase.permissionBoundary);
  return {
    request: {
      principal: principalFromInput(request.principal),
      action: request.action,
      resource: { resource: request.resource, accountId: resourceAccount(request) },
      contextVariables: contextFromInput(request.context)
    },
    identityPolicies: anonymous
      ? []
      : (testCase.identityPolicies ?? []).map((p, i) => ({
          name: `identityPolicies[${i}]`,
          policy: policyFromInput(p)
        })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: policyFromInput(testCase.resourcePolicy),
    permissionBoundaryPolicies:
      boundary && !anonymous ? [{ name: 'permissionBoundary', policy: boundary }] : undefined
  };
}

async function decide(testCase) {
  try {
    const result = await runSimulation(simulationFor(testCase), {});
    if (result.resultType === 'error') {
      return { decision: 'Error', error: result.errors };
    }
    const ignored =
      result.resultType === 'single'
        ? (result.result.ignoredContextKeys ?? [])
        : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
    const out = { decision: result.overallResult };
    if (ignored.length > 0) out.ignoredContextKeys = [...new Set(ignored)];
    return out;
  } catch (err) {
    return { decision: 'Error', error: String(err && err.message ? err.message : err) };
  }
}

const input = JSON.parse(readFileSync(0, 'utf8'));
if (Array.isArray(input)) {
  const out = [];
  for (const testCase of input) out.push(await decide(testCase));
  process.stdout.write(JSON.stringify(out) + '\n');
} else {
  process.stdout.write(JSON.stringify(await decide(input)) + '\n');
}
