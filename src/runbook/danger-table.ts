// The built-in destructive commands, as data (PRODUCT.md §3; docs/runbook-format.md lists them). Each simple
// command the shell lexer finds is matched against PROGRAM_RULES by its program (basename, after wrappers
// like sudo or timeout) and arguments; TEXT_RULES are the few things that are not a program: SQL, which
// may sit in any string or here-document, and a write to a block device. Every rule's example is a test.

export interface ProgramRule {
  /** What the operator is told and the docs list. */
  name: string;
  /** Program basenames (`/sbin/iptables` is `iptables`). */
  programs: readonly (string | RegExp)[];
  /**
   * Subcommands: the leading positional arguments, space-separated (`rollout restart`); `*` is any one word
   * and a trailing `*` a prefix (`delete-*`). Compared case-insensitively. Without it any subcommand.
   */
  sub?: readonly string[];
  /** An argument that must be present (anywhere: `-R`, `of=`, `--force`). */
  arg?: RegExp;
  /** An argument that makes it read-only after all (`kill -0`, `fdisk -l`). */
  unless?: RegExp;
  /** Options that take the next word as their value, so that value is not read as a subcommand. */
  valueOpts?: readonly string[];
  example: string;
}

export interface TextRule {
  name: string;
  /** Matched against the whole text with comments blanked out. */
  re: RegExp;
  /** Only where the match starts unquoted (a redirection), not inside a string. */
  plainOnly?: boolean;
  /** The confirmation word comes from the match (the device written to), not from the program. */
  wordFromMatch?: (m: RegExpExecArray) => string;
  example: string;
}

const KUBE_OPTS = ['-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--token', '--as', '--as-group', '-l', '--selector', '-o', '--output', '-c', '--container', '-f', '--filename', '--request-timeout'];
const CONTAINER_GROUPS = ['container', 'image', 'volume', 'network', 'system', 'builder', 'pod', 'service', 'stack', 'node', 'secret', 'config'];
const CONTAINER_VERBS = ['rm', 'rmi', 'rmp', 'kill', 'stop', 'stopp', 'restart', 'prune', 'remove', 'down', 'scale', 'leave'];

