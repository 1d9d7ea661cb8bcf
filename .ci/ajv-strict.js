// Usage: node .ci/ajv-strict.js PATH-TO-BINARY (with ajv@8 installed by npm).
// Lists the tools of the server over stdio and compiles every input and
// output schema with ajv in strict mode.
const { spawn } = require('child_process');
const Ajv = require('ajv');
const p = spawn(process.argv[2] || './mcp-ssh-session', [], { stdio: ['pipe', 'pipe', 'ignore'] });
let buf = '';
const send = (m) => p.stdin.write(JSON.stringify(m) + '\n');
p.stdout.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const m = JSON.parse(line);
    if (m.id === 1) {
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    } else if (m.id === 2) {
      let errors = 0, n = 0;
      const text = JSON.stringify(m.result);
      for (const t of m.result.tools) {
        for (const [kind, s] of [['input', t.inputSchema], ['output', t.outputSchema]]) {
          if (!s) continue;
          const ajv = new Ajv({ strict: true, allErrors: true });
          try { ajv.compile(s); n++; } catch (e) { errors++; console.log(`${t.name} ${kind}: ${e.message}`); }
        }
      }
      console.log(`ajv strict: ${n} schemas compiled, ${errors} errors; tools/list result ${text.length} characters`);
      p.kill();
    }
  }
});
send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'ajv-check', version: '1' } } });
