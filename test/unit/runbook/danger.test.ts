import { describe, expect, it } from 'vitest';
import { DANGER_PATTERNS, matchDanger } from '../../../src/runbook/danger.js';

describe('destructive patterns', () => {
  it.each(DANGER_PATTERNS.map((p) => [p.name, p.example]))('%s matches its documented example', (_name, example) => {
    expect(matchDanger(example)).toBeDefined();
  });

  it.each([
    'rm -rf /var/lib/app/cache',
    'sudo rm -r build',
    'cd /tmp && rm old.log',
    'kill -9 1234',
    'pkill -f worker',
    'sudo systemctl restart nginx',
    'systemctl stop postgresql',
    'kubectl -n shop delete pod api-7d9f',
    'kubectl drain node-1 --ignore-daemonsets',
    'kubectl scale deploy/api --replicas=0',
    'kubectl rollout restart deploy/api',
    'oc delete project demo',
    'psql -c "DROP TABLE sessions"',
    'psql -c "truncate table events"',
    'dd if=/dev/zero of=/dev/sdb bs=1M',
    'mkfs.ext4 /dev/sdb1',
    'iptables -F',
    'find /var/log -name "*.gz" -mtime +14 -delete',
    'journalctl --vacuum-size=500M',
    'reboot',
    'echo b > /proc/sysrq-trigger',
    "psql -c 'select pg_terminate_backend(4242)'",
    'docker system prune -af',
    'git reset --hard origin/main',
    'ls | xargs rm',
  ])('%s is dangerous', (cmd) => {
    expect(matchDanger(cmd)).toBeDefined();
  });

  it.each([
    'df -h /',
    'kubectl -n shop get pods',
    'kubectl describe pod api-7d9f',
    'systemctl status nginx',
    'journalctl -u nginx --since -1h',
    'grep -i "out of memory" /var/log/syslog',
    'ps -eo pid,comm,%cpu --sort=-%cpu | head',
    'psql -c "select count(*) from pg_stat_activity"',
    'echo "do not kill it"',
    'ls -la /proc/1/fd',
    'cat /var/log/firmware.log',
    'curl -sS https://example.com/health',
    '# rm -rf / (a comment)',
    'dig +short example.com',
    'find /var/log -name "*.gz" -mtime +14',
    'ss -ltnp',
  ])('%s is not dangerous', (cmd) => {
    expect(matchDanger(cmd)).toBeUndefined();
  });

  it('the word filter never changes the answer of the patterns themselves', () => {
    const texts = [...DANGER_PATTERNS.map((p) => p.example), 'kubectl get pods', 'SYSTEMCTL RESTART x', 'echo > /dev/sda', 'Oc Delete pod x', 'ip link set eth0 down', 'psql -c "Drop Table x"'];
    for (const t of texts) expect(matchDanger(t)).toBe(DANGER_PATTERNS.find((p) => p.re.test(t))?.name);
  });
});