export const PROGRAM_RULES: readonly ProgramRule[] = [
  // Any rm deletes something an operator may want back; -r and -f only make it worse.
  { name: 'rm, rmdir, unlink (any deletion)', programs: ['rm', 'rmdir', 'unlink', 'srm'], example: 'rm -rf /var/lib/app/cache' },
  { name: 'find -delete', programs: ['find'], arg: /^-delete$/, example: "find /var/log -name '*.gz' -delete" },
  { name: 'kill, pkill, killall', programs: ['kill', 'pkill', 'killall'], unless: /^(?:-0|-l|-L|--list|--table)$/, example: 'kill -9 1234' },
  { name: 'reboot, shutdown, halt, poweroff', programs: ['reboot', 'shutdown', 'halt', 'poweroff', 'kexec'], example: 'sudo reboot' },
  {
    name: 'systemctl stop, restart, kill, disable, mask, isolate, …',
    programs: ['systemctl'],
    sub: ['stop', 'restart', 'try-restart', 'reload-or-restart', 'try-reload-or-restart', 'kill', 'disable', 'mask', 'isolate', 'reboot', 'poweroff', 'halt', 'kexec', 'soft-reboot', 'rescue', 'emergency', 'default', 'clean', 'freeze'],
    valueOpts: ['-H', '--host', '-M', '--machine', '-s', '--signal', '-p', '--property', '-t', '--type', '--state', '-n', '--lines', '-o', '--output', '--root', '--kill-whom'],
    example: 'systemctl restart nginx',
  },
  { name: 'service X stop, restart', programs: ['service'], sub: ['* stop', '* restart', '* force-reload', '* force-stop'], example: 'service nginx restart' },
  {
    name: 'kubectl / oc delete, drain, scale, cordon, rollout restart, edit, patch, apply, replace, set, …',
    programs: ['kubectl', 'oc', 'k'],
    sub: [
      'delete', 'drain', 'scale', 'autoscale', 'cordon', 'uncordon', 'taint', 'edit', 'patch', 'apply', 'replace', 'set', 'label', 'annotate', 'create', 'run', 'expose',
      'rollout restart', 'rollout undo', 'rollout pause', 'rollout resume', 'certificate approve', 'certificate deny',
      'adm drain', 'adm cordon', 'adm uncordon', 'adm taint', 'adm prune', 'adm policy',
    ],
    valueOpts: KUBE_OPTS,
    example: 'kubectl -n shop delete pod api-7d9f',
  },
  { name: 'helm uninstall, rollback, upgrade, install', programs: ['helm'], sub: ['uninstall', 'un', 'delete', 'del', 'rollback', 'upgrade', 'install'], valueOpts: ['-n', '--namespace', '--kube-context', '--kubeconfig'], example: 'helm rollback api 41' },
  {
    name: 'redis-cli FLUSHALL, FLUSHDB, SHUTDOWN, DEL, CONFIG SET',
    programs: ['redis-cli', 'valkey-cli'],
    sub: ['flushall', 'flushdb', 'shutdown', 'del', 'unlink', 'config set', 'debug', 'cluster reset', 'cluster failover', 'replicaof', 'slaveof'],
    valueOpts: ['-h', '-p', '-a', '-n', '-u', '-s', '--user', '--pass', '-r', '-i', '-d', '--cacert', '--cert', '--key'],
    example: 'redis-cli FLUSHALL',
  },
  { name: 'dd of=', programs: ['dd'], arg: /^of=/, example: 'dd if=/dev/zero of=/dev/sdb' },
  { name: 'mkfs, mkswap, wipefs, shred, blkdiscard', programs: [/^mkfs(?:\..+)?$/, 'mkswap', 'wipefs', 'shred', 'blkdiscard', 'lvremove', 'vgremove', 'pvremove'], example: 'mkfs.ext4 /dev/sdb1' },
  { name: 'fdisk, sfdisk, parted, gdisk (but not -l)', programs: ['fdisk', 'sfdisk', 'parted', 'gdisk', 'sgdisk', 'cfdisk'], unless: /^(?:-l|--list)$/, example: 'parted /dev/sdb rm 1' },
  { name: 'iptables, nft, ufw, firewall-cmd', programs: ['iptables', 'ip6tables', 'iptables-restore', 'ip6tables-restore', 'ebtables', 'nft', 'ufw', 'firewall-cmd'], example: 'iptables -F' },
  { name: 'truncate', programs: ['truncate'], example: 'truncate -s 0 /var/log/big.log' },
  { name: 'chmod, chown, chgrp -R', programs: ['chmod', 'chown', 'chgrp'], arg: /^(?:-[a-zA-Z]*R[a-zA-Z]*|--recursive)$/, example: 'chown -R app: /srv' },
  { name: 'git push --force', programs: ['git'], sub: ['push'], arg: /^(?:--force(?:-with-lease)?(?:=.*)?|-[a-zA-Z]*f[a-zA-Z]*|--delete|--mirror|\+.+|:.+)$/, valueOpts: ['-C', '-c', '--git-dir', '--work-tree'], example: 'git push --force origin main' },
  { name: 'git reset --hard', programs: ['git'], sub: ['reset'], arg: /^--hard$/, valueOpts: ['-C', '-c', '--git-dir', '--work-tree'], example: 'git reset --hard origin/main' },
  { name: 'git clean -f', programs: ['git'], sub: ['clean'], arg: /^(?:-[a-zA-Z]*f[a-zA-Z]*|--force)$/, valueOpts: ['-C', '-c', '--git-dir', '--work-tree'], example: 'git clean -fdx' },
  { name: 'git branch -D, stash drop / clear', programs: ['git'], sub: ['branch', 'stash drop', 'stash clear'], arg: /^(?:-[a-zA-Z]*D[a-zA-Z]*|drop|clear)$/, valueOpts: ['-C', '-c', '--git-dir', '--work-tree'], example: 'git stash clear' },
  {
    name: 'docker / podman / nerdctl / crictl rm, rmi, kill, stop, restart, prune',
    programs: ['docker', 'podman', 'nerdctl', 'crictl', 'docker-machine', 'docker-compose', 'podman-compose'],
    sub: [...CONTAINER_VERBS, ...CONTAINER_GROUPS.flatMap((g) => CONTAINER_VERBS.map((v) => `${g} ${v}`)), ...CONTAINER_VERBS.map((v) => `compose ${v}`)],
    valueOpts: ['-H', '--host', '--context', '--config', '-c', '--log-level', '-f', '--file', '-p', '--project-name', '-r', '--runtime-endpoint'],
    example: 'docker system prune -af',
  },
  // etcd: deleting keys or members, and defrag/compaction, which stall the member while they run.
  {
    name: 'etcdctl del, defrag, compact, member remove, snapshot restore, move-leader',
    programs: ['etcdctl'],
    sub: ['del', 'defrag', 'compact', 'compaction', 'member remove', 'snapshot restore', 'move-leader', 'lease revoke', 'alarm disarm', 'user delete', 'role delete'],
    valueOpts: ['--endpoints', '--cacert', '--cert', '--key', '--user', '--password', '--dial-timeout', '--command-timeout', '-w', '--write-out'],
    example: 'etcdctl defrag',
  },
  {
    name: 'patronictl failover, switchover, restart, reinit, remove, pause, edit-config',
    programs: [/^[\w-]*patronictl$/],
    sub: ['failover', 'switchover', 'restart', 'reinit', 'remove', 'pause', 'edit-config', 'reload'],
    valueOpts: ['-c', '--config-file', '-d', '--dcs-url', '--dcs'],
    example: 'patronictl switchover main',
  },
  { name: 'terraform / tofu apply, destroy, import, state rm', programs: ['terraform', 'tofu', 'terragrunt'], sub: ['apply', 'destroy', 'import', 'taint', 'force-unlock', 'state rm', 'state mv', 'state push', 'state replace-provider', 'run-all'], example: 'terraform destroy' },
  { name: 'apt, yum, dnf, zypper, apk remove, purge, autoremove, erase', programs: ['apt', 'apt-get', 'aptitude', 'yum', 'dnf', 'zypper', 'apk', 'snap'], sub: ['remove', 'purge', 'autoremove', 'erase', 'rm', 'del'], valueOpts: ['-o', '-c', '--option'], example: 'apt-get purge nginx' },
  { name: 'rpm -e, pacman -R, dpkg -r', programs: ['rpm', 'pacman', 'dpkg'], arg: /^(?:-e|--erase|-R[a-z]*|--remove|-r|-P|--purge)$/, example: 'rpm -e nginx' },
  { name: 'umount, swapoff', programs: ['umount', 'swapoff'], example: 'umount /data' },
  { name: 'ip link set … down, ip link / addr / route delete or flush', programs: ['ip'], sub: ['link set', 'link delete', 'link del', 'addr del', 'addr flush', 'address del', 'address flush', 'route del', 'route flush', 'route replace', 'neigh flush'], arg: /^(?:down|del|delete|flush|replace)$/, valueOpts: ['-n', '-netns', '-f', '-family'], example: 'ip link set eth0 down' },
  { name: 'crontab -r', programs: ['crontab'], arg: /^-[a-zA-Z]*r[a-zA-Z]*$/, example: 'crontab -r' },
  { name: 'userdel, groupdel', programs: ['userdel', 'groupdel', 'deluser', 'delgroup'], example: 'userdel deploy' },
  { name: 'journalctl --vacuum-*, --rotate', programs: ['journalctl'], arg: /^--(?:vacuum-\w+|rotate|flush)(?:=.*)?$/, example: 'journalctl --vacuum-size=500M' },
  { name: 'sysctl -w / NAME=VALUE', programs: ['sysctl'], arg: /^(?:-w|--write|-p|--load(?:=.*)?|--system|[\w./-]+=.*)$/, example: 'sysctl -w vm.swappiness=10' },
  { name: 'renice', programs: ['renice'], example: 'renice -n 10 -p 4242' },
  { name: 'tee to a block device or /proc/sys', programs: ['tee'], arg: /^\/(?:dev\/(?:sd|nvme|xvd|vd|hd|mmcblk)|proc\/sys)/, example: 'tee /proc/sys/vm/drop_caches <<<3' },
  { name: 'rsync --delete', programs: ['rsync'], arg: /^--(?:delete[\w-]*|remove-source-files)$/, example: 'rsync -a --delete src/ dst/' },
  { name: 'mysqladmin drop, shutdown, kill', programs: ['mysqladmin'], sub: ['drop', 'shutdown', 'kill', 'flush-logs', 'purge'], valueOpts: ['-h', '-u', '-p', '-P', '-S', '--host', '--user', '--port', '--socket'], example: 'mysqladmin shutdown' },
  { name: 'dropdb, dropuser, pg_ctl stop / restart / promote', programs: ['dropdb', 'dropuser', 'pg_dropcluster', 'pg_ctl', 'pg_ctlcluster'], unless: /^(?:status|--version)$/, example: 'dropdb shop' },
  { name: 'zfs / zpool destroy, rollback', programs: ['zfs', 'zpool'], sub: ['destroy', 'rollback', 'offline', 'detach', 'export', 'labelclear'], example: 'zfs destroy tank/data' },
  { name: 'virsh destroy, undefine, shutdown, reboot, reset', programs: ['virsh'], sub: ['destroy', 'undefine', 'shutdown', 'reboot', 'reset', 'vol-delete', 'pool-delete'], example: 'virsh destroy web-1' },
  { name: 'aws s3 rm / rb, … delete-*, terminate-*, stop-*', programs: ['aws'], sub: ['s3 rm', 's3 rb', '* delete-*', '* terminate-*', '* stop-*', '* remove-*', '* deregister-*', '* reboot-*'], valueOpts: ['--region', '--profile', '--output', '--endpoint-url', '--query'], example: 'aws s3 rm s3://bucket/key' },
  { name: '/etc/init.d/X stop, restart; invoke-rc.d X stop', programs: [/^\/etc\/(?:rc\.d\/)?init\.d\//], sub: ['stop', 'restart', 'force-stop', 'force-reload', 'zap'], example: '/etc/init.d/nginx stop' },
  { name: '/etc/init.d/X stop, restart; invoke-rc.d X stop', programs: ['invoke-rc.d', 'rc-service'], sub: ['* stop', '* restart', '* force-stop', '* zap'], example: 'invoke-rc.d nginx stop' },
  { name: 'init 0 / 6, telinit', programs: ['init', 'telinit'], arg: /^[0156sS]$/, example: 'init 6' },
  { name: 'HTTP DELETE (curl -X DELETE, http DELETE)', programs: ['curl', 'http', 'https', 'xh', 'wget'], arg: /^(?:-X\s*DELETE|--request=DELETE|--method=DELETE|DELETE)$/i, example: 'curl -X DELETE localhost:9200/logs-2026.11' },
  { name: 'ifdown, ifconfig … down, nmcli … down / off / delete', programs: ['ifdown'], example: 'ifdown eth0' },
  { name: 'ifdown, ifconfig … down, nmcli … down / off / delete', programs: ['ifconfig'], arg: /^down$/, example: 'ifconfig eth0 down' },
  { name: 'ifdown, ifconfig … down, nmcli … down / off / delete', programs: ['nmcli'], sub: ['con down', 'connection down', 'con delete', 'connection delete', 'dev disconnect', 'device disconnect', 'networking off', 'radio all off'], valueOpts: ['-f', '--fields', '-g', '--get-values', '-w', '--wait'], example: 'nmcli connection down eth0' },
  { name: 'mdadm --stop / --fail / --remove / --zero-superblock', programs: ['mdadm'], arg: /^(?:--stop|-S|--fail|-f|--remove|-r|--zero-superblock|--create|-C)$/, example: 'mdadm --stop /dev/md0' },
  {
    name: 'ceph osd out / down / rm / purge, pool delete',
    programs: ['ceph'],
    sub: ['osd out', 'osd down', 'osd rm', 'osd purge', 'osd destroy', 'osd pool delete', 'osd pool rm', 'osd crush remove', 'osd crush rm', 'mon remove', 'fs rm', 'fs fail', 'auth del', 'auth rm'],
    valueOpts: ['-c', '--conf', '-n', '--name', '--cluster', '-k', '--keyring'],
    example: 'ceph osd out 3',
  },
  {
    name: 'vault / consul delete, destroy, disable, revoke, seal, leave',
    programs: ['vault', 'consul'],
    sub: ['delete', 'kv delete', 'kv destroy', 'kv metadata delete', 'secrets disable', 'auth disable', 'token revoke', 'lease revoke', 'operator seal', 'operator step-down', 'operator raft remove-peer', 'leave', 'force-leave', 'snapshot restore'],
    valueOpts: ['-address', '-namespace', '-http-addr', '-token'],
    example: 'vault kv delete secret/app',
  },
  { name: 'nodetool decommission, removenode, drain, stopdaemon', programs: ['nodetool'], sub: ['decommission', 'removenode', 'drain', 'stopdaemon', 'assassinate', 'truncatehints'], valueOpts: ['-h', '--host', '-p', '--port', '-u', '--username', '-pw', '--password'], example: 'nodetool decommission' },
  { name: 'kafka-topics --delete, kafka-consumer-groups --delete / --reset-offsets', programs: [/^kafka-(?:topics|consumer-groups|configs|acls|delete-records)(?:\.sh)?$/], arg: /^--(?:delete|reset-offsets|alter|offset-json-file)$/, example: 'kafka-topics --bootstrap-server k:9092 --delete --topic orders' },
  { name: 'rabbitmqctl purge_queue, delete_queue, stop_app, reset', programs: ['rabbitmqctl', 'rabbitmqadmin'], sub: ['purge_queue', 'delete_queue', 'delete_vhost', 'delete_user', 'stop_app', 'stop', 'reset', 'force_reset', 'forget_cluster_node', 'close_all_connections', 'purge', 'delete'], valueOpts: ['-n', '--node', '-p', '--vhost'], example: 'rabbitmqctl purge_queue orders' },
  {
    name: 'gcloud / az / gsutil delete, stop, reset, rm',
    programs: ['gcloud', 'az'],
    sub: ['* delete', '* * delete', '* * * delete', '* * * * delete', '* stop', '* * stop', '* * * stop', '* * reset', '* * * reset', '* deallocate', '* * deallocate', '* restart', '* * restart', '* * * restart', 'storage rm', '* * purge', '* * remove-*', '* * * remove-*'],
    valueOpts: ['--project', '--zone', '--region', '--format', '--account', '-g', '--resource-group', '--subscription', '-o', '--output', '-n', '--name'],
    example: 'gcloud compute instances delete web-1 --zone europe-west1-b',
  },
  { name: 'gcloud / az / gsutil delete, stop, reset, rm', programs: ['gsutil', 's3cmd', 'rclone', 'mc'], sub: ['rm', 'rb', 'del', 'delete', 'deletefile', 'purge', 'rmdir', 'rmdirs'], valueOpts: ['-o', '-h', '--config'], example: 'gsutil rm -r gs://bucket/tmp' },
  { name: 'perf record / top / trace, bpftrace, strace, gdb -p, ltrace (they load production)', programs: ['perf'], sub: ['record', 'top', 'trace', 'probe'], example: 'perf record -g -p 4242' },
  { name: 'perf record / top / trace, bpftrace, strace, gdb -p, ltrace (they load production)', programs: ['bpftrace', 'strace', 'ltrace'], example: 'strace -c -p 4242' },
  { name: 'perf record / top / trace, bpftrace, strace, gdb -p, ltrace (they load production)', programs: ['gdb'], arg: /^(?:-p|--pid(?:=.*)?)$/, example: 'gdb -p 4242' },
];

export const TEXT_RULES: readonly TextRule[] = [
  { name: 'SQL DROP, TRUNCATE, DELETE FROM, ALTER', re: /\b(?:DROP\s+(?:TABLE|DATABASE|SCHEMA|INDEX|USER|ROLE|VIEW|KEYSPACE|COLLECTION)|TRUNCATE(?:\s+TABLE)?\s+["`]?[A-Za-z_]\w*|DELETE\s+FROM|ALTER\s+(?:TABLE|SYSTEM|DATABASE|USER|ROLE))\b/i, example: 'psql -c "DROP TABLE sessions"' },
  { name: 'pg_terminate_backend, pg_cancel_backend', re: /\bpg_(?:terminate|cancel)_backend\b/, example: "psql -c 'select pg_terminate_backend(4242)'" },
  { name: 'MongoDB drop, deleteMany, remove', re: /\bdb(?:\.[\w$]+)*\.(?:dropDatabase|drop|deleteMany|deleteOne|remove|findOneAndDelete)\s*\(/, example: `mongosh shop --eval 'db.sessions.drop()'` },
  {
    name: 'a write to a block device or /proc/sys',
    re: />\|?\s*(\/(?:dev\/(?:sd|nvme|xvd|vd|hd|mmcblk)[\w-]*|proc\/sys[\w/.-]*))/,
    plainOnly: true,
    wordFromMatch: (m) => (m[1] ?? '').split('/').pop() || 'yes',
    example: 'echo b > /proc/sysrq-trigger',
  },
];
