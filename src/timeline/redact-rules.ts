// The built-in credential shapes the redactor masks without knowing the value. docs/redaction.md lists each
// with an example, and what is deliberately left alone.

/**
 * A built-in credential shape. Every regex has a named group `s`, the part masked; the rest of the match
 * (the `password=` before it, say) is kept but still counts when deciding where stream() may cut.
 * `keep` vetoes a match that only looks like a credential (`password: is required`); it may look at the
 * rest of the line after the match, never further, so a stream decides as redact() does.
 */
export interface Rule {
  name: string;
  re: RegExp;
  keep?: (m: RegExpMatchArray, text: string) => boolean;
  /** A literal every match contains (case as written): text without it is not searched. */
  hint?: string;
  /**
   * How many characters before the match belong to it (-1: no match after all). Lets a regex start at a
   * keyword instead of trying a variable-length prefix at every position of the text.
   */
  back?: (text: string, index: number) => number;
}

// Identifier characters before a credential keyword (`DB_PASSWORD`, `github-token`), at most 64 so the
// stream window covers the whole key; found by keyPrefix() from where the keyword matched.
const MAX_KEY_PREFIX = 64;
const isKeyChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45; // 0-9 A-Z a-z _ . -

/** The length of the identifier before a keyword at index, or -1 when it is too long or follows a `/`. */
function keyPrefix(text: string, index: number): number {
  let i = index;
  while (i > 0 && isKeyChar(text.charCodeAt(i - 1))) {
    i--;
    if (index - i > MAX_KEY_PREFIX) return -1;
  }
  return i > 0 && text.charCodeAt(i - 1) === 47 ? -1 : index - i; // `/etc/…-token:` is a path
}
// `pwd` only after a separator: `MYSQL_PWD` is a password, `PWD` and `OLDPWD` are directories.
const KEY_WORDS = String.raw`(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?token|credentials?|(?<=[_.-])pwd)`;
// Words after the keyword (`SECRET_KEY_BASE`, `GITHUB_TOKEN_RW`); `keep` drops names whose last word says the
// value is not the secret itself (`PASSWORD_FILE`, `token_ttl`).
const KEY_SUFFIX = String.raw`(?:[_-][A-Za-z0-9]{1,16}){0,2}`;
const NOT_SECRET_SUFFIX = /[_-](?:file|path|name|dir|ref|env|var|arn|id|len|length|count|ttl|expiry|expires|expiration|type|header|min|max|size|policy|version|enabled|required|source|mode|url|endpoint)$/i;
// A value that is only a shell variable reference (`$DB_PASSWORD`) is not a secret: it is kept.
const NOT_VAR_REF = String.raw`(?!\$\{?[A-Za-z_][A-Za-z0-9_]*\}?(?:[\s"'&,;\\]|$))`;
// An opening quote, plain or escaped inside a JSON string (`{\"password\":\"x\"}`).
const QUOTE = String.raw`(?:\\?["'])`;

/**
 * Words that describe a value instead of being one: `password: is required`, `credentials: loaded from …`,
 * `token: expired`. An unquoted value starting with one of these is kept.
 */
const DESCRIBING = new Set(
  ('is are was were be been being not no none null nil empty missing required invalid incorrect wrong expired ' +
    'revoked rotated loaded found set unset updated changed ok true false yes from for of the a an to in on at ' +
    'with must should will cannot can has have hidden redacted masked provided supplied needed accepted rejected ' +
    'denied ignored saved stored created deleted removed reset mismatch unknown ' +
    // A keyword is not a value: `volume "api-token" : secret "api-token" not found`.
    'password passwd secret secrets token tokens key keys credential credentials').split(' '),
);

const ASSIGNMENT = new RegExp(
  String.raw`(?<pre>(?<key>${KEY_WORDS}${KEY_SUFFIX})${QUOTE}?[ \t]{0,8}(?<op>[=:])[ \t]{0,8}(?<q>${QUOTE}?))${NOT_VAR_REF}` +
    String.raw`(?<s>(?:(?<=\\")[^"\\\n]{1,1024}(?=\\")|(?<=\\')[^'\\\n]{1,1024}(?=\\')|(?<=")[^"\n]{1,1024}(?=")|(?<=')[^'\n]{1,1024}(?=')|[^\s"'&,;\\]{1,1024}))`,
  'gi',
);

