// A real OpenID Connect provider (npm `oidc-provider`, pinned in
// package.json) for crates/web/tests/oidc.rs: one confidential client and
// a few users, on a free loopback port. Its own sign-in and consent pages
// (the package's "dev interactions") take any login; the login names the
// user below.
//
// Environment: OIDC_REDIRECT_URI (the client's one redirect URI),
// OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NOW (the clock, Unix seconds).
// Prints one line, `issuer http://127.0.0.1:PORT`, once it listens.
//
// Run it from a directory whose node_modules holds oidc-provider
// (.ci/run: npm ci --prefix target/oidc-provider); the test copies it there.

import http from 'node:http';
import crypto from 'node:crypto';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`provider.mjs: ${name} is not set`);
    process.exit(2);
  }
  return value;
};

// The clock first, stopped at OIDC_NOW as Debrief's is by --now: the
// tokens' iat and exp then agree with the server that checks them.
// oidc-provider and jose read Date when they run.
const RealDate = Date;
const pinned = Number(env('OIDC_NOW')) * 1000;
class PinnedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) {
      super(pinned);
    } else {
      super(...args);
    }
  }

  static now() {
    return pinned;
  }
}
globalThis.Date = PinnedDate;

const { default: Provider } = await import('oidc-provider');

// Each login of the provider's sign-in form is one of these users.
const USERS = {
  newcomer: { email: 'newcomer@example.org', email_verified: true, name: 'Nia Newcomer' },
  victim: { email: 'Victim@Example.org', email_verified: true, name: 'Victim' },
  disabled: { email: 'other-coach@example.org', email_verified: true, name: 'Gone' },
  unverified: { email: 'unverified@example.org', email_verified: false, name: 'Una' },
  // For --oidc-allow-domain: another domain, a subdomain, and an account
  // the test makes beforehand at another domain.
  outsider: { email: 'out@elsewhere.test', email_verified: true, name: 'Otto Outsider' },
  subdomain: { email: 'sub@mail.example.org', email_verified: true, name: 'Sue Sub' },
  guest: { email: 'Guest@Elsewhere.test', email_verified: true, name: 'Gus Guest' },
};

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signing = { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: env('OIDC_CLIENT_ID'),
      client_secret: env('OIDC_CLIENT_SECRET'),
      redirect_uris: [env('OIDC_REDIRECT_URI')],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signing] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true },
  async findAccount(_ctx, id) {
    const user = USERS[id];
    if (!user) {
      return undefined;
    }
    return { accountId: id, claims: async () => ({ sub: id, ...user }) };
  },
});
// Loopback over plain HTTP, as the test runs it.
provider.proxy = false;
server.on('request', provider.callback());
console.log(`issuer ${issuer}`);
