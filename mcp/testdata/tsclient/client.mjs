// Drives mcp-ssh-session with the official MCP TypeScript SDK and its
// default client settings (60 s request timeout, output schemas checked
// with ajv). mcp/interop_ts_test.go starts it with MCPSSH_TS_CONFIG set to
// {command, args, env, host, longFile, cancelFile}; it prints one JSON
// report {checks: [{name, ok, detail}], errors: [...]} on stdout and exits
// 1 when any check failed.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const cfg = JSON.parse(process.env.MCPSSH_TS_CONFIG);
const checks = [];
const errors = []; // everything the SDK reported through onerror
const check = (name, ok, detail) => checks.push({ name, ok: Boolean(ok), detail });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const started = Date.now();
const elapsed = () => (Date.now() - started) / 1000;

const client = new Client({ name: 'interop-ts', version: '1' });
client.onerror = (err) => errors.push(String(err?.message ?? err));
await client.connect(new StdioClientTransport({ command: cfg.command, args: cfg.args, env: cfg.env }));

// callTool with the SDK's defaults; it validates structuredContent
// against the tool's outputSchema and throws when it does not match.
const call = (name, args, options) => client.callTool({ name, arguments: args }, undefined, options);

async function finish(id) {
  for (;;) {
    const st = (await call('get_command_status', { command_id: id })).structuredContent;
    if (['completed', 'failed', 'interrupted', 'lost'].includes(st.status)) return st;
    await sleep(500);
  }
}

async function schemas() {
  const { tools } = await client.listTools();
  const withSchema = tools.filter((t) => t.outputSchema).map((t) => t.name);
  check('schemas: tools/list', tools.length === 15 && withSchema.length === tools.length,
    `${tools.length} tools, ${withSchema.length} with an outputSchema`);
  const res = await call('execute_command', { host: cfg.host, command: 'echo schema', session: 's', timeout: 10 });
  check('schemas: a validated result', res.structuredContent?.output === 'schema\n', res.structuredContent?.output ?? res);
  for (const name of ['list_running_commands', 'list_sessions', 'list_command_history']) {
    const r = await call(name, {});
    check(`schemas: ${name}`, !r.isError && r.structuredContent, r.isError ? r.content : 'validated');
  }
}

// A call longer than the SDK's 60 s timeout comes back at the server's
// --max-wait with a command_id, and the command goes on.
async function longCall() {
  const t0 = Date.now();
  let res;
  try {
    res = await call('execute_command', { host: cfg.host, command: `sleep 70; touch ${cfg.longFile}`, timeout: 120 });
  } catch (err) {
    check('long: answered before the SDK timeout', false, `after ${(Date.now() - t0) / 1000} s: ${err.message}`);
    return;
  }
  const secs = (Date.now() - t0) / 1000;
  const sc = res.structuredContent ?? {};
  check('long: answered before the SDK timeout', secs >= 40 && secs < 60 && sc.status === 'running' && sc.command_id,
    { seconds: secs, status: sc.status, command_id: sc.command_id });
  if (!sc.command_id) return;
  const done = await finish(sc.command_id);
  check('long: the command completed', done.status === 'completed' && done.exit_code === 0,
    { at: elapsed(), status: done.status, exit_code: done.exit_code, output: done.output });
}

// A call cancelled through its AbortSignal: the SDK sends
// notifications/cancelled, the server must not answer that id, and the
// command goes on.
async function cancelled() {
  const ac = new AbortController();
  const pending = call('execute_command', { host: cfg.host, command: `sleep 30; touch ${cfg.cancelFile}`, session: 'c', timeout: 120 },
    { signal: ac.signal });
  const outcome = pending.then(() => 'resolved', (err) => `rejected: ${err?.name ?? ''} ${err?.message ?? err}`);
  let id;
  for (let i = 0; i < 200 && !id; i++) {
    const { commands = [] } = (await call('list_running_commands', {})).structuredContent;
    id = commands.find((c) => c.session === 'c' && c.status === 'running')?.command_id;
    if (!id) await sleep(100);
  }
  check('cancel: the command is running', id, id);
  ac.abort();
  const how = await outcome;
  check('cancel: the call was abandoned', how.startsWith('rejected'), how);
  if (!id) return;
  const { commands = [] } = (await call('list_running_commands', {})).structuredContent;
  const after = commands.find((c) => c.command_id === id);
  check('cancel: still running after the cancel', after?.status === 'running', after ?? commands);
  const done = await finish(id);
  check('cancel: the command completed', done.status === 'completed' && done.exit_code === 0,
    { at: elapsed(), status: done.status, exit_code: done.exit_code, output: done.output });
}

// A progress token (the SDK sends one when onprogress is set) brings
// progress notifications while the command runs.
async function progress() {
  const seen = [];
  const res = await call('execute_command', { host: cfg.host, command: 'sleep 3; echo patient', session: 'p', timeout: 60 },
    { onprogress: (p) => seen.push(p.progress) });
  const growing = seen.every((v, i) => i === 0 || v > seen[i - 1]);
  check('progress: notifications while it ran', res.structuredContent?.output === 'patient\n' && seen.length >= 2 && growing,
    { progress: seen, output: res.structuredContent?.output });
}

const guard = (name, fn) => fn().catch((err) => check(name, false, `threw: ${err?.stack ?? err}`));
// They run side by side, so the whole takes as long as the longest.
await Promise.all([
  guard('schemas', schemas), guard('long', longCall), guard('cancel', cancelled), guard('progress', progress),
]);
// A response to the cancelled id would have come by now (its command
// ended); the SDK reports it as "Received a response for an unknown
// message ID" through onerror.
await sleep(1000);
check('no protocol errors', errors.length === 0, errors);
await client.close();
console.log(JSON.stringify({ seconds: elapsed(), checks, errors }));
process.exit(checks.every((c) => c.ok) ? 0 : 1);
