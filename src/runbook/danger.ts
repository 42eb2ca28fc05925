// The built-in list of destructive command patterns . Pure; docs/runbook-format.md lists them.

export interface DangerPattern {
  name: string;
  /** Lower-case words of which one must occur in the text before `re` is tried: most commands match none. */
  words: readonly string[];
  /** Matched against the command text with comments removed. */
  re: RegExp;
  example: string;
}

// A command word boundary: start of text or a shell separator, optional sudo/env prefixes.
const W = String.raw`(?:^|[;&|({\`\n]|\$\(|\bsudo\s+(?:-\S+\s+)*|\bxargs\s+(?:-\S+\s+)*|\bexec\s+|\bnohup\s+|\btimeout\s+\S+\s+)\s*`;

function cmd(body: string, flags = 'm'): RegExp {
  return new RegExp(`${W}${body}`, flags);
}

export const DANGER_PATTERNS: readonly DangerPattern[] = [
  // Any rm deletes something an operator may want back; -r and -f only make it worse.
  { name: 'rm', words: ['rm', 'unlink'], re: cmd(String.raw`(?:rm|rmdir|unlink)(?:\s|$)`, 'm'), example: 'rm -rf /var/lib/app/cache' },
  { name: 'find -delete / -exec rm', words: ['find'], re: /\bfind\b.*\s(?:-delete\b|-exec\s+rm\b)/, example: "find /var/log -name '*.gz' -delete" },
  { name: 'kill / pkill / killall', words: ['kill'], re: cmd(String.raw`(?:kill|pkill|killall)\b`), example: 'kill -9 1234' },
  { name: 'reboot / shutdown / halt / poweroff', words: ['reboot', 'shutdown', 'halt', 'poweroff'], re: cmd(String.raw`(?:reboot|shutdown|halt|poweroff)\b`), example: 'sudo reboot' },
  {
    name: 'systemctl stop / restart / kill / disable / mask / isolate', words: ['systemctl'],
    re: /\bsystemctl\s+(?:--?\S+\s+)*(?:stop|restart|try-restart|reload-or-restart|kill|disable|mask|isolate|reboot|poweroff|halt|kexec|rescue|emergency)\b/,
    example: 'systemctl restart nginx',
  },
  { name: 'service stop / restart', words: ['service'], re: /\bservice\s+\S+\s+(?:stop|restart)\b/, example: 'service nginx restart' },
  {
    name: 'kubectl delete / drain / scale / cordon / rollout restart / edit / patch / apply / replace / set', words: ['kubectl', 'oc'],
    re: /\b(?:kubectl|oc)\s+(?:(?:-n|--namespace|--context|--kubeconfig)[\s=]\S+\s+|--?\S+\s+)*(?:adm\s+)?(?:delete|drain|scale|cordon|uncordon|taint|edit|patch|apply|replace|set|label|annotate|rollout\s+(?:restart|undo)|exec)\b/,
    example: 'kubectl -n shop delete pod api-7d9f',
  },
  { name: 'helm uninstall / rollback / upgrade', words: ['helm'], re: /\bhelm\s+(?:--?\S+\s+)*(?:uninstall|delete|rollback|upgrade|install)\b/, example: 'helm rollback api 41' },
  { name: 'SQL DROP / TRUNCATE / DELETE / ALTER', words: ['drop', 'truncate', 'delete', 'alter'], re: /\b(?:DROP\s+(?:TABLE|DATABASE|SCHEMA|INDEX|USER|ROLE|VIEW)|TRUNCATE(?:\s+TABLE)?\s+\w+|DELETE\s+FROM|ALTER\s+(?:TABLE|SYSTEM|DATABASE))\b/i, example: 'psql -c "DROP TABLE sessions"' },
  { name: 'pg_terminate_backend / pg_cancel_backend', words: ['_backend'], re: /\bpg_(?:terminate|cancel)_backend\b/, example: "psql -c 'select pg_terminate_backend(4242)'" },
  { name: 'redis FLUSHALL / FLUSHDB / SHUTDOWN', words: ['redis-cli'], re: /\bredis-cli\b.*\b(?:flushall|flushdb|shutdown|del|config\s+set)\b/i, example: 'redis-cli FLUSHALL' },
  { name: 'dd of=', words: ['dd'], re: /\bdd\b[^|;&]*\bof=/, example: 'dd if=/dev/zero of=/dev/sdb' },
  { name: 'mkfs / wipefs / fdisk / parted', words: ['mkfs', 'mkswap', 'wipefs', 'fdisk', 'parted', 'shred'], re: cmd(String.raw`(?:mkfs(?:\.\w+)?|mkswap|wipefs|fdisk|sfdisk|parted|shred)\b`), example: 'mkfs.ext4 /dev/sdb1' },
  { name: 'iptables / nft / ufw', words: ['iptables', 'nft', 'ufw', 'firewall-cmd'], re: cmd(String.raw`(?:iptables|ip6tables|nft|ufw|firewall-cmd)\b`), example: 'iptables -F' },
  { name: 'truncate', words: ['truncate'], re: cmd(String.raw`truncate\s`), example: 'truncate -s 0 /var/log/big.log' },
  { name: 'chmod -R / chown -R', words: ['chmod', 'chown', 'chgrp'], re: cmd(String.raw`(?:chmod|chown|chgrp)\s+(?:\S+\s+)*-[a-zA-Z]*R`), example: 'chown -R app: /srv' },
  { name: 'git push --force / reset --hard / clean -f', words: ['git'], re: /\bgit\s+(?:push\s+.*(?:--force|-f\b)|reset\s+--hard|clean\s+-[a-zA-Z]*f)/, example: 'git reset --hard origin/main' },
  {
    name: 'docker / podman / crictl / docker-machine rm, kill, stop, restart, prune', words: ['docker', 'podman', 'nerdctl', 'crictl'],
    re: /\b(?:docker-machine|docker|podman|nerdctl|crictl)\s+(?:(?:container|image|volume|network|system)\s+)?(?:rm|rmi|rmp|kill|stop|stopp|restart|prune)\b/,
    example: 'docker system prune -af',
  },
  // etcd: deleting keys or members, and defrag/compaction, which stall the member while they run.
  { name: 'etcdctl del / defrag / compact / member remove', words: ['etcdctl'], re: /\betcdctl\s+(?:--?\S+\s+)*(?:del|defrag|compact(?:ion)?|member\s+remove|snapshot\s+restore|move-leader)\b/, example: 'etcdctl defrag' },
  { name: 'patronictl failover / switchover / restart / reinit / remove', words: ['patronictl'], re: /\b[\w-]*patronictl\s+(?:-\S+\s+)*(?:failover|switchover|restart|reinit|remove|pause|edit-config)\b/, example: 'patronictl switchover main' },
  { name: 'terraform apply / destroy', words: ['terraform', 'tofu'], re: /\b(?:terraform|tofu)\s+(?:-\S+\s+)*(?:apply|destroy|import|state\s+rm)\b/, example: 'terraform destroy' },
  { name: 'package removal', words: ['apt', 'yum', 'dnf', 'zypper'], re: /\b(?:apt|apt-get|yum|dnf|zypper)\s+(?:-\S+\s+)*(?:remove|purge|autoremove|erase)\b/, example: 'apt-get purge nginx' },
  { name: 'umount / swapoff / ip link down', words: ['umount', 'swapoff', 'ip'], re: cmd(String.raw`(?:umount|swapoff)\b|\bip\s+link\s+set\s+\S+\s+down\b`), example: 'umount /data' },
  { name: 'crontab -r / userdel', words: ['crontab', 'userdel', 'groupdel'], re: cmd(String.raw`(?:crontab\s+-r|userdel|groupdel)\b`), example: 'crontab -r' },
  { name: 'journalctl --vacuum / --rotate', words: ['journalctl'], re: /\bjournalctl\b.*--(?:vacuum-\w+|rotate)\b/, example: 'journalctl --vacuum-size=500M' },
  { name: 'write to a device or /proc/sys', words: ['>'], re: />\s*\/(?:dev\/(?:sd|nvme|xvd|vd|hd|mmcblk)\S*|proc\/sys(?:rq-trigger)?\S*)/, example: 'echo b > /proc/sysrq-trigger' },
  { name: 'perf / bpftrace / strace on a live system', words: ['perf', 'bpftrace', 'strace', 'gdb', 'ltrace'], re: cmd(String.raw`(?:perf\s+(?:record|top|trace)|bpftrace|strace|gdb\s+-p|ltrace)\b`), example: 'strace -c -p 4242' },
];

/** Remove `# comments` outside quotes so a commented-out `rm -rf` does not count, but keep the rest. */
function stripComments(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '$1'))
    .join('\n');
}

/** The name of the first destructive pattern the command matches, or undefined. */
export function matchDanger(text: string): string | undefined {
  return findDanger(text)?.name;
}

/** The first destructive pattern the command matches, with the words that matched (what the operator is shown). */
export function findDanger(text: string): { name: string; match: string } | undefined {
  const t = stripComments(text);
  const lower = t.toLowerCase();
  for (const p of DANGER_PATTERNS) {
    if (!p.words.some((w) => lower.includes(w))) continue;
    const m = p.re.exec(t);
    if (!m) continue;
    // Drop the separator or `sudo` the match may start with; keep it one short line.
    const match = m[0].replace(/^[\s;&|({`$]+/, '').replace(/\s+/g, ' ').trim();
    return { name: p.name, match: match.length > 60 ? `${match.slice(0, 59)}…` : match || p.name };
  }
  return undefined;
}
