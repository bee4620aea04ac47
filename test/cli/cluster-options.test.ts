// Shared cluster flags: brokers, SASL (password from flag or env, never printed), SSL files, timeout, and
// the usage errors of inspect/lag (exit 2, one line) — no broker needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Socket } from 'node:net';
import { describeConnection, resolveClusterOptions, PASSWORD_ENV } from '../../src/cli/cluster-options.js';
import { UsageError, InputError } from '../../src/errors.js';
import { runCli } from './run-cli.js';

test('plain: brokers list, timeout bounds KafkaJS connection/request time and caps retries', () => {
  const c = resolveClusterOptions({ brokers: 'a:9092, b:9093', timeout: '3s' }, {});
  assert.deepEqual(c.brokers, ['a:9092', 'b:9093']);
  assert.equal(c.timeoutMs, 3000);
  assert.equal(c.kafkaConfig.requestTimeout, 3000);
  assert.equal(c.kafkaConfig.connectionTimeout, 3000);
  assert.equal(c.kafkaConfig.retry?.retries, 2);
  assert.equal(c.kafkaConfig.ssl, undefined);
  assert.equal(c.kafkaConfig.sasl, undefined);
  assert.equal(describeConnection(c), 'a:9092,b:9093, plaintext');
  assert.deepEqual(resolveClusterOptions({}, { KPART_BROKERS: 'h:1' }).brokers, ['h:1']);
});

test('bad brokers and timeouts are usage errors', () => {
  assert.throws(() => resolveClusterOptions({}, {}), UsageError);
  for (const b of ['localhost', 'h:0', 'h:70000', 'h:x', 'http://h:9092']) {
    assert.throws(
      () => resolveClusterOptions({ brokers: b }, {}),
      (e: unknown) => e instanceof UsageError && e.message.includes(b),
      b,
    );
  }
  assert.deepEqual(resolveClusterOptions({ brokers: '[::1]:9092' }, {}).brokers, ['[::1]:9092']);
  assert.throws(() => resolveClusterOptions({ brokers: 'h:1', timeout: 'soon' }, {}), UsageError);
  assert.throws(() => resolveClusterOptions({ brokers: 'h:1', timeout: '5ms' }, {}), UsageError);
});

test('SASL: mechanism validated, password from the flag or KPART_SASL_PASSWORD, never in the description', () => {
  const fromEnv = resolveClusterOptions(
    { brokers: 'h:1', saslMechanism: 'scram-sha-512', saslUsername: 'svc' },
    { [PASSWORD_ENV]: 's3cret-env' },
  );
  assert.deepEqual(fromEnv.kafkaConfig.sasl, {
    mechanism: 'scram-sha-512',
    username: 'svc',
    password: 's3cret-env',
  });
  const fromFlag = resolveClusterOptions(
    { brokers: 'h:1', saslMechanism: 'plain', saslUsername: 'svc', saslPassword: 'p@ss' },
    { [PASSWORD_ENV]: 'other' },
  );
  assert.equal((fromFlag.kafkaConfig.sasl as { password: string }).password, 'p@ss');
  const d = describeConnection(fromFlag);
  assert.equal(d, 'h:1, plaintext, SASL plain as svc');
  assert.ok(!d.includes('p@ss'));
  assert.ok(!JSON.stringify(fromFlag.sasl).includes('p@ss'));
  assert.throws(
    () =>
      resolveClusterOptions(
        { brokers: 'h:1', saslMechanism: 'gssapi', saslUsername: 'u', saslPassword: 'p' },
        {},
      ),
    /--sasl-mechanism must be one of plain, scram-sha-256, scram-sha-512/,
  );
  assert.throws(
    () => resolveClusterOptions({ brokers: 'h:1', saslMechanism: 'plain', saslPassword: 'p' }, {}),
    /--sasl-username/,
  );
  assert.throws(
    () => resolveClusterOptions({ brokers: 'h:1', saslMechanism: 'plain', saslUsername: 'u' }, {}),
    new RegExp(PASSWORD_ENV),
  );
  assert.throws(
    () => resolveClusterOptions({ brokers: 'h:1', saslUsername: 'u' }, {}),
    /need --sasl-mechanism/,
  );
});

test('SSL: --ssl alone uses system CAs; PEM files are read (and imply TLS); a missing file is an input error', () => {
  assert.equal(resolveClusterOptions({ brokers: 'h:1', ssl: true }, {}).kafkaConfig.ssl, true);
  const dir = mkdtempSync(join(tmpdir(), 'kpart-ssl-'));
  const ca = join(dir, 'ca.pem');
  const cert = join(dir, 'c.pem');
  const key = join(dir, 'k.pem');
  writeFileSync(ca, 'CA');
  writeFileSync(cert, 'CERT');
  writeFileSync(key, 'KEY');
  const c = resolveClusterOptions({ brokers: 'h:1', sslCa: ca, sslCert: cert, sslKey: key }, {});
  assert.deepEqual(c.kafkaConfig.ssl, { ca: ['CA'], cert: 'CERT', key: 'KEY' });
  assert.equal(describeConnection(c), 'h:1, TLS');
  assert.throws(
    () => resolveClusterOptions({ brokers: 'h:1', sslCa: join(dir, 'nope.pem') }, {}),
    (e: unknown) => e instanceof InputError && /ENOENT/.test(e.message),
  );
  assert.throws(() => resolveClusterOptions({ brokers: 'h:1', sslCert: cert }, {}), /go together/);
});

test('inspect/lag usage errors exit 2 with one line; an unreachable broker exits 1 naming it', async () => {
  for (const args of [
    ['inspect', '--topic', 't'],
    ['inspect', '--brokers', 'nohost', '--topic', 't'],
    ['inspect', '--brokers', 'h:1', '--topic', 't', '--interval', 'often'],
    ['lag', '--brokers', 'h:1'],
    ['lag', '--brokers', 'h:1', '--group', 'g', '--samples', '3'],
    ['lag', '--brokers', 'h:1', '--group', 'g', '--watch', '2s', '--samples', '1'],
    ['lag', '--brokers', 'h:1', '--group', 'g', '--sasl-mechanism', 'plain', '--sasl-username', 'u'],
  ]) {
    const r = await runCli(args, { env: { KPART_BROKERS: '', [PASSWORD_ENV]: '' } });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^kpart: /);
  }
  // Port 1 on localhost refuses at once.
  const r = await runCli(
    [
      'inspect',
      '--brokers',
      '127.0.0.1:1',
      '--topic',
      't',
      '--timeout',
      '2s',
      '--sasl-mechanism',
      'plain',
      '--sasl-username',
      'u',
      '--sasl-password',
      'hunter2',
    ],
    { timeoutMs: 30000 },
  );
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), 'kpart: cannot reach broker 127.0.0.1:1 (ECONNREFUSED)');
  assert.ok(!r.stderr.includes('hunter2') && !r.stdout.includes('hunter2'));
});

test('analyze --from-topic against a broker that accepts but never answers: exit 1, one line naming it, no hang', async () => {
  const held: Socket[] = [];
  const server = createServer((s) => void held.push(s)); // accepts, never answers
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const r = await runCli(
      ['analyze', '--from-topic', 't', '--brokers', `127.0.0.1:${port}`, '--timeout', '1s'],
      {
        timeoutMs: 30000,
      },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^kpart: cannot reach broker 127\\.0\\.0\\.1:${port} `));
  } finally {
    for (const s of held) s.destroy();
    server.close();
  }
});
