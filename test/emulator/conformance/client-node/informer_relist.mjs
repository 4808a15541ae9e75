// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Drives the official @kubernetes/client-node (1.x, ESM) against a kube-emulator and prints
// one JSON document with what the client observed; test/emulator/tests/client_node_test.cpp
// asserts on it. The script reports observations and never decides pass/fail itself, except
// that it exits 2 when the client library cannot be loaded or a step throws unexpectedly.
//
// Environment:
//   KUBECONFIG   kubeconfig of the emulator (its own CA; TLS is verified normally)
//   CLIENT_NODE  absolute path of the @kubernetes/client-node package directory
//                (NODE_PATH does not apply to ESM imports, so the package is imported by URL)
//   WATCH_HISTORY  the emulator's --watch-history; the gap below writes more events than that
//
// Scenario:
//   (a) list, create, merge/JSON/strategic patch, dry-run create, the status subresource;
//   (b) an informer (makeInformer) on configmaps of one namespace sees add/update/delete;
//   (c) a raw Watch from a compacted resourceVersion gets an ERROR event with a 410 Status;
//       a Watch with allowWatchBookmarks gets a BOOKMARK;
//   (d) the informer is stopped, the server moves on by more than the watch history, the
//       informer is started again: its watch resumes from the compacted resourceVersion, gets
//       410, relists, and its cache converges (objects created and deleted in the gap).

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const out = { steps: [] };

function fail(message, err) {
  out.fatal = `${message}: ${err && err.stack ? err.stack : err}`;
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  process.exit(2);
}