/** At the end of a quoted value: the closing quote, then more words on the line. */
const QUOTED_THEN_WORDS = /\\?["'][ \t]+[A-Za-z]/y;

function keepAssignment(m: RegExpMatchArray, text: string): boolean {
  const g = m.groups ?? {};
  if (NOT_SECRET_SUFFIX.test(g.key ?? '')) return true;
  const value = g.s ?? '';
  if (g.q === '') {
    const first = /^[A-Za-z']+/.exec(value)?.[0].toLowerCase();
    if (first !== undefined && first === value.toLowerCase() && DESCRIBING.has(first)) return true;
  } else if (g.op === ':') {
    // `secret: "db-creds" not found`: a quoted name inside a message, not a YAML/JSON value.
    QUOTED_THEN_WORDS.lastIndex = (m.index ?? 0) + m[0].length;
    if (QUOTED_THEN_WORDS.test(text)) return true;
  }
  return false;
}

export const BUILTIN_RULES: readonly Rule[] = [
  { name: 'pem-private-key', hint: '-----BEGIN ', re: /(?<pre>-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----)(?<s>[\s\S]*?)(?<post>-----END [A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----|$(?![\s\S]))/g },
  { name: 'aws-access-key-id', re: /(?<![A-Za-z0-9])(?<s>(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16})(?![A-Za-z0-9])/g },
  // The 40-character secret after its name, also when the value is on the next line (`aws configure` files).
  { name: 'aws-secret-access-key', re: /(?<pre>aws_?secret_?access_?key["']?[ \t]{0,8}[=:][ \t]{0,8}(?:\r?\n[ \t]{0,8})?["']?)(?<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi },
  { name: 'github-token', re: /(?<![A-Za-z0-9_])(?<s>(?:ghp|gho|ghs|ghr|ghu)_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])/g },
  { name: 'gitlab-token', hint: 'glpat-', re: /(?<![A-Za-z0-9_-])(?<s>glpat-[A-Za-z0-9_-]{20,255})/g },
  { name: 'slack-token', hint: 'xox', re: /(?<![A-Za-z0-9])(?<s>xox[abposr]-[A-Za-z0-9-]{10,255})/g },
  { name: 'slack-webhook', hint: 'hooks.slack.com/services/', re: /(?<pre>hooks\.slack\.com\/services\/)(?<s>[A-Za-z0-9_/-]{8,255})/g },
  { name: 'stripe-key', re: /(?<![A-Za-z0-9_])(?<s>(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}|whsec_[A-Za-z0-9+/=]{16,255})(?![A-Za-z0-9_])/g },
  { name: 'google-api-key', hint: 'AIza', re: /(?<![A-Za-z0-9_-])(?<s>AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g },
  { name: 'npm-token', hint: 'npm_', re: /(?<![A-Za-z0-9_])(?<s>npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])/g },
  {
    // Vendor token formats with a fixed prefix, taken as data from secretlint's recommended preset 13.0.7
    // (MIT): see docs/redaction.md for the comparison that chose them.
    name: 'vendor-token',
    re: new RegExp(
      String.raw`(?<![A-Za-z0-9_-])(?<s>` +
        [
          String.raw`sk-ant-api0\d-[A-Za-z0-9_-]{90,128}AA`, // Anthropic
          String.raw`sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200}`, // OpenAI
          String.raw`SG\.[A-Za-z0-9_-]{16,128}\.[A-Za-z0-9_-]{16,128}`, // SendGrid
          String.raw`hv[sbr]\.[A-Za-z0-9_-]{24,200}`, // HashiCorp Vault
          String.raw`hf_[A-Za-z]{34}`, // Hugging Face
          String.raw`shp(?:at|ca|pa|ss)_[A-Za-z0-9]{32,64}`, // Shopify
          String.raw`lin_api_[A-Za-z0-9_]{32,128}`, // Linear
          String.raw`glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2}`, // Grafana
          String.raw`tskey-[a-z]{2,20}-[0-9A-Za-z_]{8,40}-[0-9A-Za-z_]{16,60}`, // Tailscale
          String.raw`dapi[A-Fa-f0-9]{32}(?:-[0-9])?`, // Databricks
          String.raw`gsk_[A-Za-z0-9]{52}`, // Groq
          String.raw`ntn_[0-9]{11}[A-Za-z0-9]{35}`, // Notion
          String.raw`figd_[A-Za-z0-9_-]{40,200}`, // Figma
        ].join('|') +
        String.raw`)(?![A-Za-z0-9_+/=-])`,
      'g',
    ),
  },
  {
    name: 'authorization-header',
    // `Authorization: Basic realm="x"` is a challenge's parameter, not a credential.
    re: /(?<pre>\bAuthorization["']?[ \t]{0,8}[:=][ \t]{0,8}["']?(?:Bearer|Basic|Token|Bot)[ \t]{1,8})(?!(?:realm|charset|error|error_description|error_uri|scope|nonce|algorithm|qop|opaque|stale|domain)=)(?<s>[A-Za-z0-9._~+/=-]{1,4096})/gi,
  },
  { name: 'bearer-token', hint: 'Bearer', re: /(?<pre>\bBearer[ \t]{1,8})(?<s>[A-Za-z0-9._~+/-]{20,4096}=*)/g },
  { name: 'url-password', hint: '://', re: /(?<pre>\b[a-zA-Z][a-zA-Z0-9+.-]{0,30}:\/\/[^\s:/@]{0,128}:)(?<s>[^\s@/]{1,256})(?=@)/g },
  { name: 'jwt', hint: 'eyJ', re: /(?<![A-Za-z0-9_-])(?<s>eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,})/g },
  { name: 'assignment', re: ASSIGNMENT, keep: keepAssignment, back: keyPrefix },
  {
    name: 'password-flag',
    re: new RegExp(String.raw`(?<pre>--(?:password|passwd|token|secret|api-key)[ \t]{1,4}(?<q>["']?))${NOT_VAR_REF}(?<s>[^\s"']{1,1024})`, 'g'),
  },
  {
    // `mysql -pPASS` (the value glued to -p; a bare `-p` asks for it and `-P` is the port).
    name: 'mysql-p',
    re: new RegExp(String.raw`(?<pre>\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mysqlslap|mariadb|mariadb-dump)\b[^\n|;&]{0,256}?[ \t]-p(?<q>["']?))${NOT_VAR_REF}(?<s>[^\s"']{1,256})`, 'g'),
  },
];