async function loadClient() {
  const dir = process.env.CLIENT_NODE;
  if (!dir) {
    fail('CLIENT_NODE is not set', 'the test passes the package directory');
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  out.clientVersion = pkg.version;
  return import(pathToFileURL(path.join(dir, pkg.main || 'dist/index.js')).href);
}

const k8s = await loadClient().catch((err) => fail('cannot import @kubernetes/client-node', err));

const kc = new k8s.KubeConfig();
kc.loadFromDefault();
const core = kc.makeApiClient(k8s.CoreV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
const strategicPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
const history = Number(process.env.WATCH_HISTORY || '5');

const NS = 'client-node-a';
const OTHER_NS = 'client-node-b';
const CM_PATH = `/api/v1/namespaces/${NS}/configmaps`;

// Polls `cond` every 20 ms until it is true or `ms` elapse; returns the last value.
async function waitFor(cond, ms = 10000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v || Date.now() > deadline) {
      return v;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

// The HTTP code of a failed call (ApiException.code), or 'ok'.
async function codeOf(promise) {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    return err.code ?? String(err);
  }
}

function cm(name, data = { k: name }) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

async function serverNames(namespace) {
  const list = await core.listNamespacedConfigMap({ namespace });
  return list.items.map((o) => o.metadata.name).sort();
}

try {
  // ---- (a) CRUD through the generated API clients -------------------------------------------
  for (const name of [NS, OTHER_NS]) {
    await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
  }
  // Plain objects without apiVersion/kind, as client-node users often write them:
  // kube-apiserver defaults both from the URL.
  out.kindlessCreateCode = await codeOf(core.createNamespacedConfigMap(
    { namespace: OTHER_NS, body: { metadata: { name: 'kindless' }, data: { a: '1' } } }));
  const empty = await core.listNamespacedConfigMap({ namespace: NS });
  out.list = {
    kind: empty.kind,
    apiVersion: empty.apiVersion,
    items: empty.items.length,
    resourceVersion: empty.metadata?.resourceVersion ?? '',
  };

  const created = await core.createNamespacedConfigMap({ namespace: NS, body: cm('crud', { a: '1' }) });
  out.create = {
    name: created.metadata.name,
    uid: created.metadata.uid ?? '',
    resourceVersion: created.metadata.resourceVersion ?? '',
    creationTimestamp: created.metadata.creationTimestamp ? 'set' : '',
  };
  out.createAgainCode = await codeOf(
    core.createNamespacedConfigMap({ namespace: NS, body: cm('crud') }));

  const merged = await core.patchNamespacedConfigMap(
    { name: 'crud', namespace: NS, body: { data: { b: '2' } } }, mergePatch);
  const jsonPatched = await core.patchNamespacedConfigMap(
    { name: 'crud', namespace: NS, body: [{ op: 'replace', path: '/data/a', value: 'x' }] },
    jsonPatch);
  const strategic = await core.patchNamespacedConfigMap(
    { name: 'crud', namespace: NS, body: { data: { c: '3' } } }, strategicPatch);
  out.patch = { merge: merged.data, json: jsonPatched.data, strategic: strategic.data };

  const dry = await core.createNamespacedConfigMap({ namespace: NS, body: cm('dry'), dryRun: 'All' });
  out.dryRun = {
    returnedName: dry.metadata.name,
    readBackCode: await codeOf(core.readNamespacedConfigMap({ name: 'dry', namespace: NS })),
    listed: (await serverNames(NS)).includes('dry'),
  };

  const ext = { group: 'extensions.gardener.cloud', version: 'v1alpha1', namespace: NS,
    plural: 'extensions' };
  const extCreated = await custom.createNamespacedCustomObject({ ...ext, body: {
    apiVersion: 'extensions.gardener.cloud/v1alpha1', kind: 'Extension',
    metadata: { name: 'gpu' }, spec: { type: 'nvidia-gpu' },
    status: { observedGeneration: 42 } } });
  const statusPatched = await custom.patchNamespacedCustomObjectStatus({ ...ext, name: 'gpu',
    body: { spec: { type: 'ignored-by-status' }, status: { observedGeneration: 1 } } }, mergePatch);
  const current = await custom.getNamespacedCustomObject({ ...ext, name: 'gpu' });
  current.status = { observedGeneration: 1, lastOperation: { type: 'Reconcile', state: 'Succeeded',
    progress: 100, description: 'done', lastUpdateTime: '2026-01-01T00:00:00Z' } };
  current.spec.type = 'also-ignored';
  const statusReplaced = await custom.replaceNamespacedCustomObjectStatus(
    { ...ext, name: 'gpu', body: current });
  const mainUpdated = await custom.patchNamespacedCustomObject({ ...ext, name: 'gpu',
    body: { spec: { type: 'nvidia-gpu-2' }, status: { observedGeneration: 99 } } }, mergePatch);
  out.status = {
    createdStatus: extCreated.status ?? null,
    createdGeneration: extCreated.metadata.generation,
    patchedStatus: statusPatched.status,
    patchedSpecType: statusPatched.spec.type,
    patchedGeneration: statusPatched.metadata.generation,
    replacedState: statusReplaced.status?.lastOperation?.state ?? '',
    replacedSpecType: statusReplaced.spec.type,
    replacedGeneration: statusReplaced.metadata.generation,
    mainSpecType: mainUpdated.spec.type,
    mainObservedGeneration: mainUpdated.status?.observedGeneration,
    mainGeneration: mainUpdated.metadata.generation,
  };
  out.steps.push('crud');

  // ---- (b) informer add/update/delete ---------------------------------------------------------
  const informer = k8s.makeInformer(kc, CM_PATH,
    () => { out.listCalls = (out.listCalls ?? 0) + 1; return core.listNamespacedConfigMap({ namespace: NS }); });
  // Observe (never alter) each watch the informer opens: the resourceVersion it resumes from,
  // the events it gets, and when the stream ends.
  const watches = [];
  const realWatch = informer.watch.watch.bind(informer.watch);
  informer.watch.watch = (p, query, callback, done) => {
    const w = { resourceVersion: query.resourceVersion ?? '', errors: [], done: false };
    watches.push(w);
    return realWatch(p, query, (type, obj, raw) => {
      if (type === 'ERROR') {
        w.errors.push({ code: obj.code, reason: obj.reason });
      }
      callback(type, obj, raw);
    }, (err) => {
      w.done = true;
      done(err);
    });
  };
  const events = [];
  informer.on('add', (o) => events.push(`add:${o.metadata.name}`));
  informer.on('update', (o) => events.push(`update:${o.metadata.name}:${o.data?.v ?? ''}`));
  informer.on('delete', (o) => events.push(`delete:${o.metadata.name}`));
  const informerErrors = [];
  informer.on('error', (err) => informerErrors.push(String(err?.message ?? err)));
  await informer.start();
  await waitFor(() => informer.list(NS).some((o) => o.metadata.name === 'crud'));

  await core.createNamespacedConfigMap({ namespace: NS, body: cm('inf', { v: '1' }) });
  await waitFor(() => events.includes('add:inf'));
  await core.patchNamespacedConfigMap(
    { name: 'inf', namespace: NS, body: { data: { v: '2' } } }, mergePatch);
  await waitFor(() => events.includes('update:inf:2'));
  await core.deleteNamespacedConfigMap({ name: 'inf', namespace: NS });
  await waitFor(() => events.includes('delete:inf'));
  out.informer = { events: [...events], listCalls: out.listCalls };
  out.steps.push('informer');

  // ---- (c) raw watches: 410 from a compacted resourceVersion, bookmarks ------------------------
  // Push the history window past the current resourceVersion first.
  const stale = (await core.listNamespacedConfigMap({ namespace: NS })).metadata.resourceVersion;
  for (let i = 0; i < history + 3; i++) {
    await core.createNamespacedConfigMap({ namespace: OTHER_NS, body: cm(`push-${i}`) });
  }
  const rawWatch = new k8s.Watch(kc);
  const gone = { events: [], done: null };
  await rawWatch.watch(CM_PATH, { resourceVersion: stale }, (type, obj) => {
    gone.events.push({ type, code: obj?.code, reason: obj?.reason, kind: obj?.kind });
  }, (err) => { gone.done = err ? String(err.message ?? err) : 'closed'; });
  await waitFor(() => gone.done !== null);
  out.staleWatch = { resourceVersion: stale, ...gone };

  const bookmark = { events: [], done: null };
  const now = (await core.listNamespacedConfigMap({ namespace: NS })).metadata.resourceVersion;
  const bookmarkReq = await rawWatch.watch(CM_PATH, { resourceVersion: now, allowWatchBookmarks: true },
    (type, obj) => bookmark.events.push({ type, kind: obj?.kind,
      resourceVersion: obj?.metadata?.resourceVersion ?? '' }),
    (err) => { bookmark.done = err ? String(err.message ?? err) : 'closed'; });
  await waitFor(() => bookmark.events.some((e) => e.type === 'BOOKMARK'));
  bookmarkReq.abort();
  out.bookmarkWatch = { resourceVersion: now, events: bookmark.events };
  out.steps.push('raw-watch');

  // ---- (d) informer relist after 410 ----------------------------------------------------------
  await core.createNamespacedConfigMap({ namespace: NS, body: cm('before-gap') });
  await waitFor(() => informer.get('before-gap', NS) !== undefined);
  const watchesBeforeStop = watches.length;
  await informer.stop();
  // The aborted stream reports its end asynchronously; restart only once it has.
  await waitFor(() => watches.every((w) => w.done));
  const resumeFrom = informer.latestResourceVersion();
  const listCallsBeforeGap = out.listCalls;
  events.length = 0;
  informerErrors.length = 0;  // the abort of stop() is reported as an error; not of interest

  await core.createNamespacedConfigMap({ namespace: NS, body: cm('gap-added') });
  await core.deleteNamespacedConfigMap({ name: 'before-gap', namespace: NS });
  await core.patchNamespacedConfigMap(
    { name: 'crud', namespace: NS, body: { data: { v: 'gap' } } }, mergePatch);
  for (let i = 0; i < history + 3; i++) {
    await core.createNamespacedConfigMap({ namespace: OTHER_NS, body: cm(`gap-${i}`) });
  }

  await informer.start();
  const want = await serverNames(NS);
  const converged = await waitFor(() => {
    const have = informer.list(NS).map((o) => o.metadata.name).sort();
    return JSON.stringify(have) === JSON.stringify(want) &&
      informer.get('crud', NS)?.data?.v === 'gap';
  });
  out.relist = {
    resumeFrom,
    watchesBeforeStop,
    watches: watches.slice(watchesBeforeStop).map((w) => ({ resourceVersion: w.resourceVersion,
      errors: w.errors })),
    listCallsBeforeGap,
    listCallsAfter: out.listCalls,
    converged: Boolean(converged),
    cache: informer.list(NS).map((o) => o.metadata.name).sort(),
    server: want,
    crudV: informer.get('crud', NS)?.data?.v ?? '',
    events: [...events],
    errors: [...informerErrors],
  };
  await informer.stop();
  out.steps.push('relist');
} catch (err) {
  fail(`step after [${out.steps.join(',')}] threw`, err);
}

process.stdout.write(JSON.stringify(out, null, 2) + '\n');
process.exit(0);
